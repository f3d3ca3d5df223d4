// Extraction figures: receipts per second end to end (bytes → documents → baskets, profiles matched, solver and
// checks run) over the extraction corpus (test/fixtures/receipts) and the layouts corpus (test/fixtures/layouts,
// 46 layouts from five third-party generators), on one core, plus the share of that time spent extracting.
// Target (issue 10): at least 5,000 receipts/s end to end.
// Run alone with `npm run build && node dist/bench/extract.js`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/**
 * Runs `pass` over the corpus for at least `seconds` of CPU time after a warm-up; returns receipts per
 * CPU-second of this (single-threaded) process, i.e. per core.
 */
function rate(files: readonly Buffer[], seconds: number, pass: (bytes: Buffer) => number): number {
  for (let i = 0; i < 3; i++) for (const f of files) pass(f);
  let receipts = 0;
  const t0 = cpuMs();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    for (const f of files) receipts += pass(f);
    elapsed = cpuMs() - t0;
  }
  return receipts / (elapsed / 1000);
}

export async function benchExtract(): Promise<void> {
  const files = corpus();
  const profiles = loadProfiles([join(repoRoot(), 'test', 'fixtures', 'profiles', 'ocean-deli.yaml')]);
  const receipts = files.reduce((n, f) => n + basketsFromBytes(f, { profiles }).length, 0);
  const bytes = files.reduce((n, f) => n + f.length, 0);
  const endToEnd = rate(files, 2, (f) => basketsFromBytes(f, { profiles }).length);
  const decodeOnly = rate(files, 1, (f) => decode(f).filter((d) => d.blocks.some((b) => b.kind === 'text')).length);
  const line = (label: string, value: string): void => void process.stdout.write(`${label.padEnd(44)}${value}\n`);
  line('corpus', `${files.length} captures, ${receipts} receipts, ${(bytes / 1024).toFixed(1)} KiB`);
  line('end to end (bytes → baskets)', `${Math.round(endToEnd).toLocaleString('en-GB')} receipts per CPU-second (target >= 5,000)`);
  line('decode only', `${Math.round(decodeOnly).toLocaleString('en-GB')} receipts per CPU-second`);
  line('extraction share of end-to-end time', `${Math.round((1 - endToEnd / decodeOnly) * 100)}%`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchExtract();
