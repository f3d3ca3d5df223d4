// `posbridge test-print` and `posbridge status` against the real daemon: the test receipt goes the whole way
// (till side → posbridge → printer), is captured and extracted with confidence 1.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decode } from '../../agent/decode/index.js';
import { Store } from '../../agent/store/index.js';
import { TEST_RECEIPT_TOTAL, buildTestReceipt } from '../../agent/test-receipt.js';
import { basketsFromBytes } from '../../agent/extract/index.js';
import { freePort, startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { createPtyPair, requireSocat, type PtyPair } from '../helpers/socat.js';

let dir: string;
let daemon: DaemonProcess | undefined;
let pty: PtyPair | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-test-print-'));
});
afterEach(async () => {
  await daemon?.stop('SIGKILL');
  daemon = undefined;
  await pty?.destroy();
  pty = undefined;
  await rm(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/posbridge.js', ...args], { encoding: 'utf8' });

function stored(): { total: number | null; confidence: number; link: string }[] {
  const file = Store.fileIn(join(dir, 'data'));
  if (!existsSync(file)) return [];
  try {
    const store = Store.open(file, { readonly: true });
    const rows = store.basketsAfter(0).map((r) => ({ total: r.basket.total, confidence: r.basket.confidence, link: r.link }));
    store.close();
    return rows;
  } catch {
    return [];
  }
}

describe('the test receipt', () => {
  it('decodes and extracts with confidence 1 and the printed total', async () => {
    const bytes = await buildTestReceipt({ link: 'front', tillId: 'T1', at: new Date('2026-11-23T10:00:00Z') });
    expect(decode(bytes).length).toBeGreaterThanOrEqual(1);
    const [basket] = basketsFromBytes(bytes);
    expect(basket).toMatchObject({ total: TEST_RECEIPT_TOTAL, confidence: 1, kind: 'sale', currency: 'GBP', transactionAt: '2026-11-23T10:00:00+00:00' });
    expect(basket!.items).toHaveLength(3);
    expect(basket!.barcodes[0]!.data).toBe('posbridge test front 2026-11-23T10:00:00.000Z');
  });
});

describe('posbridge test-print and status', () => {
  it('prints through a TCP link like a till, and through the control socket with --via-daemon; status counts both', async () => {
    const port = await freePort();
    const config = { dataDir: join(dir, 'data'), links: [{ name: 'front', tillId: 'T1', till: { kind: 'tcp', port }, printer: { kind: 'file', path: join(dir, 'printed') } }] };
    daemon = await startDaemon(config, { dir });
    const run = cli('test-print', '--config', daemon.configFile);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^test receipt \(\d+ bytes\) sent through link front via tcp 127\.0\.0\.1:\d+ to its file printer in \d+ ms/);
    const via = cli('test-print', '--config', daemon.configFile, '--via-daemon');
    expect(via.status).toBe(0);
    expect(via.stdout).toContain("via the daemon's control socket");
    await expect.poll(stored, { timeout: 10_000 }).toEqual([
      { total: TEST_RECEIPT_TOTAL, confidence: 1, link: 'front' },
      { total: TEST_RECEIPT_TOTAL, confidence: 1, link: 'front' },
    ]);
    const printed = (await readdir(join(dir, 'printed'))).filter((n) => n.endsWith('.bin'));
    expect(printed).toHaveLength(2);
    expect(basketsFromBytes(await readFile(join(dir, 'printed', printed[0]!)))[0]!.total).toBe(TEST_RECEIPT_TOTAL);

    const status = cli('status', '--config', daemon.configFile, '--json');
    expect(status.status).toBe(0);
    const links = (JSON.parse(status.stdout) as { links: { name: string; jobs: number; baskets: number; totalSessions: number }[] }).links;
    expect(links[0]).toMatchObject({ name: 'front', jobs: 2, baskets: 2, totalSessions: 2 });
    expect(cli('status', '--config', daemon.configFile).stdout).toMatch(/link front \(till T1, tcp → file\): running, 0 open, 2 jobs, 2 baskets \(0 low confidence\), last basket: 4\.50 GBP, 3 items, conf 1\.00/);
  });

  it.skipIf(!requireSocat())('reaches a serial till link through the daemon', async () => {
    pty = await createPtyPair();
    const config = { dataDir: join(dir, 'data'), links: [{ name: 'serial-till', till: { kind: 'serial', path: pty.b }, printer: { kind: 'none' } }] };
    daemon = await startDaemon(config, { dir });
    const run = cli('test-print', '--config', daemon.configFile);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('through link serial-till via the daemon\'s control socket (till side: serial) to its none printer');
    await expect.poll(stored, { timeout: 10_000 }).toEqual([{ total: TEST_RECEIPT_TOTAL, confidence: 1, link: 'serial-till' }]);
  });

  it('says plainly when the daemon is not running, or the link does not exist', async () => {
    const port = await freePort();
    const { writeFile } = await import('node:fs/promises');
    const configFile = join(dir, 'c.json');
    await writeFile(configFile, JSON.stringify({ dataDir: join(dir, 'data'), links: [{ name: 'front', till: { kind: 'tcp', port }, printer: { kind: 'none' } }, { name: 'kitchen', till: { kind: 'serial', path: '/dev/ttyS9' }, printer: { kind: 'none' } }] }));
    const refused = cli('test-print', '--config', configFile);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`posbridge is not listening on 127.0.0.1:${port}; is \`posbridge run\` running?`);
    const serial = cli('test-print', '--config', configFile, '--link', 'kitchen');
    expect(serial.status).toBe(1);
    expect(serial.stderr).toContain('posbridge is not running (no control socket at');
    const unknown = cli('test-print', '--config', configFile, '--link', 'bar');
    expect(unknown.stderr).toContain('no link named "bar"');
    expect(unknown.stderr).toContain('(links: front, kitchen)');
    const status = cli('status', '--config', configFile);
    expect(status.status).toBe(1);
    expect(status.stderr).toContain('posbridge is not running');
  });
});
