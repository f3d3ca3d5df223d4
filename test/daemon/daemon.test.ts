// The daemon as store IT runs it: `posbridge run` (the compiled CLI) in its own process, real sockets, a real
// SQLite file. Embedded default, clean drain on SIGTERM, config reload on SIGHUP, refusal of a bad config.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { embeddedDefault } from '../../agent/config.js';
import { Store } from '../../agent/store/index.js';
import { freePort, printJob, repositoryRoot, startDaemon, tillConnection, waitFor, type DaemonProcess } from '../helpers/daemon.js';
import { readUntilClose } from '../helpers/streams.js';

const COFFEE = await readFile('test/fixtures/receipts/coffee-tm-t88-card.bin');
const COFFEE_TOTAL = 935;

let dir: string;
let daemon: DaemonProcess | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-daemon-'));
});

afterEach(async () => {
  await daemon?.stop('SIGKILL');
  daemon = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function printedFiles(folder: string): Promise<Buffer[]> {
  const names = (await readdir(folder).catch(() => [] as string[])).filter((n) => n.endsWith('.bin')).sort();
  return Promise.all(names.map((n) => readFile(join(folder, n))));
}

function fileLink(name: string, port: number, extra: Record<string, unknown> = {}) {
  return { name, till: { kind: 'tcp', host: '127.0.0.1', port }, printer: { kind: 'file', path: join(dir, `printed-${name}`) }, ...extra };
}

function storedBaskets(dataDir: string) {
  if (!existsSync(Store.fileIn(dataDir))) return [];
  let store: Store;
  try {
    store = Store.open(Store.fileIn(dataDir), { readonly: true });
  } catch {
    return []; // the daemon is still creating it
  }
  try {
    return store.basketsAfter(0);
  } finally {
    store.close();
  }
}

describe('posbridge run', () => {
  // The embedded default listens on 127.0.0.1:9100, which a developer's own daemon may hold while the tests run
  // (README: first command, then the second): the same config is run here on a free port instead.
  it('runs the embedded default: a network printer writing jobs to files, captured and stored', async () => {
    const data = join(dir, 'data');
    const port = await freePort();
    const config = embeddedDefault(data) as { links: { till: { port: number } }[] };
    config.links[0]!.till.port = port;
    daemon = await startDaemon(config, { dir });
    await printJob(port, COFFEE);
    const [printed] = await waitFor(() => printedFiles(join(data, 'printed')), (files) => files.length === 1, 'the printed job file');
    expect(printed).toEqual(COFFEE);
    const [stored] = await waitFor(() => storedBaskets(data), (rows) => rows.length === 1, 'the stored basket');
    expect(stored!.basket.total).toBe(COFFEE_TOTAL);
    expect(stored!.link).toBe('default');
    expect(stored!.basket.confidence).toBe(1);
    expect(await daemon.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('on SIGTERM lets a job in flight finish, stores it, and exits 0', async () => {
    const port = await freePort();
    const data = join(dir, 'data');
    daemon = await startDaemon({ dataDir: data, links: [fileLink('front', port)] }, { dir });
    const socket = await tillConnection(port);
    const closed = readUntilClose(socket);
    socket.write(COFFEE.subarray(0, 1000));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stopped = daemon.stop('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.end(COFFEE.subarray(1000));
    await closed;
    expect(await stopped).toEqual({ code: 0, signal: null });
    expect(await printedFiles(join(dir, 'printed-front'))).toEqual([COFFEE]);
    const store = Store.open(Store.fileIn(data), { readonly: true });
    const jobs = [...store.jobsBetween(new Date(0), new Date(Date.now() + 60_000))];
    store.close();
    expect(jobs).toHaveLength(1);
    expect(Buffer.from(jobs[0]!.bytes)).toEqual(COFFEE);
    expect(daemon.logs.some((l) => l.msg === 'stopped')).toBe(true);
  });

  it('on SIGHUP starts added links without touching running ones, and keeps running on a bad config', async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const data = join(dir, 'data');
    const first = { dataDir: data, links: [fileLink('a', portA)] };
    daemon = await startDaemon(first, { dir });
    // A till holding its connection open across the reload.
    const held = await tillConnection(portA);
    held.write(COFFEE.subarray(0, 500));
    await writeFile(daemon.configFile, JSON.stringify({ ...first, links: [fileLink('a', portA), fileLink('b', portB)] }));
    daemon.child.kill('SIGHUP');
    await daemon.waitForLog((l) => l.msg === 'configuration reloaded', 'the reload');
    expect(daemon.logs.find((l) => l.msg === 'configuration reloaded')).toMatchObject({ started: ['b'], stopped: [], unchanged: ['a'] });
    await printJob(portB, COFFEE);
    const closed = readUntilClose(held);
    held.end(COFFEE.subarray(500));
    await closed;
    expect(await printedFiles(join(dir, 'printed-a'))).toEqual([COFFEE]);
    expect(await printedFiles(join(dir, 'printed-b'))).toEqual([COFFEE]);

    await writeFile(daemon.configFile, JSON.stringify({ dataDir: data, links: [{ name: 'a', till: { kind: 'tcp', port: 'nine' } }] }));
    daemon.child.kill('SIGHUP');
    const refused = await daemon.waitForLog((l) => l.msg.includes('NOT reloaded'), 'the refused reload');
    expect(String(refused.reason)).toContain('links');
    await printJob(portA, COFFEE);
    await printJob(portB, COFFEE);
    await waitFor(() => storedBaskets(data), (rows) => rows.length === 4, 'four stored baskets');
    expect(await daemon.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('refuses an invalid config with exit 2 and a message naming the problem', () => {
    const bad = join(repositoryRoot(), 'test', 'fixtures', 'capture', 'bad-config.yaml');
    const run = spawnSync(process.execPath, ['bin/posbridge.js', 'run', '--config', bad], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('bad-config.yaml: invalid configuration');
    expect(run.stderr).toContain('idleGapMs');
    const missing = spawnSync(process.execPath, ['bin/posbridge.js', 'run', '--config', join(dir, 'none.yaml')], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot read configuration');
  });
});
