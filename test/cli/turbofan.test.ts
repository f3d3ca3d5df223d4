// A short command compiles nothing with Turbofan, whose first compile pages in 4 MiB of compiler for a command that
// lasts milliseconds, while a long one still gets its hot code optimised, and a Turbofan flag given to Node is left
// as given (agent/cli/turbofan.ts). Seen with V8's --trace-opt on real runs of the built CLI.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiptsCapture } from '../helpers/receipts-capture.js';

const RECEIPT = 'test/fixtures/receipts/coffee-tm-t88-card.bin';
/** What --trace-opt prints when a function has been optimised by Turbofan. */
const TURBOFAN_COMPILED = /^\[completed optimizing .*\(target TURBOFAN\)/gm;

let dir: string;
let capture: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-turbofan-'));
  capture = join(dir, 'receipts.bin');
  await writeFile(capture, receiptsCapture('.', 700_000)); // about 730 KB: far more than a moment's work
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What one traced run of `node NODE_FLAGS bin/posbridge.js ARGS` printed, V8's trace lines among the output. */
function traced(nodeFlags: string[], args: string[]): string {
  const run = spawnSync(process.execPath, ['--trace-opt', ...nodeFlags, 'bin/posbridge.js', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

describe('Turbofan in CLI commands', () => {
  it('--version and parse of one receipt compile nothing with Turbofan', () => {
    const version = traced([], ['--version']);
    expect(version).toMatch(/^\d+\.\d+\.\d+$/m);
    expect(version.match(TURBOFAN_COMPILED) ?? []).toEqual([]);
    const parsed = traced([], ['parse', RECEIPT]);
    expect(parsed).toContain('The Daily Grind');
    expect(parsed.match(TURBOFAN_COMPILED) ?? []).toEqual([]);
  });

  it('parse of a long capture still has its hot code optimised by Turbofan', () => {
    expect(traced([], ['parse', capture]).match(TURBOFAN_COMPILED)?.length ?? 0).toBeGreaterThan(0);
  });

  it('leaves --no-opt given to Node as it is', () => {
    expect(traced(['--no-opt'], ['parse', capture]).match(TURBOFAN_COMPILED) ?? []).toEqual([]);
  });
});

describe('regular expressions in CLI commands', () => {
  /** What --trace-regexp-tier-up prints for each expression compiled a second time, to machine code. */
  const TIER_UP = /^JSRegExp object \S+ needs tier-up compilation$/gm;

  it('parse --json of one receipt compiles its expressions once (no tier-up), and a tier-up flag given to Node is left as given', () => {
    const once = traced(['--trace-regexp-tier-up'], ['parse', '--json', RECEIPT]);
    expect(once).toContain('"The Daily Grind"');
    // The few that run before the CLI sets the flag (commander's, the flag tests' own).
    expect(once.match(TIER_UP)?.length ?? 0).toBeLessThan(20);
    const given = traced(['--trace-regexp-tier-up', '--regexp-tier-up'], ['parse', '--json', RECEIPT]);
    expect(given.match(TIER_UP)?.length ?? 0).toBeGreaterThan(100);
    // The baskets are the same either way.
    const baskets = (output: string): string[] => output.split('\n').filter((line) => line.startsWith('{'));
    expect(baskets(given)).toEqual(baskets(once));
    expect(baskets(once)).toHaveLength(1);
  });
});
