// Extraction figures: receipts per second end to end (bytes → documents → baskets, profiles matched, solver and
// checks run) over the extraction corpus (test/fixtures/receipts) and the layouts corpus (test/fixtures/layouts,
// 80 layouts from five third-party generators), on one core, plus the share of that time spent extracting.
// Target (issue 10): at least 5,000 receipts/s end to end.
//
// Measured in CPU time of this process (process.cpuUsage), not wall time: other work on a shared machine takes
// wall time, not this process's CPU time. Two figures: after a short warm-up (three passes, as the first version
// of this bench did: it still counts the JIT compiling the code) and in steady state, after a second of CPU time
// of warm-up, which is what a daemon that runs for hours sees.
//
// `--baseline DIR` also loads another build's decoder and extractor (DIR = its dist/, e.g. of an earlier commit)
// and measures both in rounds that alternate, so that both see the same load; it prints the ratio.
//
// Run alone with `npm run build && node dist/bench/extract.js [--baseline DIR]`.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { decode } from '../agent/decode/index.js';
import { basketsFromBytes, loadProfiles } from '../agent/extract/index.js';
import { repoRoot } from './fuzz.js';

function corpus(): Buffer[] {
  return ['receipts', 'layouts'].flatMap((folder) => {
    const dir = join(repoRoot(), 'test', 'fixtures', folder);
    return readdirSync(dir)
      .filter((f) => f.endsWith('.bin'))
      .sort()
      .map((f) => readFileSync(join(dir, f)));
  });
}

/** CPU time this process has used, in ms: on a shared machine wall time measures the neighbours too. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

type Pass = (bytes: Buffer) => number;

/** Runs `pass` over the corpus for at least `seconds` of CPU time; returns receipts and CPU ms spent. */
function run(files: readonly Buffer[], seconds: number, pass: Pass): { receipts: number; ms: number } {
  let receipts = 0;
  const t0 = cpuMs();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    for (const f of files) receipts += pass(f);
    elapsed = cpuMs() - t0;
  }
  return { receipts, ms: elapsed };
}

function warm(files: readonly Buffer[], passes: number, pass: Pass): void {
  for (let i = 0; i < passes; i++) for (const f of files) pass(f);
}

/** Receipts per CPU-second of this (single-threaded) process, i.e. per core. */
const perSecond = (r: { receipts: number; ms: number }): number => r.receipts / (r.ms / 1000);

/** Warms up for `warmMs` of CPU time, then measures. */
function steady(files: readonly Buffer[], warmMs: number, seconds: number, pass: Pass): number {
  const t0 = cpuMs();
  while (cpuMs() - t0 < warmMs) warm(files, 1, pass);
  return perSecond(run(files, seconds, pass));
}

/** Alternating rounds of two passes over the same corpus: both see the same load. Returns receipts/s of each. */
function interleaved(files: readonly Buffer[], rounds: number, seconds: number, a: Pass, b: Pass): [number, number] {
  const ta = { receipts: 0, ms: 0 };
  const tb = { receipts: 0, ms: 0 };
  for (let i = 0; i < rounds; i++) {
    for (const [pass, total] of [[a, ta], [b, tb]] as const) {
      const r = run(files, seconds, pass);
      total.receipts += r.receipts;
      total.ms += r.ms;
    }
  }
  return [perSecond(ta), perSecond(tb)];
}

const line = (label: string, value: string): void => void process.stdout.write(`${label.padEnd(44)}${value}\n`);
const fmt = (n: number): string => Math.round(n).toLocaleString('en-GB');

/** The end-to-end pass of another build (its dist/ folder), for before/after figures in one run. */
async function baselinePass(dist: string): Promise<Pass> {
  const extract = (await import(pathToFileURL(join(resolve(dist), 'agent', 'extract', 'index.js')).href)) as typeof import('../agent/extract/index.js');
  const profiles = extract.loadProfiles([join(repoRoot(), 'test', 'fixtures', 'profiles', 'ocean-deli.yaml')]);
  return (f) => extract.basketsFromBytes(f, { profiles }).length;
}

export async function benchExtract(baseline?: string): Promise<void> {
  const files = corpus();
  const profiles = loadProfiles([join(repoRoot(), 'test', 'fixtures', 'profiles', 'ocean-deli.yaml')]);
  const endToEnd: Pass = (f) => basketsFromBytes(f, { profiles }).length;
  const decodeOnly: Pass = (f) => decode(f).filter((d) => d.blocks.some((b) => b.kind === 'text')).length;
  const receipts = files.reduce((n, f) => n + endToEnd(f), 0);
  const bytes = files.reduce((n, f) => n + f.length, 0);
  warm(files, 3, endToEnd);
  const short = perSecond(run(files, 2, endToEnd));
  const endToEndSteady = steady(files, 1000, 2, endToEnd);
  const decodeSteady = steady(files, 500, 1, decodeOnly);
  line('corpus', `${files.length} captures, ${receipts} receipts, ${(bytes / 1024).toFixed(1)} KiB`);
  line('end to end, after 3 warm-up passes', `${fmt(short)} receipts per CPU-second`);
  line('end to end, steady state (bytes → baskets)', `${fmt(endToEndSteady)} receipts per CPU-second (target >= 5,000)`);
  line('decode only, steady state', `${fmt(decodeSteady)} receipts per CPU-second`);
  line('extraction share of end-to-end time', `${Math.round((1 - endToEndSteady / decodeSteady) * 100)}%`);
  if (baseline !== undefined) {
    const before = await baselinePass(baseline);
    steady(files, 1000, 0.5, before);
    const [now, then] = interleaved(files, 4, 0.5, endToEnd, before);
    line(`baseline ${baseline}`, `${fmt(then)} receipts per CPU-second, steady state, same corpus`);
    line('this build, in the same rounds', `${fmt(now)} receipts per CPU-second: ${(now / then).toFixed(2)}× the baseline`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--baseline');
  await benchExtract(at > 0 ? process.argv[at + 1] : undefined);
}
