// One printed document → its basket: the extraction itself, apart from the index so that `parse --json` does not
// load what the index re-exports for others: the basket's zod schema, and the layout-profile loader with its YAML
// parser and zod validation (a profile is already validated when it reaches extraction).
import crypto, { createHash } from 'node:crypto';
import type { PrintedDocument } from '../decode/document.js';
import type { Basket } from './basket.js';
import { calibratedConfidence, runChecks } from './checks.js';
import { resolveContext } from './context.js';
import { DEFAULT_TIMEZONE, isTimeZone } from './dates.js';
import { dropUntaxed, readBasket } from './extractor.js';
import type { LayoutProfile } from './profile.js';
import { rowsOf, type Row } from './rows.js';
import { rulesFor } from './rules.js';
import { selectProfile } from './select.js';
import { maskPans } from './privacy.js';

/** Bumped whenever extraction output can change for the same input. */
export const PARSER_VERSION = '2.1.0';

export interface ExtractContext {
  id: string;
  revision?: number;
  tillId?: string;
  storeId?: string;
  /** IANA zone the till's clock runs in; default Europe/London. */
  timezone?: string;
  /** Currency when the receipt prints none (store context, from config). */
  currency?: string;
  /** BCP 47 locale of the store (en-GB, en-US, de-DE...): date order, decimal separator, language. */
  locale?: string;
  profiles?: LayoutProfile[];
  /** Use this profile (by name) instead of matching headers. */
  profileName?: string;
}

function hasText(rows: readonly Row[]): boolean {
  return rows.some((r) => r.cells.length > 0);
}

/** A confidence-0 basket that says why nothing could be read (extraction failed, or OCR found no receipt). */
export function failedBasket(ctx: ExtractContext, profile: string | null, detail: string, checkName = 'extraction'): Basket {
  return {
    id: ctx.id,
    revision: ctx.revision ?? 1,
    kind: 'other',
    merchant: { name: null, address: null, vatNumber: null, phone: null },
    storeId: ctx.storeId ?? null,
    tillId: ctx.tillId ?? null,
    operator: null,
    receiptNumber: null,
    transactionAt: null,
    currency: ctx.currency ?? null,
    items: [],
    discounts: [],
    subtotal: null,
    total: null,
    taxes: [],
    tenders: [],
    change: null,
    loyalty: null,
    barcodes: [],
    confidence: 0,
    checks: [{ name: checkName, ok: false, detail }],
    parser: { version: PARSER_VERSION, profile },
  };
}

/**
 * One printed document → its basket, or null when the job printed no text (status requests, a drawer kick,
 * the initialise after the last cut). Never throws: an internal failure yields a confidence-0 basket.
 */
export function extractBasket(doc: PrintedDocument, ctx: ExtractContext): Basket | null {
  let profileName: string | null = null;
  try {
    const rows = rowsOf(doc);
    if (!hasText(rows)) return null;
    const timeZone = ctx.timezone ?? DEFAULT_TIMEZONE;
    if (!isTimeZone(timeZone)) return failedBasket(ctx, null, `unknown timezone '${timeZone}'`);
    const profile = selectProfile(rows, ctx.profiles ?? [], ctx.profileName);
    const rules = rulesFor(profile);
    profileName = rules.profile;
    const context = resolveContext(rows, { currency: ctx.currency, locale: ctx.locale }, ctx.timezone, { currency: rules.currency, dateOrder: rules.dateOrder });
    context.timezone = timeZone;
    const { basket: body, signals } = readBasket(doc, rows, rules, { context });
    if (ctx.tillId !== undefined) body.tillId ??= ctx.tillId;
    if (ctx.storeId !== undefined) body.storeId ??= ctx.storeId;
    const checks = runChecks(body);
    dropUntaxed(body.taxes);
    // Field by field in the basket's order, not a spread of `body`: this runs once per receipt, spreads are slow.
    return {
      id: ctx.id,
      revision: ctx.revision ?? 1,
      kind: body.kind,
      merchant: body.merchant,
      storeId: body.storeId,
      tillId: body.tillId,
      operator: body.operator,
      receiptNumber: body.receiptNumber,
      transactionAt: body.transactionAt,
      currency: body.currency,
      items: body.items,
      discounts: body.discounts,
      subtotal: body.subtotal,
      total: body.total,
      taxes: body.taxes,
      tenders: body.tenders,
      change: body.change,
      loyalty: body.loyalty,
      barcodes: body.barcodes,
      context: body.context,
      confidence: calibratedConfidence(checks, body, signals),
      checks,
      parser: { version: PARSER_VERSION, profile: profileName },
    };
  } catch (err) {
    // Only the error's name and message: never text from the receipt, which could hold personal data.
    const e = err as Error;
    return failedBasket(ctx, profileName, maskPans(`extraction failed: ${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`));
  }
}

/** One-shot hashing (Node 20.12+) skips the Hash object per receipt; older Node 20 builds one. Same digest. */
const sha256Hex: (data: Uint8Array) => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (data) => (crypto as unknown as { hash: (alg: string, d: Uint8Array, enc: 'hex') => string }).hash('sha256', data, 'hex')
    : (data) => createHash('sha256').update(data).digest('hex');

/** Stable basket id for a document cut from a file: sha256 of the document's bytes, shortened. */
export function documentId(bytes: Uint8Array, doc: PrintedDocument): string {
  return 'sha256-' + sha256Hex(bytes.subarray(doc.start, doc.end)).slice(0, 24);
}
