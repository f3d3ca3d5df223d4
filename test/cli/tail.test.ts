// `posbridge tail` run as the compiled CLI against a real store.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newJobId } from '../../agent/capture/job-id.js';
import { parseSince } from '../../agent/cli/tail.js';
import { basketsFromBytes } from '../../agent/extract/index.js';
import { Store } from '../../agent/store/index.js';

const R = 'test/fixtures/receipts/';
let dir: string;
let configFile: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-tail-'));
  configFile = join(dir, 'posbridge.json');
  await writeFile(configFile, JSON.stringify({ dataDir: join(dir, 'data'), timezone: 'Europe/London', links: [{ name: 'front', till: { kind: 'tcp', port: 0 }, printer: { kind: 'none' } }] }));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function store(receipts: { file: string; at: string; till?: string }[]): void {
  const s = Store.open(Store.fileIn(join(dir, 'data')));
  for (const r of receipts) {
    const bytes = readFileSync(`${R}${r.file}.bin`);
    const capturedAt = new Date(r.at);
    const id = newJobId(capturedAt.getTime());
    const baskets = basketsFromBytes(bytes).map((b, i) => ({ ...b, id: i === 0 ? id : `${id}.${i}`, tillId: r.till ?? 'T1' }));
    s.saveJob({ id, link: 'front', tillId: r.till ?? 'T1', peer: 'test', capturedAt, endedBy: 'cut', bytes }, baskets);
  }
  s.close();
}

const tail = (...args: string[]) => spawnSync(process.execPath, ['bin/posbridge.js', 'tail', '--config', configFile, ...args], { encoding: 'utf8' });

describe('posbridge tail', () => {
  it('prints one line per basket: local time, till, total, items, confidence, kind, receipt number', () => {
    store([{ file: 'coffee-tm-t88-card', at: '2026-07-01T08:30:05Z', till: 'T9' }]);
    const run = tail('--no-follow');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^2026-07-01 09:30:05 {2}T9 {2}9\.35 GBP {2}\d+ items? {2}conf 1\.00 {2}sale {2}#\S+\n$/);
  });

  it('marks low-confidence baskets with the first failed check, and prints JSON with --json', () => {
    store([{ file: 'coffee-tm-t88-card', at: '2026-07-01T08:30:05Z' }, { file: 'damaged-coffee-short-tender', at: '2026-07-01T08:31:00Z' }]);
    const lines = tail('--no-follow').stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/LOW \(tenders\)$/);
    const json = tail('--no-follow', '--json').stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { total: number; link: string; capturedAt: string });
    expect(json.map((b) => [b.total, b.link, b.capturedAt])).toEqual([[935, 'front', '2026-07-01T08:30:05.000Z'], [935, 'front', '2026-07-01T08:31:00.000Z']]);
  });

  it('limits to the latest --lines, or from --since', () => {
    store(Array.from({ length: 5 }, (_, i) => ({ file: 'coffee-tm-t88-card', at: `2026-07-01T08:3${i}:00Z` })));
    expect(tail('--no-follow', '-n', '2').stdout.trimEnd().split('\n').map((l) => l.slice(11, 19))).toEqual(['09:33:00', '09:34:00']);
    expect(tail('--no-follow', '--since', '2026-07-01T08:32:00Z').stdout.trimEnd().split('\n')).toHaveLength(3);
    expect(tail('--no-follow', '--since', 'yesterday').status).not.toBe(0);
  });

  it('follows: a basket stored after it started shows up', async () => {
    store([{ file: 'coffee-tm-t88-card', at: '2026-07-01T08:30:05Z' }]);
    const child = spawn(process.execPath, ['bin/posbridge.js', 'tail', '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
    await expect.poll(() => out.split('\n').length, { timeout: 5_000 }).toBe(2);
    store([{ file: 'coffee-tm-t88-card', at: '2026-07-01T09:00:00Z', till: 'T2' }]);
    await expect.poll(() => out, { timeout: 5_000 }).toContain('10:00:00  T2');
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  });

  it('says there is nothing yet when no store exists', () => {
    const run = tail('--no-follow');
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('no baskets yet');
  });

  it('reads durations back from now', () => {
    expect(parseSince('10m', 1_000_000_000).getTime()).toBe(1_000_000_000 - 600_000);
    expect(parseSince('2026-11-23T09:00:00Z').toISOString()).toBe('2026-11-23T09:00:00.000Z');
  });
});
