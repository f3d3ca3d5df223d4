// Whether printed text was decoded in another code page than the one it was printed in. A printer whose maker
// numbers its ESC t pages its own way (an Elgin's ESC t 1 is Windows-1252, Epson's ESC t 1 Katakana), decoded
// without its printer setup, prints its accented letters as katakana, kanji, box graphics or letters of another
// alphabet: "Kübelpflanzenerde" comes out "K村belpflanzenerde". The sums still close, so only the words can tell.
// A letter no page of the printer holds is printed as '?' by the encoder: lost the same way.

/**
 * One or two characters of a script no Latin word is written with, between two Latin letters: kana and CJK
 * (U+3000-U+9FFF, half-width katakana), box drawing, blocks and geometric shapes, Greek, Cyrillic, Hebrew, Arabic,
 * Thai. Japanese beside Latin letters ("Tｼｬﾂ"), a boxed title ("╔ Bestseller ╗") or a micro sign ("500µg") never
 * sits between two Latin letters.
 */
const FOREIGN_INSIDE_LATIN =
  /\p{Script=Latin}[\u0370-\u06ff\u0e00-\u0e7f\u2500-\u25ff\u2600-\u26ff\u3000-\u9fff\uff61-\uff9f]{1,2}\p{Script=Latin}/u;

/**
 * A division sign or a superscript inside a word: a Windows-1252 page decoded as a DOS one ("Geh÷lze", "fⁿr"), where
 * the DOS page has signs at the codes of 1252's accented letters.
 */
const SIGN_INSIDE_LATIN = /\p{Script=Latin}[\u00f7\u2070-\u209f]\p{Script=Latin}/u;
/**
 * A '?' for a letter: encoders print it for a character the printer's code page lacks ("phở" as "ph?", "Łódź" as
 * "?ódź"), inside a word, at its end or at its start; a question mark apart from a word is punctuation.
 */
const UNPRINTABLE_LETTER = /\p{Script=Latin}\?(?:\p{Script=Latin}|\s|$)|(?:^|\s)\?\p{Script=Latin}/u;

/** True when a word of `text` mixes Latin letters with another script's characters inside it. */
export function misreadInCodePage(text: string): boolean {
  return FOREIGN_INSIDE_LATIN.test(text) || SIGN_INSIDE_LATIN.test(text) || UNPRINTABLE_LETTER.test(text);
}
