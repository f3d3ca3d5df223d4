// Store figures (issue 14, items 6 and 14):
//  - the worker's write path in this process (JobWriter on a real SQLite file, WAL, synchronous=FULL), jobs
//    arriving in batches as a flood brings them: raw capture journalled (session, bytes, end) per second, and jobs
//    with their baskets stored per second, each per second of wall time and per second of this process's CPU time
//    (the machine may be shared: the CPU figure is what the code costs). Target: at least 5,000 jobs/s sustained.
//  - a 50 MB flood through the real daemon (`posbridge run`, a separate process) over many connections at once:
//    how fast it is captured durably (every connection's close waits until its bytes are on disk), the daemon's
//    CPU time for it, the most bytes waiting between capture and the journal (and how many of them were held in
//    memory, how many waited in the encrypted spill file), the daemon's peak RSS (VmHWM) idle,
//    during the flood and up to its exit after SIGTERM (storing the decoder's backlog), and that every byte is
//    stored. Target: peak RSS under 150 MB. Run with the default captureBacklogBytes as `posbridge run` starts, then
//    with the allocator environment of the systemd unit install.sh writes (MALLOC_ARENA_MAX), and with less allowed
//    in flight.
// Run alone with `npm run build && node dist/bench/store.js`.
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { newJobId } from '../agent/capture/job-id.js';
import { controlRequest } from '../agent/control/index.js';
import { basketsFromBytes } from '../agent/extract/index.js';
import { JobWriter, Store, type JobRecord } from '../agent/store/index.js';
import { freePort, repositoryRoot, startDaemon } from '../test/helpers/daemon.js';

const WRITE_JOBS = 30_000;
/** Jobs arriving per event-loop turn in the write-path figures (a flood's worth; a quiet shop has one). */
const PER_TURN = 250;
const FLOOD_BYTES = 50 * 1024 * 1024;
const FLOOD_CONNECTIONS = 64;

function line(label: string, value: string): void {
  process.stdout.write(`${label.padEnd(62)}${value}\n`);
}

function step(what: string): void {
  process.stderr.write(`bench store: ${what}\n`);
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Rate {
  /** Jobs per second of wall time: what this machine gave us, loaded or not. */
  wall: number;
  /** Jobs per second of this process's CPU time (user + system): what the code costs, whatever the load. */
  cpu: number;
}

function rate(r: Rate): string {
  return `${r.wall.toFixed(0)} (${r.cpu.toFixed(0)} per CPU-second; target >= 5,000)`;
}

/** Jobs per second through `save`, PER_TURN per turn, until all of them are on disk. */
async function writeRate(dir: string, name: string, save: (writer: JobWriter, i: number) => void): Promise<Rate> {
  const store = Store.open(join(dir, `${name}.db`));
  const writer = new JobWriter(store);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < WRITE_JOBS; i++) {
    save(writer, i);
    if (i % PER_TURN === PER_TURN - 1) await turn();
  }
  await new Promise<void>((resolve) => writer.whenDurable(resolve));
  while (writer.pending > 0) await turn();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  writer.close();
  store.close();
  return { wall: WRITE_JOBS / seconds, cpu: WRITE_JOBS / ((cpu.user + cpu.system) / 1e6) };
}

async function benchWritePath(dir: string, receipt: Buffer): Promise<void> {
  const info = { link: 'bench', tillId: 'T1', peer: 'tcp 127.0.0.1:1' };
  step('journal rate');
  const journalled = await writeRate(dir, 'journal', (writer, i) => {
    const key = `bench:${i}`;
    writer.journal({ t: 'open', key, info, openedAt: Date.now() });
    writer.journal({ t: 'chunk', key, offset: 0, at: Date.now(), bytes: receipt });
  });
  line('raw capture journalled (session + bytes), jobs/s', rate(journalled));
  const [basket] = basketsFromBytes(receipt);
  step('job rate');
  const stored = await writeRate(dir, 'jobs', (writer, i) => {
    const at = Date.now();
    const job: JobRecord = { id: newJobId(at), link: 'bench', tillId: 'T1', peer: info.peer, capturedAt: new Date(at), endedBy: 'session-end', bytes: receipt };
    writer.save(job, basket === undefined ? [] : [{ ...basket, id: job.id }]);
    writer.journal({ t: 'close', key: `bench:${i}` });
  });
  line('jobs stored with their baskets (+ journal closed), jobs/s', rate(stored));
}

async function vmHwmMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /VmHWM:\s+(\d+)/.exec(status)?.[1];
  return kb === undefined ? Number.NaN : Number(kb) / 1024;
}

/** The process's CPU time so far (user + system, all its threads), in seconds. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Reads VmHWM every 20 ms until `done` settles: the last reading before the process exits is its peak. */
async function peakUntil(pid: number, done: Promise<unknown>): Promise<number> {
  let peak = Number.NaN;
  let finished = false;
  void done.finally(() => (finished = true));
  while (!finished) {
    const now = await vmHwmMiB(pid);
    if (!Number.isNaN(now)) peak = now;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return peak;
}

/** One till connection sending `bytes` and half-closing; resolves when posbridge closes it (bytes durable). */
function flood(port: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => socket.end(bytes));
    socket.on('data', () => undefined);
    socket.once('error', reject);
    socket.once('close', () => resolve());
  });
}

