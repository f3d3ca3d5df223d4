// Tax printed as a sentence rather than a table or a labelled line: "Incl. 9% BTW: 0,88 over 10,60", "IVA 10%
// incluido: 1,43 € (base 14,27 €)", "BTW 21% over € 41,45 is € 7,19", or over two lines ("Im Betrag von 156,90 EUR
// sind 19 % MwSt." / "= 25,05 EUR enthalten."). The rightmost amount of such a line is not its tax whenever the
// sentence names another as the base it was worked out on; the word before each amount says which is which.
import type { Tax } from './basket.js';
import { parseAmount, parseRate } from './money.js';
import type { Row } from './rows.js';
import { TAX_WORD } from './vocabulary.js';

/** The word before the amount a tax was worked out on: "on", "over", "von", "of", "sur", "base", "auf", "su", "netto". */
const BASE_WORD = /^\(?(?:on|over|von|of|sur|base|basis|auf|su|netto|net|imponibile|ht)$/i;
/** A currency sign or code standing apart from its amount ("€ 41,45", "14,27 €)"). */
const CURRENCY_TOKEN = /^\(?(?:€|£|\$|eur|euro|gbp|usd)\)?[.,:]?$/i;
/** The line that ends a sentence broken after its base: "= 25,05 EUR enthalten." */
const CONTINUATION = /^[=:]\s*/;

interface SentenceAmount {
  minor: number;
  /** The amount follows a base word ("over 10,60", "(base 14,27 €)"). */
  base: boolean;
}

function amountsOf(text: string): SentenceAmount[] {
  const out: SentenceAmount[] = [];
  let before = '';
  for (const token of text.split(/\s+/)) {
    if (CURRENCY_TOKEN.test(token)) continue;
    const a = token.endsWith('%') ? null : parseAmount(token.replace(/[()]/g, ''));
    if (a !== null) out.push({ minor: a.minor, base: BASE_WORD.test(before) });
    before = token;
  }
  return out;
}

/**
 * The tax a sentence prints, with the rows it took (one, or two when it goes on under "="), or null when the row is no
 * such sentence: a tax word, a rate, an amount named as the base and the tax beside it.
 */
export function taxSentence(row: Row, next: Row | undefined): { tax: Tax; rows: number } | null {
  if (!row.text.includes('%') || !TAX_WORD.test(row.text)) return null;
  const rate = parseRate(row.text);
  if (rate === null) return null;
  const amounts = amountsOf(row.text);
  const base = amounts.find((a) => a.base);
  if (base === undefined) return null;
  const others = amounts.filter((a) => !a.base);
  if (others.length === 1) return { tax: { code: null, rate, net: null, tax: others[0]!.minor, gross: null }, rows: 1 };
  if (others.length > 0 || next === undefined || !CONTINUATION.test(next.text)) return null;
  const carried = amountsOf(next.text);
  if (carried.length !== 1) return null;
  return { tax: { code: null, rate, net: null, tax: carried[0]!.minor, gross: null }, rows: 2 };
}
