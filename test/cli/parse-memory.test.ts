// `posbridge parse` runs a capture of many megabytes in about the memory of one receipt, in every format: the heap
// V8 commits (the most at any moment, test/cli/heap-peak.mjs) does not grow with the input. It did: V8 doubled the
// young generation as a run went on and the documents of a 64 KiB read chunk were promoted as garbage, so a
// megabyte of receipts already took 16 to 34 MiB more heap than one receipt (agent/cli/young-generation.ts). Run
// through the built CLI as a real child process.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiptsCapture } from '../helpers/receipts-capture.js';

const ONE_RECEIPT = 'test/fixtures/receipts/coffee-tm-t88-card.bin';
/** More heap than one receipt takes that a big capture may take: the shares of V8's spaces that vary run to run. */
const MORE_THAN_ONE_RECEIPT_MIB = 10;

let dir: string;
/** About 4 MB of receipts (~5,500 jobs), and 1 MB for baskets, whose extraction takes seconds a megabyte. */
let big: string;
let oneMegabyte: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-parse-memory-'));
  big = join(dir, 'receipts-4MB.bin');
  await writeFile(big, receiptsCapture('.', 4e6));
  oneMegabyte = join(dir, 'receipts-1MB.bin');
  await writeFile(oneMegabyte, receiptsCapture('.', 1e6));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The most heap (MiB) a run of `posbridge parse ARGS` had committed, its output thrown away. */
async function peakHeapMiB(args: string[]): Promise<number> {
  const log = join(dir, 'heap.txt');
  const run = spawnSync(process.execPath, ['--import', './test/cli/heap-peak.mjs', 'bin/posbridge.js', 'parse', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, POSBRIDGE_HEAP_LOG: log },
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return Number(await readFile(log, 'utf8')) / 1024 / 1024;
}

describe('posbridge parse: a big capture takes about the heap of one receipt', () => {
  const formats: [string, string[], () => string][] = [
    ['text', ['--format', 'text'], () => big],
    ['--json --document', ['--json', '--document'], () => big],
    ['--format html', ['--format', 'html'], () => big],
    ['--json (baskets)', ['--json'], () => oneMegabyte],
  ];
  for (const [name, args, input] of formats) {
    it(name, async () => {
      const one = await peakHeapMiB([...args, ONE_RECEIPT]);
      const many = await peakHeapMiB([...args, input()]);
      expect(many, `one receipt ${one.toFixed(1)} MiB, many ${many.toFixed(1)} MiB`).toBeLessThan(one + MORE_THAN_ONE_RECEIPT_MIB);
    });
  }
});
