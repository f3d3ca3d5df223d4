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
// `--baseline DIR` also measures another build's decoder and extractor (DIR = its dist/, e.g. of an earlier commit)
// on this corpus, in rounds that alternate so that both see the same load, and prints the ratio. Each round is a
// process of its own that loads one build only: two builds in one process favour whichever runs as "this build"
// (measured: 1.27x one way round and 1.35x the other, for the same two builds).
//
// Run alone with `npm run build && node dist/bench/extract.js [--baseline DIR]`.
import { execFileSync } from 'node:child_process';
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

const line = (label: string, value: string): void => void process.stdout.write(`${label.padEnd(44)}${value}\n`);
const fmt = (n: number): string => Math.round(n).toLocaleString('en-GB');

/** The end-to-end pass of a build (its dist/ folder) over this corpus, with the profile the corpus needs. */
async function endToEndOf(dist: string): Promise<Pass> {
  const extract = (await import(pathToFileURL(join(resolve(dist), 'agent', 'extract', 'index.js')).href)) as typeof import('../agent/extract/index.js');
  const profiles = extract.loadProfiles([join(repoRoot(), 'test', 'fixtures', 'profiles', 'ocean-deli.yaml')]);
  return (f) => extract.basketsFromBytes(f, { profiles }).length;
}

const ROUND_ARG = '--round';
const ROUNDS = 3;
const ROUND_SECONDS = 2;
/** CPU time of warm-up in each round's process: the JIT settles in about this long (steady state, as above). */
const ROUND_WARM_MS = 3000;

/** One round in a process of its own: warm up, measure the build at `dist`, print `{ receipts, ms }`. */
async function measureRound(dist: string): Promise<void> {
  const files = corpus();
  const pass = await endToEndOf(dist);
  const t0 = cpuMs();
  while (cpuMs() - t0 < ROUND_WARM_MS) warm(files, 1, pass);
  process.stdout.write(JSON.stringify(run(files, ROUND_SECONDS, pass)));
}

/**
 * Receipts per CPU-second of each build, over rounds that alternate between them, each in a fresh process; every
 * other round runs them in the other order, so neither always goes first.
 */
function alternatingRounds(dists: readonly string[]): number[] {
  const totals = dists.map(() => ({ receipts: 0, ms: 0 }));
  for (let i = 0; i < ROUNDS * 2; i++) {
    const order = i % 2 === 0 ? dists.map((_, k) => k) : dists.map((_, k) => dists.length - 1 - k);
    order.forEach((k) => {
      const dist = dists[k]!;
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), ROUND_ARG, resolve(dist)], { encoding: 'utf8' });
      const r = JSON.parse(out) as { receipts: number; ms: number };
      totals[k]!.receipts += r.receipts;
      totals[k]!.ms += r.ms;
    });
  }
  return totals.map(perSecond);
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
    const [now, then] = alternatingRounds([join(repoRoot(), 'dist'), baseline]);
    line(`baseline ${baseline}`, `${fmt(then!)} receipts per CPU-second, steady state, same corpus, ${ROUNDS * 2} rounds`);
    line('this build, in the same rounds', `${fmt(now!)} receipts per CPU-second: ${(now! / then!).toFixed(2)}× the baseline`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const round = process.argv.indexOf(ROUND_ARG);
  const at = process.argv.indexOf('--baseline');
  if (round > 0) await measureRound(process.argv[round + 1]!);
  else await benchExtract(at > 0 ? process.argv[at + 1] : undefined);
}
