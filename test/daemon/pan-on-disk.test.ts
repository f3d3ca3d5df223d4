// Item 10 of issue 14: no full card number ever reaches the disk or a preview. Receipts printing full PANs (in
// text; the fixtures' README says how they were made) go through the real daemon; afterwards no file in the data
// folder (database, WAL, SHM) holds any of those PANs, the stored raw job has the printed length, and re-parsing
// it gives the basket stored. `parse --document` and `--format html` of the clear capture mask them too.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { basketsFromBytes } from '../../agent/extract/index.js';
import { Store } from '../../agent/store/index.js';
import { freePort, printJob, repositoryRoot, startDaemon, type DaemonProcess } from '../helpers/daemon.js';

/** Each capture and the full card numbers it prints, as printed. */
const RECEIPTS: Record<string, string[]> = {
  'fashion-mp4200-fullpan': ['5404 7391 0482 6155'],
  'fashion-raw-tabs-fullpan': ['4929739104826154'],
  'slip-uk-raw-fullpan-chip': ['4539739104826156'],
  'supermarket-raw-tabs-cp437': ['6338 7391 0482 6154'],
};
const fixture = (name: string): string => join('test', 'fixtures', 'receipts', `${name}.bin`);
/** A PAN as it would sit in any file: its digits in a row, or as printed. */
const forms = (pan: string): string[] => [pan, pan.replace(/\D/g, '')];

let dir: string;
let daemon: DaemonProcess | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-pan-'));
});

afterEach(async () => {
  await daemon?.stop('SIGKILL');
  daemon = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('card numbers on disk', () => {
  it('stores raw jobs with every PAN masked in place: none in the database, WAL or SHM; re-parsing gives the stored basket', async () => {
    const port = await freePort();
    const data = join(dir, 'data');
    daemon = await startDaemon({ dataDir: data, links: [{ name: 'front', till: { kind: 'tcp', host: '127.0.0.1', port }, printer: { kind: 'none' } }] }, { dir });
    const clear = await Promise.all(Object.keys(RECEIPTS).map((name) => readFile(fixture(name))));
    for (const bytes of clear) await printJob(port, bytes);
    const store = Store.open(Store.fileIn(data), { readonly: true });
    try {
      await expect.poll(() => store.counts().jobs, { timeout: 30_000 }).toBe(clear.length);
      const jobs = [...store.jobsBetween(new Date(0), new Date(Date.now() + 60_000))];
      expect(jobs.map((j) => j.bytes.length)).toEqual(clear.map((b) => b.length));
      const stored = store.basketsAfter(0);
      for (const job of jobs) {
        const reparsed = basketsFromBytes(job.bytes);
        const kept = stored.filter((b) => b.jobId === job.id).map((b) => b.basket);
        expect(reparsed.map((b) => [b.total, b.items, b.tenders])).toEqual(kept.map((b) => [b.total, b.items, b.tenders]));
      }
    } finally {
      store.close();
    }
    // Killed, so the WAL is left as it was written, not checkpointed away.
    await daemon.stop('SIGKILL');
    daemon = undefined;
    const files = (await readdir(data)).filter((name) => name.startsWith('posbridge.db'));
    expect(files).toEqual(expect.arrayContaining(['posbridge.db', 'posbridge.db-wal']));
    for (const name of files) {
      const text = (await readFile(join(data, name))).toString('latin1');
      for (const pan of Object.values(RECEIPTS).flat().flatMap(forms)) expect([name, text.includes(pan)]).toEqual([name, false]);
    }
  });

  it('masks them in parse --document and --format html previews', () => {
    const files = Object.keys(RECEIPTS).map(fixture);
    for (const format of [['--document'], ['--format', 'html'], []]) {
      const run = spawnSync(process.execPath, [join(repositoryRoot(), 'bin', 'posbridge.js'), 'parse', ...format, ...files], { encoding: 'utf8' });
      expect(run.status).toBe(0);
      for (const pan of Object.values(RECEIPTS).flat().flatMap(forms)) expect([format, run.stdout.includes(pan)]).toEqual([format, false]);
      expect(run.stdout).toContain('6155');
    }
  });
});
