// `posbridge parse FILE...`: decode captured print jobs and show them as text, document JSON or an HTML preview,
// or (`--json`) extract one basket per receipt as JSON Lines. Documents are decoded from files read in chunks and
// written as soon as the decoder completes them, so a capture of any size runs in bounded memory.
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { printsSomething } from '../capture/printed.js';
import { Decoder, DecoderOptionsError, type DecoderOptions, type PrintedDocument } from '../decode/index.js';
import { basketsFromFile, DEFAULT_TIMEZONE, loadProfiles, localeInfo, type LayoutProfile } from '../extract/index.js';
import { isTimeZone } from '../extract/dates.js';
import { CODE_PAGE_NUMBERINGS, DIALECTS, KANJI_ENCODINGS, PRINTER_MODEL_NAMES, resolveOptions } from '../decode/options.js';
import { PanMasker } from '../extract/privacy.js';
import { documentHtml, htmlHead, htmlTail } from '../render/html.js';
import { renderJson } from '../render/json.js';
import { renderText } from '../render/text.js';

/** How one output format lays documents out; the only place a format is chosen. */
interface Output {
  readonly start: () => string;
  readonly document: (doc: PrintedDocument, file: string, job: number) => string;
  readonly finish: () => string;
}

const OUTPUTS = {
  text: {
    start: () => '',
    document: (doc, file, job) => `=== ${file} job ${job} (bytes ${doc.start}-${doc.end}) ===\n${renderText(doc)}`,
    finish: () => '',
  },
  // JSON Lines: one document per line, in input order.
  json: { start: () => '', document: (doc) => `${renderJson(doc)}\n`, finish: () => '' },
  html: { start: () => htmlHead(), document: (doc, file, job) => documentHtml(doc, `${file} · job ${job}`), finish: htmlTail },
} satisfies Record<string, Output>;

type Format = keyof typeof OUTPUTS;

interface ParseOptions {
  format: Format;
  json?: boolean;
  document?: boolean;
  timezone: string;
  currency?: string;
  locale?: string;
  profile?: string[];
  paperWidth: number;
  codePage: number;
  kanji?: DecoderOptions['kanjiEncoding'];
  codePageNumbering?: DecoderOptions['codePageNumbering'];
  utf8?: boolean;
  dialect?: DecoderOptions['dialect'];
  model?: DecoderOptions['model'];
}

/**
 * Documents of one capture file that put something on paper, yielded as the decoder completes them: status
 * polls, or an initialise or feed after the last cut, are not shown as empty slips.
 */
export async function* decodeFile(path: string, options?: DecoderOptions): AsyncGenerator<PrintedDocument> {
  const decoder = new Decoder(options);
  // Card numbers are masked in the bytes first, as the daemon stores them, so no preview ever shows one.
  const masker = new PanMasker();
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
    yield* decoder.write(masker.write(chunk as Buffer)).filter(printsSomething);
  }
  yield* decoder.write(masker.end()).filter(printsSomething);
  yield* decoder.end().filter(printsSomething);
}

/** Writes to stdout, waiting when the reader is slower than the decoder. */
async function write(text: string): Promise<void> {
  if (text.length > 0 && !process.stdout.write(text)) await once(process.stdout, 'drain');
}

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number.');
  return Number(value);
}

async function parse(files: string[], options: ParseOptions, command: Command): Promise<void> {
  const decoderOptions: DecoderOptions = {
    codePage: options.codePage,
    characterEncoding: options.utf8 === true ? 'utf-8' : 'single-byte',
    // With neither --dialect nor --model the language is recognised from each file, as a link's `auto` does.
    dialect: options.dialect ?? (options.model === undefined ? 'auto' : undefined),
  };
  // A model sets width and numbering; only what was given on the command line overrides it.
  const widthGiven = command.getOptionValueSource('paperWidth') === 'cli';
  if (options.model === undefined || widthGiven) decoderOptions.paperWidth = options.paperWidth;
  if (options.codePageNumbering !== undefined) decoderOptions.codePageNumbering = options.codePageNumbering;
  if (options.model !== undefined) decoderOptions.model = options.model;
  if (options.kanji !== undefined) decoderOptions.kanjiEncoding = options.kanji;
  try {
    resolveOptions(decoderOptions);
  } catch (err) {
    if (err instanceof DecoderOptionsError) command.error(`error: ${err.message}`);
    throw err;
  }
  const baskets = options.json === true && options.document !== true;
  // `--json --document` keeps the document JSON of `--format json`.
  if (options.json === true && !baskets) options.format = 'json';
  let profiles: LayoutProfile[] = [];
  if (baskets) {
    if (!isTimeZone(options.timezone)) command.error(`error: --timezone '${options.timezone}' is not an IANA timezone`);
    if (options.currency !== undefined && !/^[A-Z]{3}$/.test(options.currency)) command.error(`error: --currency '${options.currency}' is not an ISO 4217 code such as GBP`);
    if (options.locale !== undefined && localeInfo(options.locale) === null) command.error(`error: --locale '${options.locale}' is not a locale such as en-GB or de-DE`);
    try {
      profiles = loadProfiles(options.profile ?? []);
    } catch (err) {
      command.error(`error: ${(err as Error).message}`);
    }
  }
  // A reader that stops early (`| head`) is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });

  if (baskets) {
    await writeBaskets(files, {
      profiles,
      timezone: options.timezone,
      decoder: decoderOptions,
      ...(options.currency !== undefined && { currency: options.currency }),
      ...(options.locale !== undefined && { locale: options.locale }),
    });
    return;
  }
  const output: Output = OUTPUTS[options.format];
  await write(output.start());
  for (const file of files) {
    let job = 0;
    try {
      for await (const doc of decodeFile(file, decoderOptions)) await write(output.document(doc, file, ++job));
    } catch (err) {
      process.exitCode = 1;
      process.stderr.write(`posbridge parse: ${file}: ${(err as Error).message}\n`);
    }
  }
  await write(output.finish());
}

/** One basket per receipt, one JSON object per line, in input order; ids are stable (sha256 of the job bytes). */
async function writeBaskets(files: string[], options: Parameters<typeof basketsFromFile>[1]): Promise<void> {
  for (const file of files) {
    try {
      for (const basket of await basketsFromFile(file, options)) await write(`${JSON.stringify(basket)}\n`);
    } catch (err) {
      process.exitCode = 1;
      process.stderr.write(`posbridge parse: ${file}: ${(err as Error).message}\n`);
    }
  }
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function register(program: Command): void {
  program
    .command('parse')
    .description('decode captured ESC/POS or Star jobs and print each one as text, document JSON (one per line) or an HTML preview; --json prints one basket per receipt')
    .argument('<files...>', 'raw print-job captures; a file may hold several jobs split on paper cuts')
    .addOption(new Option('-f, --format <format>', 'output format').choices(Object.keys(OUTPUTS)).default('text'))
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
    .action((files: string[], options: ParseOptions, command: Command) => parse(files, options, command));
}
