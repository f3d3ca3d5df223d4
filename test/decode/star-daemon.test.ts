// A Star till through the real daemon (`posbridge run` in its own process, real TCP, a real SQLite file): two
// Star Line receipts on one connection pass through byte for byte and are stored as two jobs with their baskets,
// on a link that says nothing about its printer (detection) and on one that names the model.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../agent/store/index.js';
import { freePort, printJob, startDaemon, type DaemonProcess } from '../helpers/daemon.js';

const COFFEE = await readFile('test/fixtures/star-receipts/coffee-rpe-star-tsp650ii.bin');
const GROCER = await readFile('test/fixtures/star-receipts/grocer-rpe-star-tsp650ii.bin');

let dir: string;
let daemon: DaemonProcess | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-star-'));
});

afterEach(async () => {
  await daemon?.stop('SIGKILL');
  daemon = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('posbridge run with a Star till', () => {
  it.each([
    ['no printerSetup (auto)', {}],
    ['printerSetup.model star-tsp650ii', { printerSetup: { model: 'star-tsp650ii' } }],
  ])('%s: passes the bytes through and stores one basket per receipt', async (_name, extra) => {
    const port = await freePort();
    const data = join(dir, 'data');
    const printed = join(dir, 'printed');
    const link = { name: 'star', till: { kind: 'tcp', host: '127.0.0.1', port }, printer: { kind: 'file', path: printed }, ...extra };
    // A UK shop: its receipts print amounts without a currency sign.
    daemon = await startDaemon({ dataDir: data, currency: 'GBP', links: [link] }, { dir });
    const job = Buffer.concat([COFFEE, GROCER]);
    await printJob(port, job);
    // The worker logs one line per receipt; after the second, a clean stop leaves the store complete.
    const receipts = (): number => daemon!.logs.filter((l) => l.msg === 'receipt captured').length;
    await daemon.waitForLog(() => receipts() >= 2, 'two captured receipts', 20_000);
    expect(await daemon.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    const files = (await readdir(printed)).filter((n) => n.endsWith('.bin'));
    expect(files).toHaveLength(1);
    expect(await readFile(join(printed, files[0]!))).toEqual(job);
    const store = Store.open(Store.fileIn(data), { readonly: true });
    const rows = store.basketsAfter(0);
    store.close();
    expect(rows.map((r) => [r.basket.merchant.name, r.basket.total, r.basket.confidence])).toEqual([
      ['BEAN THERE COFFEE', 890, 1],
      ['CORNER GROCER', 815, 1],
    ]);
  });
});
