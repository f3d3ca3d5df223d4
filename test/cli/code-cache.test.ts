// The bin starts the CLI's CommonJS bundle from the V8 code caches the build made (agent/cli/code-cache.ts): on real
// runs of Node, with a small bundle of our own in a temporary folder (entry, a chunk it requires, an ES module it
// has the loader import) and with the built CLI itself.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const LOADER = pathToFileURL(join(process.cwd(), 'dist', 'agent', 'cli', 'code-cache.js')).href;
const RECEIPT = 'test/fixtures/receipts/coffee-tm-t88-card.bin';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'posbridge-code-cache-'));
  writeFileSync(join(dir, 'chunk.cjs'), 'exports.twice = (n) => 2 * n;\n');
  writeFileSync(join(dir, 'beside.mjs'), 'export const word = "beside";\n');
  writeFileSync(
    join(dir, 'entry.cjs'),
    [
      "const { twice } = require('./chunk.cjs');",
      'exports.startCli = (importer) => {',
      "  importer('./beside.mjs').then((m) => console.log(`${twice(21)} ${m.word}`));",
      '};',
    ].join('\n'),
  );
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** One run of the loader on the bundle in `dir`: its output, and what it reported of each file's cache. */
function run(mode: 'write' | 'report'): { out: string; uses: Record<string, string> } {
  const started = spawnSync(process.execPath, ['--input-type=module', '-e', `(await import(${JSON.stringify(LOADER)})).runCli(${JSON.stringify(join(dir, 'entry.cjs'))})`], {
    encoding: 'utf8',
    env: { ...process.env, POSBRIDGE_CODE_CACHE: mode },
  });
  expect(started.status, started.stderr).toBe(0);
  const uses: Record<string, string> = {};
  for (const [, use, file] of started.stderr.matchAll(/^code cache (\w+): (.+)$/gm)) uses[file!.slice(dir.length + 1)] = use!;
  return { out: started.stdout, uses };
}

describe('the CLI bundle compiled from code caches', () => {
  it('runs without caches, makes them when asked, then compiles from them', () => {
    expect(run('report')).toEqual({ out: '42 beside\n', uses: { 'entry.cjs': 'none', 'chunk.cjs': 'none' } });
    expect(run('write').out).toBe('42 beside\n');
    expect(readdirSync(dir).filter((f) => f.endsWith('.v8cache')).sort()).toEqual(['chunk.cjs.v8cache', 'entry.cjs.v8cache']);
    expect(run('report')).toEqual({ out: '42 beside\n', uses: { 'entry.cjs': 'used', 'chunk.cjs': 'used' } });
  });

  it('compiles a file from its source when its cache is junk or was made from another source', () => {
    run('write');
    writeFileSync(join(dir, 'chunk.cjs.v8cache'), Buffer.from('not a code cache at all'));
    writeFileSync(join(dir, 'entry.cjs'), `${readFileSync(join(dir, 'entry.cjs'), 'utf8')}\n// changed after its cache was made\n`);
    expect(run('report')).toEqual({ out: '42 beside\n', uses: { 'entry.cjs': 'rejected', 'chunk.cjs': 'rejected' } });
  });

  it('the built CLI: every bundle file parse --json loads is compiled from the cache the build made', () => {
    const parsed = spawnSync(process.execPath, ['bin/posbridge.js', 'parse', '--json', RECEIPT], { encoding: 'utf8', env: { ...process.env, POSBRIDGE_CODE_CACHE: 'report' } });
    expect(parsed.status, parsed.stderr).toBe(0);
    const uses = [...parsed.stderr.matchAll(/^code cache (\w+): .*\/(bundle-[\w-]+\.cjs)$/gm)].map(([, use, file]) => `${file} ${use}`);
    expect(uses.length).toBeGreaterThanOrEqual(4);
    expect(uses.filter((u) => !u.endsWith(' used'))).toEqual([]);
    expect(existsSync('dist/agent/cli/bundle-main.cjs.v8cache')).toBe(true);
  });
});

