// Traces that an item's description took in text that is not its name, or that a line read as an item's detail is
// an item of its own: a till prints an article's detail (its validity, seats, a code column, a count at a price) on
// or under its line, and a reading that joins it to the name, or files a sold line under a heading, still closes its
// sums. Each trace lowers confidence (checks.ts), never the reading itself.
import type { Item } from './basket.js';

/** A full date ("14/02/2026", "2025-08-10"): a validity or booking detail, never part of an article's name. */
const DATE_IN_NAME = /(?<![\d.,/-])(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2})(?![\d.,/-])/;

/** A list of whole numbers ("Row 9 Seat 8, 9"): seats, lanes or pitches, not a name (a decimal comma has no space). */
const NUMBER_LIST = /(?<![\d.,])\d{1,3},\s\d{1,3}(?![\d.,])/;

/** A code column before the name ("T02  Day pass", "4711  Soap"): a short code, then a column gap. */
const LEADING_CODE = /^[A-Z]{0,3}\d{2,}[A-Z]?\s{2,}\p{L}/u;

/**
 * A count at a unit price inside the name, printed apart ("Bubble Wrap (2 @ 3.99)", "Pins 3 x 1,20"), read as a count
 * of one. Not a deposit's name written close ("Pfand 2x0,25"), which is the name of one charge.
 */
const COUNT_AT_PRICE = /\d(?:\s+[x×]\s+|\s*@\s*)\d+[.,]\d\d(?!\d)/i;

/**
 * A lone consonant before a lower-case fragment ("lettini g g", "p om."): a word the till wrapped mid-word, joined with
 * a space. Not "Pick n Mix" (a word of its own before a capital), nor a unit after a figure ("Seil 25 m").
 */
const LONE_CONSONANT = /(?<![\d.,]\s?)(?:^|\s)[b-df-hj-np-tvwz]\s\p{Ll}/u;

/** A sub-line that starts with a count and a name ("3 x Gnocco fritto"): a sold line of its own under a heading. */
const COUNTED_LINE = /^\d+\s*(?:x|×)\s+\p{L}{2}/iu;

/** Two or more words each with its number ("Row 11 Seat 6", "Lane 4 Game 2"): a place, not a name. */
const NUMBERED_PLACES = /^(?:\p{L}+\.?:?\s?\d{1,4}[A-Z]?(?:,\s?\d{1,4})*\s*){2,}$/u;

/**
 * A size or colour word and its value ("Gr. 43", "Maat M  Kleur Wit", "Taille 38", "Colour: Navy", "Talla 42"): a
 * clothing or shoe till prints the article's variant on the line that carries its count and price, under its name.
 */
const ATTRIBUTE = /^(?:size|sz\.|colou?r|gr\.|gr(?:ö|oe)(?:ss|ß)e|farbe|maat|kleur|taille|couleur|coul\.|talla|color|taglia|tg\.|colore)(?!\p{L})\s*[:.]?\s*(?:[\p{L}\d-]|$)/iu;

/** A line that gives an article's size or colour, not its name (see ATTRIBUTE). */
export function attributeLine(text: string): boolean {
  return ATTRIBUTE.test(text);
}

/**
 * A count's sign at the edge of a name ("x 11,95", "Black pudding  2 x"): a quantity or a unit price the reading
 * did not take, left in the description. Not a pack size written close ("Cat food 12x").
 */
const COUNT_SIGN_AT_EDGE = /^[x×@]\s*\d|\s\d{1,4}\s[x×]$/iu;
/** Only a name that starts or ends with such a sign is tried: this runs for every item. */
function signAtEdge(d: string): boolean {
  const first = d.charCodeAt(0) | 32;
  const last = d.charCodeAt(d.length - 1) | 32;
  return first === 120 || first === 96 || last === 120 || d.startsWith('×') || d.endsWith('×');
}

/**
 * A line under an item that states its validity or its places ("valid 14/02 to 19/02/2026", "Row 7 Seat 12, 13"):
 * the article's detail, read as an unpriced modifier of it, never the rest of its name.
 */
export function detailLine(text: string): boolean {
  return DATE_IN_NAME.test(text) || NUMBER_LIST.test(text) || NUMBERED_PLACES.test(text);
}

/** Why an item's description or its sub-lines may hold what is not its name (undefined when nothing does). */
export function descriptionDoubt(item: Item): string | undefined {
  const d = item.description;
  if (DATE_IN_NAME.test(d)) return 'a date inside it, maybe a detail line joined to the name';
  if (NUMBER_LIST.test(d)) return 'a list of numbers inside it, maybe seats or places joined to the name';
  if (LEADING_CODE.test(d)) return 'a code column before the name';
  if (item.quantity === 1 && COUNT_AT_PRICE.test(d)) return 'a count at a unit price inside it, read as one';
  if (signAtEdge(d) && COUNT_SIGN_AT_EDGE.test(d)) return 'a count sign at its edge, maybe a quantity or price left unread';
  if (ATTRIBUTE.test(d)) return 'a size or colour read as the name, maybe the name is on a line of its own';
  if (LONE_CONSONANT.test(d)) return 'a lone letter inside it, maybe a word wrapped mid-word';
  if (item.modifiers.some((m) => COUNTED_LINE.test(m.description))) return 'a counted line under it, maybe an item of its own';
  return undefined;
}
