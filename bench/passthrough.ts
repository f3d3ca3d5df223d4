// Passthrough figures, through the real daemon (`posbridge run`, a separate process, capture and storage on):
//  - added delay per chunk: 64-byte chunks ending in a status request, timed till → printer and back, through
//    posbridge versus straight to the printer; p50/p99. Target: under 1 ms added at p99.
//  - the same with the decoder made 20 ms slower per chunk (POSBRIDGE_FAULTS), which must change nothing.
//  - throughput over TCP and over pty pairs (socat), beside the same path without posbridge.
//    Target: at least 10 MB/s through TCP.
// Run alone with `npm run build && node dist/bench/passthrough.js`.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SerialPort } from 'serialport';
import { freePort, repositoryRoot, startDaemon, type DaemonProcess } from '../test/helpers/daemon.js';
import { startSimPrinter, type SimPrinter } from '../test/helpers/sim-printer.js';
import { closePtyEnd, createPtyPair, openPtyEnd, socatAvailable } from '../test/helpers/socat.js';

const ROUND_TRIPS = 10_000;
const WARM_UP = 500;
const TCP_BYTES = 128 * 1024 * 1024;
const PTY_BYTES = 16 * 1024 * 1024;

/** Progress on stderr, so a long run shows where it is. */
function step(what: string): void {
  process.stderr.write(`bench passthrough: ${what}\n`);
}

function line(label: string, value: string): void {
  process.stdout.write(`${label.padEnd(62)}${value}\n`);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

function connectTo(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true }, () => resolve(socket));
    socket.once('error', reject);
  });
}

interface Latency {
  /** Till write → the printer has the chunk (ms, sorted): the delay posbridge adds to printing. */
  oneWay: number[];
  /** Till write → the printer's status reply is back at the till (ms, sorted). */
  roundTrip: number[];
}

/**
 * Sends 64-byte chunks ending in DLE EOT 1, one at a time, and times each to the printer (one way) and back (the
 * printer's one-byte status reply). The till and the printer are both in this process, so one clock times both.
 */
async function latency(port: number, printer: SimPrinter, count: number): Promise<Latency> {
  const before = printer.connections.length;
  const socket = await connectTo(port);
  const chunk = Buffer.concat([Buffer.from('x'.repeat(61)), Buffer.from([0x10, 0x04, 0x01])]);
  const exchange = async (): Promise<void> => {
    const replied = new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.write(chunk);
    await replied;
  };
  await exchange(); // opens the printer connection (through posbridge: on the first byte)
  let arrivedAt = 0;
  printer.connections[before]!.socket.on('data', () => {
    arrivedAt = performance.now();
  });
  const oneWay: number[] = [];
  const roundTrip: number[] = [];
  for (let i = 0; i < count + WARM_UP; i++) {
    const t0 = performance.now();
    await exchange();
    if (i < WARM_UP) continue; // JIT and buffers warming up
    oneWay.push(arrivedAt - t0);
    roundTrip.push(performance.now() - t0);
  }
  socket.destroy();
  return { oneWay: oneWay.sort((a, b) => a - b), roundTrip: roundTrip.sort((a, b) => a - b) };
}

/** MB/s of `total` bytes written in 64 KiB chunks until the far side has counted them all. */
async function throughput(write: (chunk: Buffer) => boolean | Promise<void>, drain: () => Promise<void>, received: () => number, total: number): Promise<number> {
  const receipt = await readFile(join(repositoryRoot(), 'test', 'fixtures', 'receipts', 'coffee-tm-t88-card.bin'));
  // Whole receipts, about 64 KiB of them, so every one the daemon captures is a real receipt.
  const chunk = Buffer.concat(Array.from({ length: Math.floor(65_536 / receipt.length) }, () => receipt));
  const t0 = performance.now();
  for (let sent = 0; sent < total; sent += chunk.length) {
    const result = await write(chunk);
    if (result === false) await drain();
  }
  let lastReport = performance.now();
  while (received() < total) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (performance.now() - lastReport > 2_000) {
      lastReport = performance.now();
      step(`throughput: ${received()} of ${total} bytes arrived`);
    }
  }
  return total / 1e6 / ((performance.now() - t0) / 1000);
}

async function tcpThroughput(port: number, printer: SimPrinter): Promise<number> {
  // The printer's connection for this run is the next one it accepts (counted before connecting: a direct
  // connection is accepted at once, one through posbridge when its first byte arrives).
  const before = printer.connections.length;
  const socket = await connectTo(port);
  const rate = await throughput(
    (chunk) => socket.write(chunk),
    () => new Promise((resolve) => socket.once('drain', resolve)),
    () => printer.connections[before]?.byteCount ?? 0,
    TCP_BYTES,
  );
  socket.destroy();
  return rate;
}

