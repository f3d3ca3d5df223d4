// Money and quantities as printed on receipts: "£1,234.56", "1.234,56", "6,40 A", "-1.00", "1.00-", "(2.50)",
// "EUR 3,20". Amounts become integers in minor units straight from the digits, never through a float.

export interface ParsedAmount {
  /** Minor units (two decimals as printed → cents); sign applied. */
  minor: number;
  /** Decimal digits printed after the separator. */
  decimals: number;
  /** ISO 4217 code implied by a symbol or code printed with it, else null. */
  currency: string | null;
  /** Trailing tax-code letter(s) or rate printed after the amount (`6,40 A`, `1,50 22%`), else null. */
  taxCode: string | null;
}

const CURRENCY_TOKENS: Record<string, string> = {
  '£': 'GBP',
  GBP: 'GBP',
  '€': 'EUR',
  EUR: 'EUR',
  EURO: 'EUR',
  $: 'USD',
  USD: 'USD',
  CHF: 'CHF',
  'FR.': 'CHF',
};

/** Currency code for a symbol or code token, or null. */
export function currencyOf(token: string): string | null {
  return CURRENCY_TOKENS[token.toUpperCase()] ?? null;
}

/**
 * A lone glyph after an amount or a unit price that is a currency sign printed in a code page the decoder could not
 * map, or read in a neighbouring page: a '?', the replacement character, a box-drawing glyph (an escpos-buffer I9
 * or POS-80 printing '€' as '╒'), or a dotless 'ı', which PC850 has where PC858 has '€' (0xD5: a Citizen's
 * `ESC t 2` is PC858, Epson's PC850). Still money, currency unknown.
 */
export const UNMAPPED_CURRENCY_SIGN = '[?\\uFFFD\\u0131\\u2500-\\u259F]';

// One amount, anchored: optional sign or parenthesis, optional currency before or after, digits with an optional
// thousands grouping, a decimal separator with 2 or 3 digits, optional trailing minus, optional tax code or rate
// (fiscal tills print the line's rate after its price: "1,50 22%", or without its sign: "1,50 22"; a numbered
// class: "6,21 T1"), or a lone star referring to a footnote ("9,80 *" over "* City-Tax nicht umsatzsteuerbar"). After
// the digits, an unmapped currency sign (above).
const AMOUNT_RE = new RegExp(
  String.raw`^(\()?\s*([-−–])?\s*(£|€|\$|EUR|GBP|USD|CHF)?\s*([-−–])?\s*(\d{1,3}(?:[.,' ]\d{3})+|\d+)([.,])(\d{2,3})\s*(£|€|EUR|GBP|CHF|${UNMAPPED_CURRENCY_SIGN})?\s*(-)?\s*(\))?` +
    String.raw`(?:\s+([A-Z]{1,2}|[A-Z]\d|\d{1,2}|\d{1,2}(?:[.,]\d{1,2})?%)\*?|([A-Z])\*?|\s*\*)?$`,
  'u',
);

/**
 * Parses one printed amount (the whole string must be the amount, optionally with currency and tax code).
 * Requires decimals: a bare integer is a quantity or a code, not money.
 */
export function parseAmount(text: string): ParsedAmount | null {
  const s = text.trim();
  if (s.length === 0 || s.length > 40) return null;
  const m = AMOUNT_RE.exec(s);
  if (m === null) return null;
  const [, openParen, sign1, cur1, sign2, whole = '', point = '', frac = '', cur2, trailingMinus, closeParen, code1, code2] = m;
  if ((openParen === undefined) !== (closeParen === undefined)) return null;
  // One sign cannot both group thousands and mark the decimals: "204.112.87" is an article number, not money.
  if (whole.length > 3 && whole.includes(point)) return null;
  const digits = whole.replace(/[.,' ]/g, '') + frac;
  if (digits.length > 15) return null;
  let minor = Number(digits);
  if (frac.length === 3) {
    // Three decimals are a price per unit finer than money (fuel); kept exact in thousandths → not minor units.
    return null;
  }
  const negative = sign1 !== undefined || sign2 !== undefined || trailingMinus !== undefined || openParen !== undefined;
  if (negative) minor = -minor;
  const curToken = cur1 ?? cur2;
  return {
    minor: minor === 0 ? 0 : minor,
    decimals: frac.length,
    currency: curToken === undefined ? null : currencyOf(curToken),
    taxCode: code1 ?? code2 ?? null,
  };
}

/**
 * A decimal number as printed ("0.452", "32,15", "1.459") → number and its canonical text with a '.' point.
 * Used for quantities and fine unit prices, which may have more decimals than money.
 */
export function parseDecimal(text: string): { value: number; text: string } | null {
  const m = /^(\d{1,7})(?:[.,](\d{1,4}))?$/.exec(text.trim());
  if (m === null) return null;
  const canonical = m[2] === undefined ? m[1]! : `${m[1]}.${m[2]}`;
  return { value: Number(canonical), text: canonical };
}

/**
 * Unit price text ("1.459", "2,20", "£3.20") → minor units when exact at `decimals` digits, plus its canonical
 * decimal text in major units.
 */
export function parseUnitPrice(text: string): { minor: number | null; text: string } | null {
  const stripped = text.trim().replace(/^(£|€|\$|EUR|GBP)\s*/u, '').replace(/\s*(£|€|EUR)$/u, '');
  const d = parseDecimal(stripped);
  if (d === null) return null;
  const [whole = '0', frac = ''] = d.text.split('.');
  if (frac.length > 2 && !/^0+$/.test(frac.slice(2))) return { minor: null, text: d.text };
  const minor = Number(whole) * 100 + Number((frac + '00').slice(0, 2));
  return { minor, text: d.text };
}

/** Minor units → "12.34" for messages. */
export function formatMinor(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** An amount for people and logs: "12.40 GBP", "12.40" with no currency, null with no amount. */
export function formatAmount(minor: number | null, currency: string | null): string | null {
  if (minor === null) return null;
  return currency === null ? formatMinor(minor) : `${formatMinor(minor)} ${currency}`;
}

/** Percent rate as printed: "20%", "20.0 %", "7,00%", "5,5%" → number. */
export function parseRate(text: string): number | null {
  // US sales tax prints three decimals ("8.875%"): the rate is the whole number before the '%', not its tail.
  const m = /(?<![\d.,])(\d{1,2}(?:[.,]\d{1,3})?)\s*%/.exec(text);
  if (m === null) return null;
  return Number(m[1]!.replace(',', '.'));
}
