// Store context: what the agent knows about where it is installed (currency, locale — date order, decimal
// separator, language — and time zone), from config per link or for the whole agent, or `parse --currency
// --locale`. What config does not say is inferred from the receipt: currency symbols and codes, VAT/tax
// number formats, address and phone formats, label language. The basket records each value and where it came
// from, so a consumer can tell a configured currency from a guessed one.
import type { BasketContext } from './basket.js';
import type { DateOrder } from './dates.js';
import type { Row } from './rows.js';

export const CONTEXT_SOURCES = ['printed', 'config', 'inferred', 'default', 'none'] as const;
export type ContextSource = (typeof CONTEXT_SOURCES)[number];
export type { BasketContext };
export const LANGUAGES = ['en', 'de', 'fr', 'nl', 'es', 'it'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface StoreContext {
  /** ISO 4217 code. */
  currency?: string | undefined;
  /** BCP 47 tag: en-GB, en-US, de-DE, fr-FR, nl-NL, es-ES, it-IT... */
  locale?: string | undefined;
}


export interface LocaleInfo {
  language: string;
  region: string | null;
  dateOrder: DateOrder;
  decimalSeparator: '.' | ',';
}

const YMD_LANGUAGES = new Set(['ja', 'zh', 'ko', 'hu', 'lt', 'sv']);
const POINT_DECIMAL_LANGUAGES = new Set(['en', 'ja', 'zh', 'ko', 'th', 'he']);
const MDY_REGIONS = new Set(['US', 'PH', 'FM', 'PW', 'MH']);
const POINT_DECIMAL_REGIONS = new Set(['CH', 'MX', 'GT', 'DO', 'PR']);

/** A BCP 47 locale tag → its date order, decimal separator and language; null when it is not a locale tag. */
export function localeInfo(tag: string): LocaleInfo | null {
  const m = /^([a-z]{2,3})(?:[-_]([A-Z]{2}|\d{3}))?$/i.exec(tag.trim());
  if (m === null) return null;
  const language = m[1]!.toLowerCase();
  const region = m[2]?.toUpperCase() ?? null;
  const dateOrder: DateOrder = region !== null && MDY_REGIONS.has(region) ? 'MDY' : YMD_LANGUAGES.has(language) ? 'YMD' : 'DMY';
  const decimalSeparator = POINT_DECIMAL_LANGUAGES.has(language) || (region !== null && POINT_DECIMAL_REGIONS.has(region)) ? '.' : ',';
  return { language, region, dateOrder, decimalSeparator };
}

// "TOTAL EUROS": Spanish tills name the currency in the plural.
const CURRENCY_MARK = /[£€$]|\b(?:EUR|GBP|USD|CHF|EUROS?)\b/;
const MARK_CURRENCY: Record<string, string> = { '£': 'GBP', '€': 'EUR', $: 'USD', EUR: 'EUR', EURO: 'EUR', EUROS: 'EUR', GBP: 'GBP', USD: 'USD', CHF: 'CHF' };

/** Words that only one of the languages prints on receipts (accents kept: they are part of the evidence). */
const LANGUAGE_WORDS: Record<Language, string> = {
  en: 'total change cash card receipt thank subtotal due vat tax qty balance',
  de: 'summe mwst rückgeld bar kasse beleg bon-nr zwischensumme netto brutto danke gesamt zurück karte ust-idnr',
  fr: 'tva ttc rendu espèces especes caisse merci ticket payer facture montant somme carte dont',
  nl: 'totaal btw kassa contant terug wisselgeld bedankt pinnen pin bonnummer betalen voldoen retour excl',
  es: 'iva efectivo cambio gracias factura tarjeta importe cuota caja entregado pagar nif cif',
  it: 'totale iva contanti resto grazie scontrino imponibile imposta documento coperto bancomat p.iva conto',
};
const WORD_LANGUAGES = new Map<string, Language[]>();
for (const lang of LANGUAGES) {
  for (const w of LANGUAGE_WORDS[lang].split(' ')) WORD_LANGUAGES.set(w, [...(WORD_LANGUAGES.get(w) ?? []), lang]);
}

/** Characters that end a word for the language count: spaces, digits and the punctuation receipts print. */
const WORD_BREAK = new Uint8Array(128);
for (const c of ' \t\n\r\v\f0123456789,:;()%*#/=+$') WORD_BREAK[c.charCodeAt(0)] = 1;
/** The same characters as /[\s\d,:;()€£$%*#/=+]/: beyond ASCII, € and £ and the Unicode spaces. */
const breaksWord = (c: number): boolean =>
  c < 128
    ? WORD_BREAK[c] === 1
    : c === 0x20ac || c === 0xa3 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
const TRAILING = (c: number): boolean => c === 46 || c === 58 || c === 45;

/**
 * The language whose receipt words appear most, or null when none does. One pass over the characters, no
 * word list: this runs for every receipt.
 */
export function inferLanguage(text: string): Language | null {
  const hits: Record<Language, number> = { en: 0, de: 0, fr: 0, nl: 0, es: 0, it: 0 };
  const lower = text.toLowerCase();
  const n = lower.length;
  let start = -1;
  for (let i = 0; i <= n; i++) {
    if (i < n && !breaksWord(lower.charCodeAt(i))) {
      if (start < 0) start = i;
      continue;
    }
    if (start < 0) continue;
    let langs = WORD_LANGUAGES.get(lower.slice(start, i));
    // "Summe:", "Bon-Nr." — trailing punctuation, trimmed only when present (most words have none).
    if (langs === undefined && TRAILING(lower.charCodeAt(i - 1))) {
      let end = i - 1;
      while (end > start && TRAILING(lower.charCodeAt(end - 1))) end--;
      langs = WORD_LANGUAGES.get(lower.slice(start, end));
    }
    if (langs !== undefined) for (const l of langs) hits[l]++;
    start = -1;
  }
  let best: Language | null = null;
  let most = 0;
  for (const lang of LANGUAGES) {
    if (hits[lang] > most) {
      best = lang;
      most = hits[lang];
    }
  }
  return best;
}

/** How often `re` (global) matches in `text`, without building the list of matches. */
function countMatches(re: RegExp, text: string): number {
  re.lastIndex = 0;
  let n = 0;
  while (re.exec(text) !== null) n++;
  return n;
}
const COMMA_MONEY = /\d,\d{2}(?!\d)/g;
const POINT_MONEY = /\d\.\d{2}(?!\d)/g;

const US_ADDRESS = /\b(?:A[KLRZ]|C[AOT]|D[CE]|FL|GA|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|O[HKR]|PA|RI|S[CD]|T[NX]|UT|V[AT]|W[AIVY]),?\s+\d{5}(?:-\d{4})?\b|\(\d{3}\)\s?\d{3}-\d{4}/;
const UK_POSTCODE = /\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b/;
const EU_TAX_ID = /\b(?:USt-?Id|UID|St\.?-?Nr|SIRET|SIREN|N°\s*TVA|TVA\s+FR|BTW|P\.?\s?IVA|NIF|CIF|Partita IVA|KvK)\b|\b(?:DE|FR|NL|ES|IT|AT|BE|IE|PT|FI|LU)\s?\d[\dA-Z ]{7,}/i;
const GB_VAT = /\bVAT\b.*\b(?:GB\s?)?\d{3}\s?\d{4}\s?\d{2}\b/i;

/**
 * A tax named in English by that word alone, with its rate ("Tax 8.25%", "Sales Tax (7%)"): a US sales tax. A UK or
 * Irish till names its VAT, a Canadian one its GST, HST, PST or QST, and the other languages have their own words.
 */
const SALES_TAX_AT_RATE = /\b(?:sales\s+)?tax\b\s*[(@:]?\s*\d{1,2}(?:\.\d{1,3})?\s?%/i;
const OTHER_TAX_NAMES = /\b(?:vat|gst|hst|pst|qst|tva|btw|iva|mwst|ust)\b/i;

/** Currency from hints when the receipt prints no symbol or code: tax numbers, addresses, tax names, language. */
function inferCurrency(text: string, language: Language | null): string | null {
  if (US_ADDRESS.test(text)) return 'USD';
  if (EU_TAX_ID.test(text)) return 'EUR';
  if (GB_VAT.test(text) || UK_POSTCODE.test(text)) return 'GBP';
  if (SALES_TAX_AT_RATE.test(text) && !OTHER_TAX_NAMES.test(text) && (language === null || language === 'en')) return 'USD';
  if (language !== null && language !== 'en') return 'EUR';
  return null;
}

const NUMERIC_DATE = /(?<![\d.])(\d{1,2})([./-])(\d{1,2})\2(\d{2,4})(?!\d)/;

/** Currencies of countries that write the day first whatever their clocks say (a UK till may print 2:32 PM). */
const DAY_FIRST_CURRENCIES = new Set(['GBP', 'EUR', 'CHF']);

/**
 * Date order from the receipt: a day above 12 settles it; $ and US addresses point to month first, and so does
 * AM/PM, unless the receipt is in pounds, euros or francs.
 */
function inferDateOrder(text: string, currency: string | null): DateOrder {
  const m = NUMERIC_DATE.exec(text);
  if (m !== null) {
    if (Number(m[1]) > 12) return 'DMY';
    if (Number(m[3]) > 12) return 'MDY';
  }
  if (currency === 'USD' || US_ADDRESS.test(text)) return 'MDY';
  if (currency !== null && DAY_FIRST_CURRENCIES.has(currency)) return 'DMY';
  return /\b\d{1,2}:\d{2}\s?[AP]M\b/i.test(text) ? 'MDY' : 'DMY';
}

/** True when the receipt's numeric date reads the same either way round (03/04 could be March or April). */
export function dateIsAmbiguous(rows: readonly Row[]): boolean {
  for (const row of rows) {
    const m = NUMERIC_DATE.exec(row.text);
    if (m !== null) return Number(m[1]) <= 12 && Number(m[3]) <= 12 && m[1] !== m[3];
  }
  return false;
}

/**
 * The context one receipt is read with: configured values first (a printed currency mark overrides a
 * configured currency: the receipt says what it charged in), then what the receipt itself shows.
 */
export function resolveContext(rows: readonly Row[], store: StoreContext, timezone: string | undefined, fixed: { currency: string | null; dateOrder: DateOrder | null }): BasketContext {
  const text = rows.map((r) => r.text).join('\n');
  const locale = store.locale === undefined ? null : localeInfo(store.locale);
  const language = locale?.language ?? inferLanguage(text);
  const languageSource: ContextSource = locale !== null ? 'config' : language !== null ? 'inferred' : 'none';

  let currency: string | null = fixed.currency;
  let currencySource: ContextSource = currency === null ? 'none' : 'config';
  if (currency === null) {
    const mark = CURRENCY_MARK.exec(text);
    if (mark !== null) {
      currency = MARK_CURRENCY[mark[0].toUpperCase()] ?? null;
      currencySource = 'printed';
    }
  }
  if (currency === null && store.currency !== undefined) {
    currency = store.currency;
    currencySource = 'config';
  }
  if (currency === null) {
    currency = inferCurrency(text, language === null ? null : (language as Language));
    if (currency !== null) currencySource = 'inferred';
  }

  let dateOrder: DateOrder;
  let dateOrderSource: ContextSource;
  if (fixed.dateOrder !== null) [dateOrder, dateOrderSource] = [fixed.dateOrder, 'config'];
  else if (locale !== null) [dateOrder, dateOrderSource] = [locale.dateOrder, 'config'];
  else [dateOrder, dateOrderSource] = [inferDateOrder(text, currency), 'inferred'];

  let decimalSeparator: '.' | ',';
  let decimalSource: ContextSource;
  if (locale !== null) [decimalSeparator, decimalSource] = [locale.decimalSeparator, 'config'];
  else {
    const commas = countMatches(COMMA_MONEY, text);
    const points = countMatches(POINT_MONEY, text);
    [decimalSeparator, decimalSource] = [commas > points ? ',' : '.', 'inferred'];
  }
  return {
    currency,
    dateOrder,
    decimalSeparator,
    language,
    timezone: timezone ?? 'Europe/London',
    sources: { currency: currencySource, dateOrder: dateOrderSource, decimalSeparator: decimalSource, language: languageSource, timezone: timezone === undefined ? 'default' : 'config' },
  };
}
