// Public face of extraction: printed documents → baskets. The daemon and the CLI both call basketsFromBytes
// (or extractBasket per document); layout profiles are loaded and validated once with loadProfiles.
import { readFile } from 'node:fs/promises';
import { decode, type DecoderOptions } from '../decode/index.js';
import type { Basket } from './basket.js';
import { documentId, extractBasket, type ExtractContext } from './extract-basket.js';
import type { LayoutProfile } from './profile.js';

export type * from './basket.js';
export { BASKET_KINDS, TENDER_TYPES } from './basket.js';
export { calibratedConfidence, confidenceOf, reconciled, runChecks } from './checks.js';
export { localeInfo, resolveContext, type StoreContext } from './context.js';
export { ReconciliationTally } from './drift.js';
export { basketSchema, basketJsonSchema } from './schema.js';
export { loadProfileFile, loadProfiles, parseProfile, ProfileError, type LayoutProfile } from './profile.js';
export { luhnValid, maskPans } from './privacy.js';
export { selectProfile } from './select.js';
export { documentId, extractBasket, failedBasket, PARSER_VERSION, type ExtractContext } from './extract-basket.js';
export { DEFAULT_TIMEZONE } from './dates.js';

export interface BasketsFromBytesOptions {
  /** Names the source in ids when given ("<source>#<n>"); else ids are sha256-based. */
  idPrefix?: string;
  profiles?: LayoutProfile[];
  profileName?: string;
  timezone?: string;
  currency?: string;
  locale?: string;
  decoder?: DecoderOptions;
}

/** Bytes of one or more print jobs → one basket per job that printed text, in order. */
export function basketsFromBytes(bytes: Uint8Array, opts: BasketsFromBytesOptions = {}): Basket[] {
  const docs = decode(bytes, opts.decoder);
  const baskets: Basket[] = [];
  docs.forEach((doc, i) => {
    const ctx: ExtractContext = {
      id: opts.idPrefix === undefined ? documentId(bytes, doc) : `${opts.idPrefix}-${i}`,
      ...(opts.profiles && { profiles: opts.profiles }),
      ...(opts.profileName !== undefined && { profileName: opts.profileName }),
      ...(opts.timezone !== undefined && { timezone: opts.timezone }),
      ...(opts.currency !== undefined && { currency: opts.currency }),
      ...(opts.locale !== undefined && { locale: opts.locale }),
    };
    const basket = extractBasket(doc, ctx);
    if (basket !== null) baskets.push(basket);
  });
  return baskets;
}

/**
 * A capture file → its baskets, for `posbridge parse --json` (one JSON line per basket, in input order):
 *   for (const b of await basketsFromFile(file, { profiles, timezone })) write(JSON.stringify(b) + '\n');
 * Ids are sha256-based, so the same capture always gives the same ids.
 */
export async function basketsFromFile(path: string, opts: BasketsFromBytesOptions = {}): Promise<Basket[]> {
  return basketsFromBytes(await readFile(path), opts);
}
