// Proof, against the real daemon, that capture never sits on the print path: with the decoder made 500 ms slower
// per chunk, or throwing on every chunk (POSBRIDGE_FAULTS, read by the processing worker), the printer still
// gets exactly the till's bytes, and status replies still come back at once. The jobs are still stored.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../agent/store/index.js';
import { freePort, startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { startSimPrinter, type SimPrinter } from '../helpers/sim-printer.js';
import { byteReader, readUntilClose } from '../helpers/streams.js';

const COFFEE = await readFile('test/fixtures/receipts/coffee-tm-t88-card.bin');
const DECODER_DELAY_MS = 500;
const STATUS = Buffer.from([0x10, 0x04, 0x01]);

let dir: string;
let printer: SimPrinter;
let daemon: DaemonProcess | undefined;
let tillPort: number;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-isolation-'));
  printer = await startSimPrinter();
  tillPort = await freePort();
});

afterEach(async () => {
  await daemon?.stop('SIGKILL');
  daemon = undefined;
  await printer.close();
  await rm(dir, { recursive: true, force: true });
});

async function start(faults: string): Promise<void> {
  daemon = await startDaemon(
    { dataDir: join(dir, 'data'), links: [{ name: 'front', till: { kind: 'tcp', port: tillPort }, printer: { kind: 'tcp', port: printer.port } }] },
    { dir, env: { POSBRIDGE_FAULTS: faults } },
  );
}

function till(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: tillPort, allowHalfOpen: true, noDelay: true }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * Ten receipts in one connection, each followed by a status request whose reply is timed. If decoding sat on
 * the path, every reply would wait for the slowed decoder (>= 500 ms); the limit below is a fifth of that.
 */
async function printAndPoll(): Promise<{ slowestReplyMs: number; sent: Buffer }> {
  const socket = await till();
  const read = byteReader(socket);
  let slowest = 0;
  const sent: Buffer[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    socket.write(COFFEE);
    socket.write(STATUS);
    expect(await read(1)).toEqual(Buffer.from([0x16]));
    slowest = Math.max(slowest, performance.now() - t0);
    sent.push(COFFEE, STATUS);
  }
  const closed = readUntilClose(socket);
  socket.end();
  await closed;
  return { slowestReplyMs: slowest, sent: Buffer.concat(sent) };
}

function storedJobs() {
  if (!existsSync(Store.fileIn(join(dir, 'data')))) return { jobs: [], baskets: [] };
  const store = Store.open(Store.fileIn(join(dir, 'data')), { readonly: true });
  try {
    return { jobs: [...store.jobsBetween(new Date(0), new Date(Date.now() + 60_000))], baskets: store.basketsAfter(0) };
  } finally {
    store.close();
  }
}

describe('capture never blocks printing', () => {
  it(`with the decoder ${DECODER_DELAY_MS} ms slower per chunk, bytes and status replies are unaffected`, async () => {
    await start(`decode-delay-ms=${DECODER_DELAY_MS}`);
    const { slowestReplyMs, sent } = await printAndPoll();
    expect(slowestReplyMs).toBeLessThan(DECODER_DELAY_MS / 5);
    const [connection] = await printer.closedConnections(1);
    expect(connection!.data).toEqual(sent);
    // The slowed decoder catches up afterwards: every receipt is still captured and extracted.
    await expect.poll(() => storedJobs().baskets.length, { timeout: 30_000, interval: 250 }).toBe(10);
    expect(await daemon!.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    const { jobs, baskets } = storedJobs();
    // All but the final status request, which printed nothing after the last cut and so is no job.
    expect(Buffer.concat(jobs.map((j) => Buffer.from(j.bytes)))).toEqual(sent.subarray(0, -STATUS.length));
    expect(baskets).toHaveLength(10);
  }, 60_000);

  it('with a decoder that throws on every chunk, printing is unaffected and every job is stored raw with the reason', async () => {
    await start('decode-throw');
    const { sent } = await printAndPoll();
    const [connection] = await printer.closedConnections(1);
    expect(connection!.data).toEqual(sent);
    const storedBytes = () => storedJobs().jobs.reduce((n, j) => n + j.bytes.length, 0);
    await expect.poll(storedBytes, { timeout: 30_000, interval: 250 }).toBe(sent.length);
    expect(await daemon!.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    const { jobs, baskets } = storedJobs();
    // Undecoded, nothing can tell a status poll from a receipt: every byte is kept.
    expect(Buffer.concat(jobs.map((j) => Buffer.from(j.bytes)))).toEqual(sent);
    expect(jobs.every((j) => j.decodeError?.includes('injected decoder fault'))).toBe(true);
    expect(baskets).toHaveLength(0);
  });

  it('on SIGTERM with the decoder far behind, stores every captured byte (the backlog raw) before exiting', async () => {
    await start(`decode-delay-ms=${DECODER_DELAY_MS}`);
    const { sent } = await printAndPoll();
    expect(await daemon!.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    const { jobs } = storedJobs();
    const stored = Buffer.concat(jobs.map((j) => Buffer.from(j.bytes)));
    // Everything but, at most, the final status poll (decoded in time, it prints nothing, so is no job).
    expect(sent.subarray(0, stored.length)).toEqual(stored);
    expect(sent.length - stored.length).toBeLessThanOrEqual(STATUS.length);
    expect(jobs.some((j) => j.decodeError?.includes('shutting down'))).toBe(true);
  }, 60_000);

  it('refuses an unknown fault name rather than running without it', async () => {
    await expect(start('decode-sleep')).rejects.toThrow(/unknown fault/);
  });
});
