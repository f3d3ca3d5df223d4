// Dates and times as receipts print them (UK/EU day-first, ISO, US month-first by profile, month names in
// English, German, French, Dutch, Spanish and Italian) → ISO 8601 local time with the offset of the configured IANA timezone.

/** The till clock's zone when the config names none (here, not in index.ts, so the CLI's help can show it cheaply). */
export const DEFAULT_TIMEZONE = 'Europe/London';

export type DateOrder = 'DMY' | 'MDY' | 'YMD';

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}
export interface LocalTime {
  hour: number;
  minute: number;
  second: number;
}

const MONTHS: Record<string, number> = {};
// English, German, French, then Dutch, Spanish and Italian names and their abbreviations.
const MONTH_NAMES: string[][] = [
  ['jan', 'januar', 'janvier', 'janv', 'jän', 'jänner', 'januari', 'ene', 'enero', 'gen', 'gennaio'],
  ['feb', 'februar', 'février', 'fevrier', 'févr', 'fevr', 'februari', 'febrero', 'febbraio'],
  ['mar', 'märz', 'maerz', 'mars', 'mrz', 'mrt', 'maart', 'marzo'],
  ['apr', 'april', 'avril', 'avr', 'abr', 'abril', 'aprile'],
  ['may', 'mai', 'mei', 'mayo', 'mag', 'maggio'],
  ['jun', 'juni', 'juin', 'junio', 'giu', 'giugno'],
  ['jul', 'juli', 'juillet', 'juil', 'julio', 'lug', 'luglio'],
  ['aug', 'august', 'août', 'aout', 'augustus', 'ago', 'agosto'],
  ['sep', 'sept', 'september', 'septembre', 'septiembre', 'set', 'settembre'],
  ['oct', 'okt', 'oktober', 'october', 'octobre', 'octubre', 'ott', 'ottobre'],
  ['nov', 'november', 'novembre', 'noviembre'],
  ['dec', 'dez', 'dezember', 'december', 'décembre', 'decembre', 'déc', 'dic', 'diciembre', 'dicembre'],
];
MONTH_NAMES.forEach((names, i) => names.forEach((n) => (MONTHS[n] = i + 1)));
const ENGLISH_FULL = ['january', 'february', 'march', 'april', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
for (const n of ENGLISH_FULL) MONTHS[n] = MONTHS[n.slice(0, 3)]!;

function monthOf(name: string): number | null {
  return MONTHS[name.toLowerCase().replace(/\.$/, '')] ?? null;
}

function fullYear(y: string): number {
  const n = Number(y);
  return y.length <= 2 ? 2000 + n : n;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in a month of the Gregorian calendar (no Date object: this runs for every line that looks like a date). */
function daysIn(year: number, month: number): number {
  if (month !== 2) return MONTH_DAYS[month - 1]!;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

function valid(d: LocalDate): LocalDate | null {
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.year < 1990 || d.year > 2199) return null;
  return d.day <= daysIn(d.year, d.month) ? d : null;
}

const HAS_DIGIT = /\d/;
const NUMERIC_DATE = /(?<![\d.])(\d{1,4})([./-])(\d{1,2})\2(\d{2,4})(?![\d])/;
// "6th of April 2015", "3 de enero de 2025": English, Spanish and Italian join day, month and year with a word.
const NAMED_DMY = /(?<!\d)(\d{1,2})(?:st|nd|rd|th|er)?\.?(?:\s*|-)(?:(?:of|de|del|di)\s+)?([A-Za-zÀ-ÿ]{3,9})\.?,?(?:\s+(?:de|del)\s+|\s+|-)(\d{2,4})(?!\d)/;
const NAMED_MDY = /\b([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})\b/;
/** "Mar14'25", "Jun 3'26": a hospitality till's month name, day and apostrophed short year. */
const NAMED_MDY_APOSTROPHE = /\b([A-Za-z]{3,9})\.?\s?(\d{1,2})\s?['’](\d{2})\b/;

/** First date printed in `text`, read with `order` for all-numeric forms (ISO year-first is always recognised). */
export function findDate(text: string, order: DateOrder = 'DMY'): LocalDate | null {
  // Every line is asked; a line without a figure (most) holds no date, and is not searched three times for one.
  if (!HAS_DIGIT.test(text)) return null;
  const n = NUMERIC_DATE.exec(text);
  if (n !== null) {
    const [, a = '', , b = '', c = ''] = n;
    let d: LocalDate | null = null;
    if (a.length === 4) d = valid({ year: Number(a), month: Number(b), day: Number(c) });
    else if (order === 'MDY') d = valid({ year: fullYear(c), month: Number(a), day: Number(b) });
    else if (order === 'DMY') d = valid({ year: fullYear(c), month: Number(b), day: Number(a) });
    else d = valid({ year: fullYear(a), month: Number(b), day: Number(c) });
    if (d !== null) return d;
  }
  const named = NAMED_DMY.exec(text);
  if (named !== null) {
    const month = monthOf(named[2]!);
    if (month !== null) {
      const d = valid({ year: fullYear(named[3]!), month, day: Number(named[1]) });
      if (d !== null) return d;
    }
  }
  const us = NAMED_MDY.exec(text) ?? NAMED_MDY_APOSTROPHE.exec(text);
  if (us !== null) {
    const month = monthOf(us[1]!);
    if (month !== null) return valid({ year: fullYear(us[3]!), month, day: Number(us[2]) });
  }
  return null;
}

const TIME = /(?<![\d:.])([01]?\d|2[0-3])[:h](\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?(?![\d])/;

/**
 * A time with a point printed right after a date ("02.05.25 18.40", "02-May-2025 18.40", "26/07/25, ore 16.20"): alone, "18.40" is an amount; after a
 * date it is the time of day. rows.ts reads no amount from such a line.
 */
export const TIME_AFTER_DATE = /(?<![\d.])(?:\d{1,4}([./-])\d{1,2}\1\d{2,4}|\d{1,2}[ -][A-Za-zÀ-ÿ]{3,9}\.?[ -]\d{2,4}),?\s+(?:ore\s+|h\s*)?([01]?\d|2[0-3])\.([0-5]\d)(?![\d.,])/i;

/** First time of day printed in `text` ("14:32", "14:32:05", "2:32 PM", "14h32", "02.05.25 18.40"). */
export function findTime(text: string): LocalTime | null {
  if (!HAS_DIGIT.test(text)) return null;
  const m = TIME.exec(text);
  if (m === null) {
    const dotted = TIME_AFTER_DATE.exec(text);
    return dotted === null ? null : { hour: Number(dotted[2]), minute: Number(dotted[3]), second: 0 };
  }
  let hour = Number(m[1]);
  const minute = Number(m[2]);
  const second = m[3] === undefined ? 0 : Number(m[3]);
  if (minute > 59 || second > 59) return null;
  const meridiem = m[4]?.toLowerCase();
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) return null;
    if (meridiem === 'p' && hour !== 12) hour += 12;
    if (meridiem === 'a' && hour === 12) hour = 0;
  }
  return { hour, minute, second };
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone: building one costs far more than using it. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = offsetFormatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormatters.set(timeZone, f);
  }
  return f;
}

// Offsets change only on quarter-hour instants, so one lookup serves every receipt in the same quarter hour.
const QUARTER_HOUR = 15 * 60_000;
/** Per zone, offset by quarter hour since the epoch (numbers as keys: no key string to build per lookup). */
const offsetCache = new Map<string, Map<number, number>>();

/** Offset in minutes of `timeZone` at the UTC instant `utcMs`. */
function offsetAt(timeZone: string, utcMs: number): number {
  let zone = offsetCache.get(timeZone);
  if (zone === undefined) offsetCache.set(timeZone, (zone = new Map()));
  const quarter = Math.floor(utcMs / QUARTER_HOUR);
  let offset = zone.get(quarter);
  if (offset === undefined) {
    if (zone.size >= 10_000) zone.clear();
    offset = computeOffset(timeZone, quarter * QUARTER_HOUR);
    zone.set(quarter, offset);
  }
  return offset;
}

function computeOffset(timeZone: string, utcMs: number): number {
  // Date's local time is ICU's zone too: where the process runs in this very zone, it gives the offset without a
  // formatter (building one starts ICU's locale data: ~115 M instructions, the most of a one-receipt `parse --json`).
  // Only a zone Intl lists by that exact name: Date reads TZ case-sensitively and takes forms Intl refuses.
  if (timeZone === process.env.TZ && listedZone(timeZone)) return Math.round(-new Date(utcMs).getTimezoneOffset());
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(utcMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return Math.round((asUtc - utcMs) / 60000);
}

let listedZones: ReadonlySet<string> | undefined;

/** `timeZone` is one of the zones Intl lists (canonical names, exactly as listed): a lookup, no formatter to build. */
function listedZone(timeZone: string): boolean {
  listedZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  return listedZones.has(timeZone);
}

/**
 * Makes `timeZone` the process's own (TZ), when Intl lists it by that name, so that its offsets come from Date
 * (see computeOffset). For a command that shows no other local time: every Date's local time moves to that zone.
 */
export function adoptTimeZone(timeZone: string): void {
  if (listedZone(timeZone) && process.env.TZ !== timeZone) process.env.TZ = timeZone;
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  // A listed name, or any other that Intl takes (an alias such as Asia/Calcutta, UTC, another case).
  if (offsetFormatters.has(timeZone) || listedZone(timeZone)) return true;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * Local wall-clock time in `timeZone` → "YYYY-MM-DDTHH:MM:SS+HH:MM". Tills print no offset, so around a DST
 * change the offset in force before the change is used: in the repeated hour that is the first occurrence, and
 * in the skipped hour it is the offset the till's clock still had.
 */
export function toIsoLocal(date: LocalDate, time: LocalTime, timeZone: string): string {
  const wall = Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute, time.second);
  const day = 24 * 3600_000;
  const before = offsetAt(timeZone, wall - day);
  const after = offsetAt(timeZone, wall + day);
  const fits = (offset: number): boolean => offsetAt(timeZone, wall - offset * 60000) === offset;
  const offset = fits(before) || !fits(after) ? before : after;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return (
    `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}T${pad(time.hour)}:${pad(time.minute)}:${pad(time.second)}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}
