// `posbridge profile test PROFILE CAPTURES...` and `posbridge profile validate FILE...`: check a layout profile
// (or the generic rules) against captured print jobs before deploying it, and gate the deploy on the share of
// receipts it fully reconciles.
import { readFile } from 'node:fs/promises';
import { ReconciliationTally } from '../extract/drift.js';
import { basketsFromBytes, DEFAULT_TIMEZONE, loadProfileFile, type Basket, type LayoutProfile } from '../extract/index.js';
import { isTimeZone } from '../extract/dates.js';
import { formatAmount } from '../extract/money.js';

export interface TestOptions {
  minShare: string;
  timezone: string;
}

function write(text: string): void {
  process.stdout.write(text + '\n');
}

function describeBasket(b: Basket, index: number): string {
  const marks = b.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.ok ? '' : `: ${c.detail}`}`);
  const total = b.total === null ? 'no total' : `total ${formatAmount(b.total, b.currency)}`;
  return [`  receipt ${index + 1}: ${b.kind}, ${total}, ${b.items.length} item(s), confidence ${b.confidence}`, ...marks.map((m) => `    ${m}`)].join('\n');
}

function parseShare(text: string): number {
  const share = Number(text);
  if (!Number.isFinite(share) || share < 0 || share > 1) throw new Error(`--min-share must be a number from 0 to 1, got '${text}'`);
  return share;
}

/** Options and the profile are checked before any capture is read; a bad one is a usage error (exit 2). */
function prepare(profileArg: string, options: TestOptions): { minShare: number; profiles: LayoutProfile[] } | null {
  try {
    if (!isTimeZone(options.timezone)) throw new Error(`--timezone '${options.timezone}' is not an IANA timezone`);
    return { minShare: parseShare(options.minShare), profiles: profileArg === 'generic' ? [] : [loadProfileFile(profileArg)] };
  } catch (err) {
    process.stderr.write(`posbridge profile test: ${(err as Error).message}\n`);
    process.exitCode = 2;
    return null;
  }
}

export async function testProfile(profileArg: string, captures: string[], options: TestOptions): Promise<void> {
  const prepared = prepare(profileArg, options);
  if (prepared === null) return;
  const { minShare, profiles } = prepared;
  const profileName = profiles[0]?.name ?? 'generic';
  const tally = new ReconciliationTally();
  let unreadable = 0;
  for (const file of captures) {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (err) {
      unreadable++;
      process.stderr.write(`posbridge profile test: ${file}: ${(err as Error).message}\n`);
      continue;
    }
    const baskets = basketsFromBytes(bytes, { profiles, profileName, timezone: options.timezone });
    write(`${file}: ${baskets.length} receipt(s)`);
    baskets.forEach((b, i) => {
      tally.add(b);
      write(describeBasket(b, i));
    });
  }
  const pct = (tally.share * 100).toFixed(1);
  write(`profile ${profileName}: ${tally.reconciled}/${tally.count} receipts fully reconciled (${pct}%), minimum ${(minShare * 100).toFixed(1)}%`);
  if (tally.share < minShare || unreadable > 0) process.exitCode = 1;
}

export async function validate(files: string[]): Promise<void> {
  for (const file of files) {
    try {
      const p = loadProfileFile(file);
      write(`${file}: ok (${p.name}@${p.version})`);
    } catch (err) {
      process.exitCode = 1;
      process.stderr.write(`${(err as Error).message}\n`);
    }
  }
}
