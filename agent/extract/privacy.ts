// Card numbers and member identifiers never leave extraction unmasked. maskPans is applied to every text span
// before any other extraction step reads it, and is exported for the daemon and the logger to use on anything
// else they handle (raw text previews, error messages).
import { isbn13Valid } from './gtin.js';

/** Digits, optionally grouped by single spaces or dashes ("4111 1111 1111 1111"); at least 13 of them. */
const DIGIT_RUN = /(?<!\d)\d(?:[ -]?\d){12,}(?!\d)/g;
const MIN_PAN = 13;
const MAX_PAN = 19;

/** Luhn (mod 10) check over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Masks the card numbers inside one run of grouped digits. A PAN is a whole run, or a span of whole groups
 * within it ("1 4111 1111 1111 1111" after a quantity), of 13-19 digits passing Luhn. Every such span is
 * masked, overlapping ones too, so no candidate ever shows more than its last four digits.
 */
function maskRun(run: string): string {
  const parts = run.split(/([ -])/);
  const groups = parts.filter((_, i) => i % 2 === 0);
  const hide = groups.map((g) => new Array<boolean>(g.length).fill(false));
  let any = false;
  for (let start = 0; start < groups.length; start++) {
    let digits = '';
    for (let end = start; end < groups.length; end++) {
      digits += groups[end]!;
      if (digits.length > MAX_PAN) break;
      if (digits.length < MIN_PAN || !luhnValid(digits)) continue;
      // An ISBN-13 printed whole (one group) is a book, not a card: no scheme issues 13-digit card numbers under
      // Bookland's 978/979 (Visa's start with 4, Maestro's with 5 or 6). An EAN-13 is masked still: 4xx is Visa's,
      // 5xx and 6xx Maestro's, and nothing on the line can be trusted to tell an item from a tender.
      if (start === end && isbn13Valid(digits)) continue;
      any = true;
      // Hide all but the window's last four digits.
      let keep = 4;
      for (let g = end; g >= start; g--) {
        for (let c = groups[g]!.length - 1; c >= 0; c--) {
          if (keep > 0) keep--;
          else hide[g]![c] = true;
        }
      }
    }
  }
  if (!any) return run;
  return parts
    .map((part, i) => (i % 2 === 1 ? part : [...part].map((ch, c) => (hide[i / 2]![c] ? '*' : ch)).join('')))
    .join('');
}

/**
 * Masks every full card number (13-19 digits passing Luhn, optionally grouped) in `text` to its last four
 * digits. Deliberately conservative: a 13-digit EAN that happens to pass Luhn is masked too — privacy wins; only an
 * ungrouped ISBN-13 (978/979, valid check digit) is left whole, as no card number can take that shape.
 */
export function maskPans(text: string): string {
  if (text.length < MIN_PAN) return text;
  return text.replace(DIGIT_RUN, maskRun);
}

/**
 * A member / customer identifier as the basket stores it: '*' for every character but the last four
 * (separators dropped), whatever its length; short identifiers (4 or fewer) become all '*'.
 */
export function maskIdentifier(id: string): string {
  const compact = id.replace(/[\s-]/g, '');
  if (compact.length <= 4) return '*'.repeat(compact.length);
  return '*'.repeat(compact.length - 4) + compact.slice(-4);
}

/** A PAN as printed (masked or not, with '*', 'X' or '#' fill) → normalised "************1234", or null. */
export function normaliseMaskedPan(text: string): string | null {
  const compact = text.replace(/[\s-]/g, '');
  const m = /^([*Xx#•]{4,15}|\d{4,6}[*Xx#•]{2,12})(\d{4})$/.exec(compact);
  if (m === null) return null;
  return '*'.repeat(compact.length - 4) + m[2]!;
}

const DIGIT = (byte: number): boolean => byte >= 0x30 && byte <= 0x39;
const SEPARATOR = (byte: number): boolean => byte === 0x20 || byte === 0x2d;
const STAR = 0x2a;

/**
 * Masks, in place, every card number in raw print bytes the way maskPans masks text: the same digit runs, each
 * digit hidden becoming '*', so the bytes keep their length and every command its parameters. Digits are ASCII in
 * every code page a receipt printer uses, so this covers text, barcode data (GS k) and 2D-code data (GS ( k) alike;
 * re-decoding the masked bytes gives what extraction makes of the clear ones. Returns `bytes`.
 */
export function maskPansInBytes<Bytes extends Uint8Array>(bytes: Bytes): Bytes {
  if (bytes.length < MIN_PAN) return bytes;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  for (const match of text.matchAll(DIGIT_RUN)) {
    const run = match[0];
    const masked = maskRun(run);
    if (masked === run) continue;
    for (let i = 0; i < run.length; i++) if (masked.charCodeAt(i) === STAR && run.charCodeAt(i) !== STAR) bytes[match.index + i] = STAR;
  }
  return bytes;
}

/** The length of the digit run (digits with single separators, maybe one trailing) that ends `bytes`. */
function trailingRunLength(bytes: Uint8Array): number {
  let i = bytes.length;
  if (i > 0 && SEPARATOR(bytes[i - 1]!)) i--;
  if (i === 0 || !DIGIT(bytes[i - 1]!)) return 0;
  while (i > 0) {
    if (DIGIT(bytes[i - 1]!)) i--;
    else if (i > 1 && SEPARATOR(bytes[i - 1]!) && DIGIT(bytes[i - 2]!) && DIGIT(bytes[i]!)) i--;
    else break;
  }
  return bytes.length - i;
}

/** Longest stretch of a run held back waiting for the next chunk; windows of whole groups span at most 37 bytes. */
const MAX_HELD = 64;

/**
 * maskPansInBytes over a stream cut into arbitrary chunks: a digit run that may go on in the next chunk is held
 * back (at most MAX_HELD bytes of it) until it ends, so a card number split across chunks is masked whole. What
 * comes out is the stream masked, in order, byte for byte as long as what went in.
 */
export class PanMasker {
  /** Bytes already given out that a run still being held started in (only kept while a run is held). */
  #context: Buffer = Buffer.alloc(0);
  /** Bytes not given out yet, unmasked. */
  #held: Buffer = Buffer.alloc(0);

  /** Bytes held back, not given out yet. */
  get heldBytes(): number {
    return this.#held.length;
  }

  /**
   * The masked bytes that are settled now (possibly none; possibly some from earlier chunks). `chunk` is masked in
   * place when nothing is held (the common case, so a flood costs no copy): pass bytes that are yours to change.
   */
  write(chunk: Uint8Array): Buffer {
    const start = this.#context.length;
    const pending = this.#context.length + this.#held.length;
    const all = pending === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([this.#context, this.#held, chunk]);
    const settled = Math.max(start, all.length - Math.min(trailingRunLength(all), MAX_HELD));
    // What is held stays unmasked (its run may go on), so it is copied out before masking in place.
    this.#held = Buffer.from(all.subarray(settled));
    this.#context = this.#held.length === 0 ? Buffer.alloc(0) : Buffer.from(all.subarray(Math.max(0, settled - MAX_HELD), settled));
    maskPansInBytes(all);
    return all.subarray(start, settled);
  }

  /** The end of the stream: whatever is held, masked. */
  end(): Buffer {
    if (this.#held.length === 0) return Buffer.alloc(0);
    const start = this.#context.length;
    const masked = maskPansInBytes(Buffer.concat([this.#context, this.#held]));
    this.#context = Buffer.alloc(0);
    this.#held = Buffer.alloc(0);
    return masked.subarray(start);
  }
}
