// `posbridge tail` run as the compiled CLI (npm test builds first) against a real store filled with Store.
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseSince } from '../../agent/cli/since.js';
import { Store, type SavedJob } from '../../agent/store/index.js';
import { STORE_SOURCES, expectFreshBuild } from '../store/built.js';
import { basketsFor, job, receipt } from '../store/jobs.js';

let dir: string;
let configFile: string;
const running: ChildProcessByStdio<null, Readable, Readable>[] = [];

beforeAll(() => {
  expectFreshBuild(['agent/cli/tail.ts', 'agent/cli/main.ts', ...STORE_SOURCES]);
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-tail-'));
  configFile = join(dir, 'posbridge.json');
  await writeFile(configFile, JSON.stringify({ dataDir: join(dir, 'data'), timezone: 'Europe/London', links: [{ name: 'front', till: { kind: 'tcp', port: 0 }, printer: { kind: 'none' } }] }));
});
afterEach(async () => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

interface Receipt {
  file: string;
  at: string;
  till?: string;
  link?: string;
}

function store(receipts: Receipt[]): void {
  const s = Store.open(Store.fileIn(join(dir, 'data')));
  s.saveJobs(receipts.map((r): SavedJob => {
    const record = job(receipt(r.file), { capturedAt: new Date(r.at), tillId: r.till ?? 'T1', link: r.link ?? 'front' });
    return { job: record, baskets: basketsFor(record) };
  }));
  s.close();
}

const tail = (...args: string[]) => spawnSync(process.execPath, ['bin/posbridge.js', 'tail', '--config', configFile, ...args], { encoding: 'utf8' });
const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');

function follow(): { child: ChildProcessByStdio<null, Readable, Readable>; out: () => string; err: () => string } {
  const child = spawn(process.execPath, ['bin/posbridge.js', 'tail', '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (err += text));
  return { child, out: () => out, err: () => err };
}

const exited = (child: ChildProcessByStdio<null, Readable, Readable>) =>
  new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (code, signal) => resolve([code, signal])));

describe('posbridge tail', () => {
  it('prints one line per basket: local time, till, total, items, confidence, kind, receipt number', () => {
    store([{ file: 'coffee-tm-t88-card', at: '2026-07-01T08:30:05Z', till: 'T9' }]);
    const run = tail('--no-follow');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^2026-07-01 09:30:05 {2}T9 {2}9\.35 GBP {2}\d+ items? {2}conf 1\.00 {2}sale {2}#\S+\n$/);
  });

  it('marks low-confidence baskets with the first failed check, and prints JSON with --json', () => {
    store([{ file: 'coffee-tm-t88-card', at: '2026-07-01T08:30:05Z' }, { file: 'damaged-coffee-short-tender', at: '2026-07-01T08:31:00Z' }]);
    const text = lines(tail('--no-follow').stdout);
    expect(text).toHaveLength(2);
    expect(text[0]).not.toContain('LOW');
    expect(text[1]).toMatch(/conf 0\.\d\d .*LOW \(tenders\)$/);
    const json = lines(tail('--no-follow', '--json').stdout).map((l) => JSON.parse(l) as { seq: number; total: number; link: string; capturedAt: string; items: unknown[] });
    expect(json.map((b) => [b.seq, b.total, b.link, b.capturedAt])).toEqual([[1, 935, 'front', '2026-07-01T08:30:05.000Z'], [2, 935, 'front', '2026-07-01T08:31:00.000Z']]);
    expect(json[0]!.items.length).toBeGreaterThan(0);
  });

  it('starts from the latest --lines, or from --since, of one --link if asked', () => {
    store(Array.from({ length: 6 }, (_, i) => ({ file: 'coffee-tm-t88-card', at: `2026-07-01T08:3${i}:00Z`, link: i % 2 === 0 ? 'front' : 'back' })));
    const times = (run: { stdout: string }): string[] => lines(run.stdout).map((l) => l.slice(11, 19));
    expect(times(tail('--no-follow'))).toHaveLength(6);
    expect(times(tail('--no-follow', '-n', '2'))).toEqual(['09:34:00', '09:35:00']);
    expect(times(tail('--no-follow', '-n', '2', '--link', 'back'))).toEqual(['09:33:00', '09:35:00']);
    expect(times(tail('--no-follow', '--since', '2026-07-01T08:32:00Z'))).toEqual(['09:32:00', '09:33:00', '09:34:00', '09:35:00']);
    // No offset: the config's timezone (BST here), the same clock the lines are printed in.
    expect(times(tail('--no-follow', '--since', '2026-07-01T09:34'))).toEqual(['09:34:00', '09:35:00']);
    expect(times(tail('--no-follow', '--since', '2026-07-01 09:31', '--link', 'front'))).toEqual(['09:32:00', '09:34:00']);
    expect(times(tail('--no-follow', '--since', '1d'))).toEqual([]);
    const bad = tail('--no-follow', '--since', 'yesterday');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('expected an ISO time');
  });

  it('follows: a basket stored after it started shows up; SIGTERM and SIGINT end it cleanly', async () => {
    store([{ file: 'coffee-tm-t88-card', at: '2026-07-01T08:30:05Z' }]);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const { child, out, err } = follow();
      await expect.poll(() => lines(out()).length, { timeout: 5_000 }).toBeGreaterThan(0);
      const before = lines(out()).length;
      store([{ file: 'coffee-tm-t88-card', at: `2026-07-01T09:00:0${before}Z`, till: 'T2' }]);
      await expect.poll(() => lines(out()).length, { timeout: 5_000 }).toBe(before + 1);
      expect(lines(out()).at(-1)).toMatch(/^2026-07-01 10:00:0\d {2}T2 {2}9\.35 GBP/);
      child.kill(signal);
      expect(await exited(child)).toEqual([0, null]);
      expect(err()).toBe('');
    }
  });

  it('waits for the store the daemon has not created yet, saying so once', async () => {
    const { child, out, err } = follow();
    await expect.poll(err, { timeout: 5_000 }).toContain('waiting for the daemon to create');
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // two more polls, no more notes
    store([{ file: 'coffee-tm-t88-card', at: '2026-07-01T08:30:05Z' }]);
    await expect.poll(() => lines(out()), { timeout: 5_000 }).toHaveLength(1);
    expect(lines(err())).toHaveLength(1);
    child.kill('SIGTERM');
    expect(await exited(child)).toEqual([0, null]);
  });

  it('without --follow says there is nothing yet when no store exists', () => {
    const run = tail('--no-follow');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('no baskets yet');
  });

  it('reports a file that is not a store, in one line, with a failure status', async () => {
    await mkdir(join(dir, 'data'));
    await writeFile(Store.fileIn(join(dir, 'data')), 'not a database\n'.repeat(100));
    for (const args of [['--no-follow'], []]) {
      const run = spawnSync(process.execPath, ['bin/posbridge.js', 'tail', '--config', configFile, ...args], { encoding: 'utf8', timeout: 10_000 });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/^posbridge tail: cannot open the store .*: not a posbridge database .*\n$/);
    }
  });

  it('stops quietly when the reader goes away (| head)', async () => {
    const many = Array.from({ length: 2_000 }, (_, i) => ({ file: 'coffee-tm-t88-card', at: new Date(Date.parse('2026-07-01T08:00:00Z') + i * 1000).toISOString() }));
    store(many);
    const run = spawnSync('bash', ['-c', `set -o pipefail; node bin/posbridge.js tail --config '${configFile}' --since 2026-07-01 2>'${join(dir, 'err')}' | head -n 1`], { encoding: 'utf8', timeout: 10_000 });
    expect(run.status).toBe(0);
    expect(lines(run.stdout)).toHaveLength(1);
    expect(await readFile(join(dir, 'err'), 'utf8')).toBe('');
  });

  it('reads --since as a duration back from now, or a time (local to the config timezone without an offset)', () => {
    expect(parseSince('10m', 'UTC', 1_000_000_000).getTime()).toBe(1_000_000_000 - 600_000);
    expect(parseSince('2d', 'UTC', 1_000_000_000).getTime()).toBe(1_000_000_000 - 2 * 86_400_000);
    expect(parseSince('2026-11-23T09:00:00Z', 'Europe/Berlin').toISOString()).toBe('2026-11-23T09:00:00.000Z');
    expect(parseSince('2026-11-23T09:00:00+01:00', 'UTC').toISOString()).toBe('2026-11-23T08:00:00.000Z');
    expect(parseSince('2026-11-23T09:00', 'Europe/Berlin').toISOString()).toBe('2026-11-23T08:00:00.000Z');
    expect(parseSince('2026-07-01', 'Europe/London').toISOString()).toBe('2026-06-30T23:00:00.000Z');
    for (const bad of ['yesterday', '2026-13-01', '2026-11-23T25:00', '10 m', '']) expect(() => parseSince(bad, 'UTC')).toThrow(/expected an ISO time/);
  });
});