/** The allocator settings the systemd unit from install.sh starts the daemon with (its `Environment=MALLOC_*` lines). */
async function unitAllocatorEnvironment(): Promise<Record<string, string>> {
  const script = await readFile(join(repositoryRoot(), 'install.sh'), 'utf8');
  const env = Object.fromEntries([...script.matchAll(/^Environment=(MALLOC_\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  if (Object.keys(env).length === 0) throw new Error('install.sh: no Environment=MALLOC_* line in the unit it writes');
  return env;
}

async function benchFlood(dir: string, receipt: Buffer, options: { captureBacklogBytes?: number; env?: Record<string, string> } = {}): Promise<void> {
  const { captureBacklogBytes, env } = options;
  const port = await freePort();
  const data = join(dir, `flood-${captureBacklogBytes ?? 'default'}-${env === undefined ? 'plain' : 'unit'}`);
  const limit = [
    captureBacklogBytes === undefined ? 'default captureBacklogBytes' : `captureBacklogBytes ${captureBacklogBytes / 1024 / 1024} MiB`,
    env === undefined ? 'started as `posbridge run`' : `as the systemd unit starts it (${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')})`,
  ].join(', ');
  const daemon = await startDaemon(
    { dataDir: data, ...(captureBacklogBytes !== undefined && { captureBacklogBytes }), links: [{ name: 'bench', till: { kind: 'tcp', host: '127.0.0.1', port, maxConnections: FLOOD_CONNECTIONS * 2 }, printer: { kind: 'none' } }] },
    { dir, ...(env !== undefined && { env }) },
  );
  const pid = daemon.child.pid!;
  const perConnection = Math.floor(FLOOD_BYTES / FLOOD_CONNECTIONS / receipt.length);
  const payload = Buffer.concat(Array.from({ length: perConnection }, () => receipt));
  const sent = payload.length * FLOOD_CONNECTIONS;
  try {
    step(`flood: ${(sent / 1024 / 1024).toFixed(0)} MB over ${FLOOD_CONNECTIONS} connections`);
    const idle = await vmHwmMiB(pid);
    const cpu0 = await cpuSeconds(pid);
    const t0 = performance.now();
    let maxBacklog = 0;
    let maxInMemory = 0;
    let maxSpilled = 0;
    let shed = 0;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const status = (await controlRequest(data, { op: 'status' }, 10_000).catch(() => undefined)) as
          | { capture: { backlogBytes: number; spilledBytes: number; shedBytes: number } }
          | undefined;
        maxBacklog = Math.max(maxBacklog, status?.capture.backlogBytes ?? 0);
        maxInMemory = Math.max(maxInMemory, (status?.capture.backlogBytes ?? 0) - (status?.capture.spilledBytes ?? 0));
        maxSpilled = Math.max(maxSpilled, status?.capture.spilledBytes ?? 0);
        shed = Math.max(shed, status?.capture.shedBytes ?? 0);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await Promise.all(Array.from({ length: FLOOD_CONNECTIONS }, () => flood(port, payload)));
    polling = false;
    await poll;

    const seconds = (performance.now() - t0) / 1000;
    const floodPeak = await vmHwmMiB(pid);
    const floodCpu = (await cpuSeconds(pid)) - cpu0;
    process.stdout.write(`flood of ${(sent / 1024 / 1024).toFixed(0)} MB over ${FLOOD_CONNECTIONS} connections, ${limit}:\n`);
    line('  captured durably (every close after its bytes are on disk)', `${(sent / 1024 / 1024 / seconds).toFixed(1)} MB/s, ${((perConnection * FLOOD_CONNECTIONS) / seconds).toFixed(0)} receipts/s`);
    line('  most bytes waiting between capture and the journal', `${(maxBacklog / 1024 / 1024).toFixed(1)} MiB; shed ${shed} bytes`);
    line('  of them at most: in memory, in the spill file', `${(maxInMemory / 1024 / 1024).toFixed(1)} MiB, ${(maxSpilled / 1024 / 1024).toFixed(1)} MiB`);
    line('  daemon CPU time for the flood (all threads)', `${floodCpu.toFixed(1)} s (${(sent / 1024 / 1024 / floodCpu).toFixed(1)} MB per CPU-second)`);
    line('  daemon peak RSS: idle after start, during the flood', `${idle.toFixed(1)} MiB, ${floodPeak.toFixed(1)} MiB (target < 150)`);
    step('SIGTERM: the backlog is stored');
    const t1 = performance.now();
    const stopped = daemon.stop('SIGTERM', 120_000);
    const exitPeak = await peakUntil(pid, stopped);
    await stopped;
    line('  SIGTERM to exit, storing the decoder backlog', `${((performance.now() - t1) / 1000).toFixed(1)} s`);
    line('  daemon peak RSS up to exit (flood and storing the backlog)', `${exitPeak.toFixed(1)} MiB (target < 150)`);
  } finally {
    await daemon.stop('SIGKILL');
  }
  const store = Store.open(Store.fileIn(data), { readonly: true });
  const counts = store.counts();
  const decoded = store.basketsAfter(0, 10_000_000).length;
  store.close();
  line('  bytes stored / sent', `${counts.bytes} / ${sent}${counts.bytes === sent ? '' : ' (the rest shed, as counted above)'}`);
  line('  receipts decoded before exit (the rest stored raw)', `${decoded} of ${perConnection * FLOOD_CONNECTIONS}`);
}

export async function benchStore(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'posbridge-bench-store-'));
  try {
    const receipt = await readFile(join(repositoryRoot(), 'test', 'fixtures', 'receipts', 'coffee-tm-t88-card.bin'));
    await benchWritePath(dir, receipt);
    await benchFlood(dir, receipt);
    const env = await unitAllocatorEnvironment();
    await benchFlood(dir, receipt, { env });
    // The same flood with less allowed in flight: memory bounded by the setting, the excess shed (never printing).
    await benchFlood(dir, receipt, { captureBacklogBytes: 32 * 1024 * 1024, env });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchStore();
