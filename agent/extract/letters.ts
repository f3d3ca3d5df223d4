// A letter, as the label expressions' word boundaries see it ("TOTAL" is a word in "TOTAL 9.35" and in "SUB-TOTAL",
// not in "TOTALE"): written out, for the scripts posbridge's code pages print (Latin, Greek, Cyrillic), instead of
// \p{L}. In a case-insensitive Unicode expression V8 builds \p{L} from ICU's tables and closes it over case (every
// one of ~130,000 letters) each time such an expression is compiled: the extractor's label, id and deposit
// expressions took ~60 M instructions to compile that way, a sixth of `posbridge parse --json` of one receipt. The
// class below is \p{L} exactly within U+0000-U+052F and U+1E00-U+1EFF (test/extract/letters.test.ts); a letter of
// another script (Hebrew, Arabic, Thai, kana, CJK) beside a label word counts as a separator.
const LATIN =
  'A-Za-z\\u00aa\\u00b5\\u00ba\\u00c0-\\u00d6\\u00d8-\\u00f6\\u00f8-\\u02c1\\u02c6-\\u02d1\\u02e0-\\u02e4\\u02ec\\u02ee\\u1e00-\\u1eff';
const GREEK = '\\u0370-\\u0374\\u0376\\u0377\\u037a-\\u037d\\u037f\\u0386\\u0388-\\u038a\\u038c\\u038e-\\u03a1\\u03a3-\\u03f5';
const CYRILLIC = '\\u03f7-\\u0481\\u048a-\\u052f'; // from the last Greek letters (U+03F7-U+03FF) on

/** The letters, as the inside of a character class: `[${LETTER}]`, `[^${LETTER}]`. */
export const LETTER = `${LATIN}${GREEK}${CYRILLIC}`;
