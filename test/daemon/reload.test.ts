// Reload (SIGHUP) against the real daemon: a reload never takes printing down. A new config that cannot be
// applied (its till port is taken) leaves the running links really running; a changed link keeps its port open
// throughout, and a job in flight across the reload finishes whole on the printer it started on.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { controlRequest } from '../../agent/control/index.js';
import { freePort, printJob, startDaemon, tillConnection, waitFor, type DaemonProcess } from '../helpers/daemon.js';
import { readUntilClose } from '../helpers/streams.js';

const COFFEE = await readFile('test/fixtures/receipts/coffee-tm-t88-card.bin');

let dir: string;
let daemon: DaemonProcess | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-reload-'));
});

afterEach(async () => {
  await daemon?.stop('SIGKILL');
  daemon = undefined;
  await rm(dir, { recursive: true, force: true });
});

function link(name: string, port: number, printed = `printed-${name}`) {
  return { name, till: { kind: 'tcp', host: '127.0.0.1', port }, printer: { kind: 'file', path: join(dir, printed) } };
}

async function printedFiles(folder: string): Promise<Buffer[]> {
  const names = (await readdir(join(dir, folder)).catch(() => [] as string[])).filter((n) => n.endsWith('.bin')).sort();
  return Promise.all(names.map((n) => readFile(join(dir, folder, n))));
}

async function reload(config: unknown, expected: string): Promise<void> {
  const before = daemon!.logs.length;
  await writeFile(daemon!.configFile, JSON.stringify(config));
  daemon!.child.kill('SIGHUP');
  await daemon!.waitForLog((l) => daemon!.logs.indexOf(l) >= before && String(l.msg).includes(expected), `the reload (${expected})`, 20_000);
}

describe('posbridge run: reload', () => {
  it('a new config whose till port is taken is refused and the running link keeps printing', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = await freePort();
      const data = join(dir, 'data');
      daemon = await startDaemon({ dataDir: data, links: [link('a', port)] }, { dir });
      await reload({ dataDir: data, links: [link('a', (taken.address() as AddressInfo).port)] }, 'NOT reloaded');
      const refused = daemon.logs.find((l) => String(l.msg).includes('NOT reloaded'))!;
      expect(String(refused.reason)).toContain('link "a"');
      expect(String(refused.reason)).toContain('links[0].till.port');
      // Really kept: the old port still takes jobs and prints them.
      await printJob(port, COFFEE);
      await waitFor(() => printedFiles('printed-a'), (files) => files.length === 1, 'the job printed on the kept link');
      expect((await printedFiles('printed-a'))[0]).toEqual(COFFEE);
      expect(daemon.logs.some((l) => l.msg === 'link stopped')).toBe(false);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('a link whose printer changes keeps its port open; a job in flight finishes whole on the old printer', async () => {
    const port = await freePort();
    const data = join(dir, 'data');
    daemon = await startDaemon({ dataDir: data, links: [link('a', port)] }, { dir, args: ['--grace-ms', '60000'] });
    const held = await tillConnection(port);
    const heldClosed = readUntilClose(held);
    held.write(COFFEE.subarray(0, 700));
    await reload({ dataDir: data, links: [link('a', port, 'printed-new')] }, 'configuration reloaded');
    // New tills reach the new printer at once, while the held job is still in flight.
    await printJob(port, COFFEE);
    expect(await printedFiles('printed-new')).toEqual([COFFEE]);
    held.end(COFFEE.subarray(700));
    const { error } = await heldClosed;
    expect(error).toBeUndefined();
    await waitFor(() => printedFiles('printed-a'), (files) => files.length === 1, 'the held job printed on the old printer');
    expect(await printedFiles('printed-a')).toEqual([COFFEE]);
    expect(await daemon.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('a link that had to free its port for a successor that then fails is started again as it was', async () => {
    const port = await freePort();
    const data = join(dir, 'data');
    daemon = await startDaemon({ dataDir: data, links: [link('a', port)] }, { dir });
    // Both new links claim the old one's port with other listener options: 'a' frees it and takes it, so 'c'
    // cannot bind, and the whole reload is undone.
    const withOptions = (name: string, maxConnections: number) => {
      const l = link(name, port);
      return { ...l, till: { ...l.till, maxConnections } };
    };
    await reload({ dataDir: data, links: [withOptions('a', 4), withOptions('c', 2)] }, 'NOT reloaded');
    const refused = daemon.logs.find((l) => String(l.msg).includes('NOT reloaded'))!;
    expect(String(refused.reason)).toContain('link "c"');
    expect(String(refused.reason)).toContain('links[1].till.port');
    const status = (await controlRequest(data, { op: 'status' })) as { links: { name: string; running: boolean }[] };
    expect(status.links).toEqual([expect.objectContaining({ name: 'a', running: true })]);
    expect(daemon.logs.some((l) => String(l.msg).includes('DOWN'))).toBe(false);
    await printJob(port, COFFEE);
    await waitFor(() => printedFiles('printed-a'), (files) => files.length === 1, 'the job printed on the restored link');
  });
});
