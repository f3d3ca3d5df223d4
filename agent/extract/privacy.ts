// Card numbers and member identifiers never leave extraction unmasked. maskPans is applied to every text span
// before any other extraction step reads it, and is exported for the daemon and the logger to use on anything
// else they handle (raw text previews, error messages).

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
 * digits. Deliberately conservative: a 13-digit EAN that happens to pass Luhn is masked too — privacy wins.
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
