// The words a printer setup is written in (command languages, encodings, makers' ESC t numberings), with no
// code behind them: the command line lists them in its help without loading the decoder or its validation.
// options.ts and code-page-numbering.ts re-export them where the rest of the code has always found them.

/** Command languages a printer may be set to; `auto` recognises the language from the stream itself. */
export const DIALECTS = ['escpos', 'star-line', 'star-prnt', 'auto'] as const;

export const KANJI_ENCODINGS = ['shift_jis', 'gbk', 'big5', 'euc-kr'] as const;
export const CHARACTER_ENCODINGS = ['single-byte', 'utf-8'] as const;

export const CODE_PAGE_NUMBERINGS = [
  'epson',
  'bematech',
  'daruma',
  'elgin',
  'generic',
  'star',
  'xprinter',
  'bixolon',
  'bixolon-legacy',
  'citizen',
  'sunmi',
  'hp',
  'fujitsu',
  'metapace',
  'pos-5890',
  'pos-8360',
] as const;
export type CodePageNumbering = (typeof CODE_PAGE_NUMBERINGS)[number];
