// `posbridge import` and `posbridge backfill` as a support person runs them (the compiled CLI as a child process)
// against the reference backend over HTTP and a real store: import is idempotent; backfill re-sends (the backend
// acknowledges what it has as duplicates), --reparse stores and sends only what changed, --dry-run writes and
// sends nothing, a backfill killed midway resumes, and it runs while the daemon runs without sending twice.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../agent/store/index.js';
import { expectFreshBuild } from '../store/built.js';
import { freePort, startDaemon } from '../helpers/daemon.js';
import { startDevBackend, type TestDevBackend } from '../helpers/dev-backend.js';

const FIXTURES = readdirSync('test/fixtures/receipts')
  .filter((f) => f.endsWith('.bin'))
  .sort()
  .map((f) => join('test/fixtures/receipts', f));

let dir: string;
let backend: TestDevBackend;
beforeEach(async () => {
  expectFreshBuild(['agent/cli/backfill.ts', 'agent/forward/backfill.ts', 'agent/cli/import.ts', 'agent/pipeline/import-jobs.ts']);
  dir = await mkdtemp(join(tmpdir(), 'posbridge-backfill-'));
  backend = await startDevBackend();
});
afterEach(async () => {
  await backend.close();
  await rm(dir, { recursive: true, force: true });
});

async function writeConfig(extra: Record<string, unknown> = {}, tillPort = 1): Promise<string> {
  const file = join(dir, 'posbridge.json');
  await writeFile(
    file,
    JSON.stringify({
      dataDir: join(dir, 'data'),
      links: [{ name: 'front', tillId: 'T1', till: { kind: 'tcp', host: '127.0.0.1', port: tillPort }, printer: { kind: 'none' } }],
      forward: { sinks: [{ kind: 'http', name: 'backend', url: `${backend.url}/v1/receipts`, batch: { maxCount: 10, lingerMs: 0 } }] },
      ...extra,
    }),
  );
  return file;
}

/** Runs the CLI without blocking this process (the reference backend answers from it). */
function cli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['bin/posbridge.js', ...args], { env: { ...process.env, POSBRIDGE_LOG_LEVEL: 'warn' } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr })));
}

function summary(stdout: string): Record<string, number | boolean> {
  return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number | boolean>;
}

