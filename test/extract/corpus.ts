// The extraction corpus (test/fixtures/receipts/): each NAME.bin with the baskets NAME.expected.json says it
// holds. Shared by the corpus test and the profile tests.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Basket, Check } from '../../agent/extract/index.js';
import { loadProfiles, type LayoutProfile } from '../../agent/extract/index.js';

export const RECEIPTS_DIR = fileURLToPath(new URL('../fixtures/receipts/', import.meta.url));
export const PROFILES_DIR = fileURLToPath(new URL('../fixtures/profiles/', import.meta.url));

export interface ExpectedBasket extends Omit<Basket, 'checks' | 'parser'> {
  checks: Pick<Check, 'name' | 'ok'>[];
  parser: { profile: string | null };
}

export interface CorpusEntry {
  name: string;
  bytes: Uint8Array;
  timezone: string;
  baskets: ExpectedBasket[];
}

export function loadCorpus(): CorpusEntry[] {
  return readdirSync(RECEIPTS_DIR)
    .filter((f) => f.endsWith('.bin'))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.bin'.length);
      const expected = JSON.parse(readFileSync(join(RECEIPTS_DIR, `${name}.expected.json`), 'utf8')) as {
        context: { timezone: string };
        baskets: ExpectedBasket[];
      };
      return { name, bytes: new Uint8Array(readFileSync(join(RECEIPTS_DIR, file))), timezone: expected.context.timezone, baskets: expected.baskets };
    });
}

/** The one profile the corpus needs (Ocean Deli); every other receipt is read by the generic rules. */
export function corpusProfiles(): LayoutProfile[] {
  return loadProfiles([`${PROFILES_DIR}ocean-deli.yaml`]);
}

/** Every fixture profile, the JSON one matched by VAT number included. */
export function allProfiles(): LayoutProfile[] {
  return loadProfiles([PROFILES_DIR]);
}

/**
 * A basket as the corpus compares it: checks without their detail text, parser without its version, and no
 * store context (the corpus predates it; test/extract/context.test.ts checks what it says).
 */
export function comparable(b: Basket): ExpectedBasket {
  const { context: _context, ...rest } = b;
  return { ...rest, checks: b.checks.map(({ name, ok }) => ({ name, ok })), parser: { profile: b.parser.profile } };
}
