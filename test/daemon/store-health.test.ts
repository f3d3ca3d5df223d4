// Items 7, 8 and 11 of issue 14, against the real daemon (`posbridge run` as a child process, real SQLite files):
// a data folder the daemon cannot use and an invalid time zone are refused at start, naming the key and the fix;
// permissions other users could read through are warned about; a store outage shows in `status` while it lasts;
// a job the store refuses is dead-lettered with the reason while the others are stored.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { controlRequest } from '../../agent/control/index.js';
import type { StoreHealth } from '../../agent/model/store-health.js';
import { Store } from '../../agent/store/index.js';
import { freePort, printJob, repositoryRoot, startDaemon, waitFor, type DaemonProcess } from '../helpers/daemon.js';

const COFFEE = await readFile('test/fixtures/receipts/coffee-tm-t88-card.bin');
const COFFEE_TOTAL = 935;
const OTHER = await readFile('test/fixtures/receipts/coffee-mp4200-cash.bin');

let dir: string;
let daemon: DaemonProcess | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-health-'));
});

afterEach(async () => {
  await daemon?.stop('SIGKILL');
  daemon = undefined;
  await rm(dir, { recursive: true, force: true });
});

function config(dataDir: string, port: number, extra: Record<string, unknown> = {}) {
  return { dataDir, ...extra, links: [{ name: 'front', till: { kind: 'tcp', host: '127.0.0.1', port }, printer: { kind: 'none' } }] };
}

/** `posbridge run` with this config, expected to refuse at once: its exit code and what it said. */
async function refusedRun(raw: unknown): Promise<{ status: number | null; stderr: string }> {
  const file = join(dir, 'refused.json');
  await writeFile(file, JSON.stringify(raw));
  const run = spawnSync(process.execPath, [join(repositoryRoot(), 'bin', 'posbridge.js'), 'run', '--config', file], { encoding: 'utf8', timeout: 20_000 });
  return { status: run.status, stderr: run.stderr };
}

async function storeStatus(dataDir: string): Promise<StoreHealth> {
  return ((await controlRequest(dataDir, { op: 'status' }, 10_000)) as { store: StoreHealth }).store;
}

describe('posbridge run refuses what it cannot work with', () => {
  it('a dataDir that is a file, naming dataDir and the fix', async () => {
    const file = join(dir, 'not-a-folder');
    await writeFile(file, 'x');
    const run = await refusedRun(config(file, await freePort()));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`dataDir ${file} is a file, not a folder`);
    expect(run.stderr).toContain('set dataDir in the config (or POSBRIDGE_DATA)');
  });

  it('a dataDir that cannot be written', async () => {
    // sysfs refuses new entries to everyone, root included.
    const unwritable = `/sys/posbridge-${randomUUID()}`;
    const run = await refusedRun(config(unwritable, await freePort()));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`dataDir ${unwritable} is not a folder posbridge can write`);
  });

  it('a database file that is not one, naming dataDir', async () => {
    const data = join(dir, 'data');
    await mkdir(data, { mode: 0o700 });
    await writeFile(Store.fileIn(data), 'this is not an SQLite file, it is long enough to be looked at by SQLite.'.repeat(20), { mode: 0o600 });
    const run = await refusedRun(config(data, await freePort()));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`dataDir ${data}: the store cannot be opened`);
    expect(run.stderr).toContain('not a posbridge database');
  });

  it('an invalid time zone, naming timezone', async () => {
    const run = await refusedRun(config(join(dir, 'data'), await freePort(), { timezone: 'Europe/Londn' }));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('"Europe/Londn" is not an IANA time zone');
    expect(run.stderr).toMatch(/^ {2}- timezone: /m);
  });
});

describe('the running daemon and its store', () => {
  it('warns at start about a data folder and database other users can read, with the fix', async () => {
    const data = join(dir, 'data');
    Store.open(Store.fileIn(data)).close();
    await chmod(data, 0o755);
    await chmod(Store.fileIn(data), 0o644);
    daemon = await startDaemon(config(data, await freePort()), { dir });
    const warnings = daemon.logs.filter((l) => l.level === 40).map((l) => l.msg);
    expect(warnings).toContain(`dataDir ${data} can be read by other users (mode 755); fix: chmod 700 ${data}`);
    expect(warnings).toContain(`${Store.fileIn(data)} can be read by other users (mode 644); fix: chmod 600 ${Store.fileIn(data)}`);
  });

  it('shows a store outage (the database locked by another process) in status while it lasts, then stores the job', async () => {
    const port = await freePort();
    const data = join(dir, 'data');
    daemon = await startDaemon(config(data, port), { dir });
    expect(await storeStatus(data)).toMatchObject({ outage: null, deadLettered: 0 });
    const other = new Database(Store.fileIn(data));
    other.exec('BEGIN IMMEDIATE');
    try {
      // The till is not held up by the outage: its connection closes once the printer has the job.
      await printJob(port, COFFEE);
      const down = await waitFor(() => storeStatus(data), (s) => s.outage !== null, 'the outage in status', 30_000);
      expect(down.outage).toMatchObject({ code: 'SQLITE_BUSY', needsOperator: false, reason: expect.stringContaining('locked') });
    } finally {
      other.exec('COMMIT');
      other.close();
    }
    await waitFor(() => storeStatus(data), (s) => s.outage === null && s.pendingJobs === 0, 'the outage to end', 60_000);
    const store = Store.open(Store.fileIn(data), { readonly: true });
    expect(store.basketsAfter(0).map((b) => b.basket.total)).toEqual([COFFEE_TOTAL]);
    store.close();
  }, 90_000);

  it('dead-letters a job the store refuses, with the reason, stores the others, and says so in status', async () => {
    const port = await freePort();
    const data = join(dir, 'data');
    // A real SQLite refusal of one receipt: a trigger aborting the insert of a basket with this total.
    const prepared = Store.open(Store.fileIn(data));
    prepared.close();
    const raw = new Database(Store.fileIn(data));
    raw.exec(`CREATE TRIGGER refuse_935 BEFORE INSERT ON baskets WHEN NEW.total = ${COFFEE_TOTAL} BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END;`);
    raw.close();
    daemon = await startDaemon(config(data, port), { dir });
    await printJob(port, OTHER);
    await printJob(port, COFFEE);
    await printJob(port, OTHER);
    const health = await waitFor(() => storeStatus(data), (s) => s.deadLettered === 1, 'the dead letter in status', 30_000);
    expect(health.lastDeadLetter).toMatchObject({ link: 'front', reason: 'refused by the test trigger' });
    expect(health.outage).toBeNull();
    const store = Store.open(Store.fileIn(data), { readonly: true });
    try {
      await waitFor(() => store.counts().jobs, (n) => n === 2, 'the two other jobs stored', 30_000);
      expect(store.deadJobs()).toEqual([expect.objectContaining({ link: 'front', size: COFFEE.length, reason: 'refused by the test trigger' })]);
      expect(Buffer.from(store.deadJobs()[0]!.bytes!).equals(COFFEE)).toBe(true);
    } finally {
      store.close();
    }
    const text = spawnSync(process.execPath, [join(repositoryRoot(), 'bin', 'posbridge.js'), 'status', '--config', daemon.configFile], { encoding: 'utf8' });
    expect(text.stdout).toContain('store: writing, 1 dead-lettered (last: job');
    expect(text.stdout).toContain('refused by the test trigger');
  });
});
