// Logging never blocks printing, against the real daemon: its stderr is a pipe nobody reads (a stuck journal,
// a full pipe). Enough receipts to fill the pipe with their log lines (one each, from the processing worker, whose
// writes then block), then a flood of connections to a link whose printer is down (one warning each), must neither
// stop a link from printing nor flood the log, and the daemon's last lines still reach stderr when it exits.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort, printJob, repositoryRoot, waitFor } from '../helpers/daemon.js';

const COFFEE = await readFile('test/fixtures/receipts/coffee-tm-t88-card.bin');
const FLOOD = 1_500;
/** Receipts whose log lines (~300 bytes each) are more than the 64 KiB a pipe holds. */
const RECEIPTS = 400;
const PIPE_BYTES = 64 * 1024;

let dir: string;
const cleanups: (() => void)[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-logging-'));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await rm(dir, { recursive: true, force: true });
});

/** One till connection to a link whose printer is down: sends a byte, waits (bounded) for the reset. */
function refusedJob(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write('x'));
    const timer = setTimeout(() => socket.destroy(), 5_000);
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('posbridge run: logging', () => {
  it('keeps printing while stderr is not read, limits per-connection lines, and flushes its last lines at exit', { timeout: 120_000 }, async () => {
    const [downPort, frontPort, deadPrinter] = [await freePort(), await freePort(), await freePort()];
    const configFile = join(dir, 'posbridge.json');
    await writeFile(
      configFile,
      JSON.stringify({
        dataDir: join(dir, 'data'),
        links: [
          { name: 'down', till: { kind: 'tcp', host: '127.0.0.1', port: downPort }, printer: { kind: 'tcp', host: '127.0.0.1', port: deadPrinter } },
          { name: 'front', till: { kind: 'tcp', host: '127.0.0.1', port: frontPort, maxConnections: 64 }, printer: { kind: 'file', path: join(dir, 'printed') } },
        ],
      }),
    );
    const child = spawn(process.execPath, [join(repositoryRoot(), 'bin', 'posbridge.js'), 'run', '--config', configFile], {
      env: { ...process.env, POSBRIDGE_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    cleanups.push(() => child.kill('SIGKILL'));
    // Nobody reads the daemon's stderr until it is told to stop: the pipe fills after 64 KiB.
    child.stderr.pause();
    await waitFor(() => accepting(frontPort), (up) => up, 'the daemon to listen', 20_000);

    for (let sent = 0; sent < RECEIPTS; sent += 50) await Promise.all(Array.from({ length: 50 }, () => printJob(frontPort, COFFEE)));
    for (let sent = 0; sent < FLOOD; sent += 50) {
      await Promise.all(Array.from({ length: 50 }, () => refusedJob(downPort)));
    }
    await printJob(frontPort, COFFEE);
    const printed = await waitFor(
      () => readdir(join(dir, 'printed')).catch(() => [] as string[]),
      (names) => names.filter((n) => n.endsWith('.bin')).length === RECEIPTS + 1,
      'every job printed while stderr was full',
      20_000,
    );
    for (const name of printed.filter((n) => n.endsWith('.bin'))) expect(await readFile(join(dir, 'printed', name))).toEqual(COFFEE);

    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => (stderr += text));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    child.kill('SIGTERM');
    // Still unread for a second while the daemon stops: its exit waits (boundedly) for the lines still being
    // written, so that its last line is last, which an exit flushing the rest beside a write in flight does not
    // ensure (seen once, under load, as 'link stopped' after 'stopped').
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    child.stderr.resume();
    expect(await exited).toBe(0);
    // The pipe was full: more was written to it than it holds while nobody read it.
    expect(Buffer.byteLength(stderr)).toBeGreaterThan(PIPE_BYTES);
    const lines = stderr.trim().split('\n').map((line) => JSON.parse(line) as { msg: string });
    expect(lines.at(-1)!.msg).toBe('stopped');
    const unavailable = lines.filter((l) => l.msg.startsWith('printer unavailable'));
    expect(unavailable.length).toBeGreaterThan(0);
    expect(unavailable.length).toBeLessThan(FLOOD / 10);
  });
});
