// Extraction figures: receipts per second end to end (bytes → documents → baskets, profiles matched, checks
// run) over the extraction corpus in test/fixtures/receipts, on one core, plus the share of that time spent
// decoding. Target: well above a busy till's rate (~1 receipt/s); aim >= 2,000 receipts/s.
// Run alone with `npm run build && node dist/bench/extract.js`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode } from '../agent/decode/index.js';
import { basketsFromBytes, loadProfiles } from '../agent/extract/index.js';
import { repoRoot } from './fuzz.js';

function corpus(): Buffer[] {
  const dir = join(repoRoot(), 'test', 'fixtures', 'receipts');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.bin'))
    .sort()
    .map((f) => readFileSync(join(dir, f)));
}

/** Runs `pass` over the corpus for at least `seconds` after a warm-up; returns receipts per second. */
function rate(files: readonly Buffer[], seconds: number, pass: (bytes: Buffer) => number): number {
  for (let i = 0; i < 3; i++) for (const f of files) pass(f);
  let receipts = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    for (const f of files) receipts += pass(f);
    elapsed = performance.now() - t0;
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
  line('end to end (bytes → baskets)', `${Math.round(endToEnd).toLocaleString('en-GB')} receipts/s (target >= 2,000)`);
  line('decode only', `${Math.round(decodeOnly).toLocaleString('en-GB')} receipts/s`);
  line('extraction share of end-to-end time', `${Math.round((1 - endToEnd / decodeOnly) * 100)}%`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchExtract();
