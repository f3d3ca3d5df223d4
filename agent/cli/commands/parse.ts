// `posbridge parse`: its arguments, options and help. The work is in ../parse.ts, loaded when the command runs.
import { type Command, Option } from 'commander';
import { CODE_PAGE_NUMBERINGS, DIALECTS, KANJI_ENCODINGS } from '../../decode/setup-names.js';
import { PRINTER_MODEL_NAMES } from '../../decode/models.js';
import { DEFAULT_TIMEZONE } from '../../extract/dates.js';
import type { ParseOptions } from '../parse.js';
import { collect, wholeNumber } from './arguments.js';

/** The document formats of `--format`; ../parse.ts has one writer for each. */
export const PARSE_FORMATS = ['text', 'json', 'html'] as const;
export type ParseFormat = (typeof PARSE_FORMATS)[number];

export function register(program: Command): void {
  program
    .command('parse')
    .description('decode captured ESC/POS or Star jobs and print each one as text, document JSON (one per line) or an HTML preview; --json prints one basket per receipt')
    .argument('<files...>', 'raw print-job captures; a file may hold several jobs split on paper cuts')
    .addOption(new Option('-f, --format <format>', 'output format').choices(PARSE_FORMATS).default('text'))
    .option('--paper-width <dots>', 'printable width in dots (576 for 80 mm paper, 384 for 58 mm)', wholeNumber, 576)
    .option('--code-page <n>', 'ESC t code page in force before the job selects one (printer setting)', wholeNumber, 0)
    .option('--json', 'extract baskets: one JSON object per receipt, one per line (JSON Lines)')
    .option('--document', 'with --json: print the decoded documents instead of baskets (same as --format json)')
    .option('--timezone <zone>', 'IANA timezone of the till clock, for basket times', DEFAULT_TIMEZONE)
    .option('--currency <code>', 'ISO 4217 currency of the store, for receipts that print none (default: inferred per receipt)')
    .option('--locale <tag>', 'locale of the store (en-GB, en-US, de-DE, fr-FR...): date order, decimal separator, language (default: inferred)')
    .option('--profile <path>', 'layout profile file or folder of profiles for basket extraction (repeatable)', collect)
    .addOption(new Option('--kanji <encoding>', 'multi-byte encoding for Kanji mode (FS &)').choices(KANJI_ENCODINGS))
    .addOption(
      new Option('--code-page-numbering <maker>', "whose ESC t numbers the printer uses (printer setting; default epson, or the model's)").choices(
        CODE_PAGE_NUMBERINGS,
      ),
    )
    .addOption(new Option('--dialect <name>', 'command language the printer speaks (default auto: recognised from the bytes)').choices(DIALECTS))
    .addOption(new Option('--model <name>', 'printer model: sets dialect, paper width and code-page numbering in one word').choices(PRINTER_MODEL_NAMES))
    .option('--utf8', 'the printer starts in UTF-8 rather than a code page (printer setting; FS ( C switches it too)')
    .action(async (files: string[], options: ParseOptions, command: Command) => (await import('../parse.js')).parse(files, options, command));
}