function daemonFor(dir: string, till: unknown, printer: unknown, env: Record<string, string> = {}): Promise<DaemonProcess> {
  return startDaemon({ dataDir: join(dir, 'data'), links: [{ name: 'bench', till, printer }] }, { dir, env });
}

async function peakRssMiB(pid: number): Promise<string> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /VmHWM:\s+(\d+)/.exec(status)?.[1];
  return kb === undefined ? 'n/a' : `${(Number(kb) / 1024).toFixed(1)} MiB`;
}

async function benchTcp(dir: string): Promise<void> {
  const printer = await startSimPrinter({ countOnly: true });
  const ms = (v: number): string => `${v.toFixed(3)} ms`;
  try {
    step('latency, direct');
    const direct = await latency(printer.port, printer, ROUND_TRIPS);
    const results: [string, Latency][] = [];
    for (const [label, env] of [['through posbridge', {}], ['posbridge, decoder +20 ms per chunk', { POSBRIDGE_FAULTS: 'decode-delay-ms=20' }]] as const) {
      const port = await freePort();
      const daemon = await daemonFor(dir, { kind: 'tcp', port }, { kind: 'tcp', port: printer.port }, env);
      try {
        step(`latency, ${label}`);
        results.push([label, await latency(port, printer, ROUND_TRIPS)]);
        if (label === 'through posbridge') {
          step('tcp throughput');
          const viaRate = await tcpThroughput(port, printer);
          const directRate = await tcpThroughput(printer.port, printer);
          line(`TCP throughput, ${TCP_BYTES / 1024 / 1024} MiB of receipts`, `${viaRate.toFixed(0)} MB/s through posbridge, ${directRate.toFixed(0)} MB/s direct (target >= 10 MB/s)`);
          line('daemon peak RSS (passthrough + capture + store)', await peakRssMiB(daemon.child.pid!));
        }
      } finally {
        step('stopping the daemon');
        await daemon.stop();
      }
    }
    const p = (times: number[]): string => `p50 ${ms(percentile(times, 50))}, p99 ${ms(percentile(times, 99))}`;
    const added = (times: number[], base: number[]): string =>
      `p50 ${ms(percentile(times, 50) - percentile(base, 50))}, p99 ${ms(percentile(times, 99) - percentile(base, 99))}`;
    line(`${ROUND_TRIPS} chunks of 64 B, direct: till → printer`, p(direct.oneWay));
    line('  round trip (status reply back at the till)', p(direct.roundTrip));
    for (const [label, times] of results) {
      line(`${label}: till → printer`, p(times.oneWay));
      line('  added by posbridge, till → printer', `${added(times.oneWay, direct.oneWay)} (target < 1 ms at p99)`);
      line('  added by posbridge, round trip', added(times.roundTrip, direct.roundTrip));
    }
  } finally {
    await printer.close();
  }
}

async function ptyThroughput(write: SerialPort, read: SerialPort): Promise<number> {
  let received = 0;
  read.on('data', (chunk: Buffer) => {
    received += chunk.length;
  });
  return throughput(
    (chunk) => write.write(chunk),
    () => new Promise((resolve) => write.once('drain', resolve)),
    () => received,
    PTY_BYTES,
  );
}

async function benchPty(dir: string): Promise<void> {
  if (!socatAvailable()) {
    line('pty throughput', 'skipped: socat is not installed');
    return;
  }
  const direct = await createPtyPair();
  const [a, b] = [await openPtyEnd(direct.a), await openPtyEnd(direct.b)];
  const directRate = await ptyThroughput(a, b);
  await closePtyEnd(a);
  await closePtyEnd(b);
  await direct.destroy();

  const tillLine = await createPtyPair();
  const printerLine = await createPtyPair();
  const daemon = await daemonFor(dir, { kind: 'serial', path: tillLine.b, baudRate: 115200 }, { kind: 'serial', path: printerLine.a, baudRate: 115200 });
  try {
    const till = await openPtyEnd(tillLine.a);
    const printer = await openPtyEnd(printerLine.b);
    const viaRate = await ptyThroughput(till, printer);
    line(`pty throughput, ${PTY_BYTES / 1024 / 1024} MiB of receipts`, `${viaRate.toFixed(1)} MB/s through posbridge (two pty pairs), ${directRate.toFixed(1)} MB/s through one pair`);
    await closePtyEnd(till);
    await closePtyEnd(printer);
  } finally {
    await daemon.stop();
    await tillLine.destroy();
    await printerLine.destroy();
  }
}

export async function benchPassthrough(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'posbridge-bench-'));
  try {
    await benchTcp(dir);
    await benchPty(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchPassthrough();