describe('import and backfill', () => {
  it('imports capture files once, then backfill sends them; a second backfill only meets duplicates', async () => {
    const config = await writeConfig();
    const first = (await cli('import', '--config', config, '--link', 'front', '--json', ...FIXTURES));
    expect(first.status, first.stderr).toBe(0);
    const imported = first.stdout.trim().split('\n').map((l) => JSON.parse(l) as { jobs: number; stored: number; baskets: number });
    const baskets = imported.reduce((n, r) => n + r.baskets, 0);
    expect(imported.every((r) => r.stored === r.jobs)).toBe(true);
    const again = (await cli('import', '--config', config, '--link', 'front', '--json', ...FIXTURES));
    expect(again.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { stored: number }).stored)).toEqual(FIXTURES.map(() => 0));

    const sent = (await cli('backfill', '--config', config, '--json'));
    expect(sent.status, sent.stderr).toBe(0);
    expect(summary(sent.stdout)).toMatchObject({ queued: baskets, sent: baskets, duplicates: 0, failed: 0, dead: 0 });
    expect(await backend.receipts()).toHaveLength(baskets);
    expect((await backend.receipts()).every((r) => r.tillId === 'T1')).toBe(true);

    const resent = (await cli('backfill', '--config', config, '--json', '--till', 'T1'));
    expect(summary(resent.stdout)).toMatchObject({ sent: baskets, duplicates: baskets });
    expect(await backend.receipts()).toHaveLength(baskets);
  });

  it('with --reparse stores a new revision only where the reading changed and sends just those; --dry-run changes nothing', async () => {
    let config = await writeConfig();
    const imported = (await cli('import', '--config', config, '--link', 'front', '--json', ...FIXTURES)).stdout;
    const jobs = imported.trim().split('\n').reduce((n, l) => n + (JSON.parse(l) as { jobs: number }).jobs, 0);
    const sent = summary((await cli('backfill', '--config', config, '--json')).stdout);
    const baskets = sent.sent as number;
    const unchanged = summary((await cli('backfill', '--config', config, '--reparse', '--json')).stdout);
    expect(unchanged).toMatchObject({ reparsedJobs: jobs, changed: 0, unchanged: baskets, sent: 0 });

    // New rules: the store id is now known, so every basket that printed none reads differently.
    config = await writeConfig({ storeId: 'S42' });
    const dry = summary((await cli('backfill', '--config', config, '--reparse', '--dry-run', '--json')).stdout);
    const changed = dry.changed as number;
    expect(changed).toBeGreaterThan(0);
    expect(dry).toMatchObject({ dryRun: true, unchanged: baskets - changed, sent: 0 });
    const store = Store.open(Store.fileIn(join(dir, 'data')));
    expect(store.counts().baskets).toBe(baskets);
    store.close();

    const reparsed = summary((await cli('backfill', '--config', config, '--reparse', '--json')).stdout);
    expect(reparsed).toMatchObject({ changed, unchanged: baskets - changed, sent: changed, duplicates: 0 });
    const held = await backend.receipts();
    expect(held).toHaveLength(baskets + changed);
    const revised = held.filter((r) => r.revision === 2);
    expect(revised).toHaveLength(changed);
    expect(revised.every((r) => r.basket.storeId === 'S42' && r.basket.revision === 2)).toBe(true);
    expect(summary((await cli('backfill', '--config', config, '--reparse', '--json')).stdout)).toMatchObject({ changed: 0, sent: 0 });
  });

  it('resumes after being killed midway: what it queued is delivered by the next run, each receipt stored once', async () => {
    const config = await writeConfig();
    const files = await manyCaptures(4);
    await cli('import', '--config', config, '--link', 'front', ...files);
    const store = Store.open(Store.fileIn(join(dir, 'data')));
    const baskets = store.counts().baskets;
    store.close();
    expect(baskets).toBeGreaterThan(30);

    const slow = spawn(process.execPath, ['bin/posbridge.js', 'backfill', '--config', config, '--rate', '10'], { stdio: 'ignore' });
    const until = Date.now() + 30_000;
    while ((await backend.receipts()).length < 5 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
    slow.kill('SIGKILL');
    await new Promise((resolve) => slow.once('exit', resolve));
    const before = (await backend.receipts()).length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(baskets);

    const resumed = (await cli('backfill', '--config', config, '--status', 'failed', '--json'));
    expect(resumed.status, resumed.stderr).toBe(0);
    const held = await backend.receipts();
    expect(held).toHaveLength(baskets);
    expect(new Set(held.map((r) => r.idempotencyKey)).size).toBe(baskets);
  }, 120_000);

  it('runs while the daemon runs: both deliver, none twice', async () => {
    const tillPort = await freePort();
    const config = await writeConfig({}, tillPort);
    const daemon = await startDaemon(undefined, { dir, args: ['--config', config] });
    try {
      const files = await manyCaptures(3);
      await cli('import', '--config', config, '--link', 'front', ...files);
      const result = (await cli('backfill', '--config', config, '--json'));
      expect(result.status, result.stderr).toBe(0);
      const store = Store.open(Store.fileIn(join(dir, 'data')));
      const baskets = store.counts().baskets;
      store.close();
      const until = Date.now() + 30_000;
      let held = await backend.receipts();
      while (held.length < baskets && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        held = await backend.receipts();
      }
      expect(held).toHaveLength(baskets);
    } finally {
      await daemon.stop();
    }
  }, 120_000);

  it('with --reparse reads picture receipts again by OCR and sends the reading; a second run finds it unchanged', async () => {
    const config = await writeConfig();
    const picture = 'test/fixtures/raster-receipts/corner-coffee-58mm-sans.ntp-gs-v-0.bin';
    const imported = await cli('import', '--config', config, '--link', 'front', '--json', picture);
    // Import reads text only: a picture receipt is stored with no basket yet.
    expect(JSON.parse(imported.stdout.trim()) as { baskets: number }).toMatchObject({ baskets: 0 });
    const first = summary((await cli('backfill', '--config', config, '--reparse', '--json')).stdout);
    expect(first).toMatchObject({ changed: 1, sent: 1, failed: 0 });
    const [held] = await backend.receipts();
    expect((held!.basket.parser as { ocr?: { engine: string } }).ocr?.engine).toMatch(/^tesseract\.js/);
    expect(held!.basket.total).toBeGreaterThan(0);
    expect(summary((await cli('backfill', '--config', config, '--reparse', '--json')).stdout)).toMatchObject({ changed: 0, unchanged: 1, sent: 0 });
  }, 180_000);

  it('says plainly what is wrong: no sinks, a bad --status, an unreadable file', async () => {
    const config = await writeConfig({ forward: { sinks: [] } });
    expect((await cli('backfill', '--config', config))).toMatchObject({ status: 2, stderr: expect.stringMatching(/no sink to send to \(the config has no forward.sinks\)/) });
    expect((await cli('backfill', '--config', config, '--status', 'lost'))).toMatchObject({ status: 2, stderr: expect.stringMatching(/--status takes failed, dead or all/) });
    expect((await cli('import', '--config', config, join(dir, 'missing.bin')))).toMatchObject({ status: 1, stderr: expect.stringMatching(/cannot read .*missing.bin: ENOENT/) });
  });
});

/** Capture files with new bytes each (the fixtures in a rotated order), so every import stores new jobs. */
async function manyCaptures(count: number): Promise<string[]> {
  const bytes = FIXTURES.map((f) => readFileSync(f));
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const file = join(dir, `capture-${i}.bin`);
    await writeFile(file, Buffer.concat([...bytes.slice(i), ...bytes.slice(0, i), Buffer.from([i])]));
    files.push(file);
  }
  return files;
}
