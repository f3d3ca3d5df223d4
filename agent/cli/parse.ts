// `posbridge parse FILE...`: decode captured print jobs and show them as text, document JSON or an HTML preview,
// or (`--json`) extract one basket per receipt as JSON Lines. Every format streams: files are read in chunks and
// each job is written as soon as the decoder completes it, with V8's young generation held small
// (young-generation.ts), so a capture of any size runs in the memory of a small one and the first receipt shows
// while the rest is still being read. Only what the chosen format needs is loaded: the renderer of that format, and
// the extractor only for baskets.
import { once } from 'node:events';
import type { Command } from './commander.js';
import type { PrintedDocument } from '../decode/document.js';
import { DecoderOptionsError, resolveOptions, type DecoderOptions } from '../decode/options.js';
import { adoptTimeZone, isTimeZone } from '../extract/dates.js';
import type { LayoutProfile } from '../extract/profile.js';
import { documentsOf, jobsOf } from './capture-file.js';
import type { ParseFormat } from './main.js';
import { holdYoungGenerationOnceGrown, whileYoungGenerationHeld } from './young-generation.js';

/** How one output format lays documents out; the only place a format is chosen. */
interface Output {
  readonly start: () => string;
  readonly document: (doc: PrintedDocument, file: string, job: number) => string;
  readonly finish: () => string;
}

/** Each format's writer, with its renderer loaded only when that format is asked for. */
const OUTPUTS: Record<ParseFormat, () => Promise<Output>> = {
  text: async () => {
    const { renderText } = await import('../render/text.js');
    return {
      start: () => '',
      document: (doc, file, job) => `=== ${file} job ${job} (bytes ${doc.start}-${doc.end}) ===\n${renderText(doc)}`,
      finish: () => '',
    };
  },
  // JSON Lines: one document per line, in input order.
  json: async () => {
    const { renderJson } = await import('../render/json.js');
    return { start: () => '', document: (doc) => `${renderJson(doc)}\n`, finish: () => '' };
  },
  html: async () => {
    const { documentHtml, htmlHead, htmlTail } = await import('../render/html.js');
    return { start: () => htmlHead(), document: (doc, file, job) => documentHtml(doc, `${file} · job ${job}`), finish: htmlTail };
  },
};

export interface ParseOptions {
  format: ParseFormat;
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

/** What basket extraction is given besides the bytes: the store's context and the layout profiles. */
interface BasketOptions {
  profiles: LayoutProfile[];
  timezone: string;
  currency?: string;
  locale?: string;
  decoder: DecoderOptions;
}

/**
 * The young generation held while jobs stream (young-generation.ts): the least that keeps what a job has alive
 * across a scavenge out of the old generation, as measured on 50 MB of receipts (peak RSS: text held at 4 MiB 59 MiB,
 * at 8 MiB 64; baskets at 4 MiB 96 MiB, at 8 MiB 75).
 */
const DOCUMENTS_YOUNG_MIB = 4;
const BASKETS_YOUNG_MIB = 8;

/** Writes to stdout, waiting when the reader is slower than the decoder. */
async function write(text: string): Promise<void> {
  holdYoungGenerationOnceGrown();
  if (text.length > 0 && !process.stdout.write(text)) await once(process.stdout, 'drain');
}

function fileFailed(file: string, err: unknown): void {
  process.exitCode = 1;
  process.stderr.write(`posbridge parse: ${file}: ${(err as Error).message}\n`);
}

export async function parse(files: string[], options: ParseOptions, command: Command): Promise<void> {
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
  // Checked whatever the output: only baskets use them, but a mistyped one is an error, not silently ignored.
  if (options.currency !== undefined && !/^[A-Z]{3}$/.test(options.currency)) command.error(`error: --currency '${options.currency}' is not an ISO 4217 code such as GBP`);
  if (options.locale !== undefined && (await import('../extract/context.js')).localeInfo(options.locale) === null) {
    command.error(`error: --locale '${options.locale}' is not a locale such as en-GB or de-DE`);
  }
  let basketOptions: BasketOptions | undefined;
  if (baskets) {
    if (!isTimeZone(options.timezone)) command.error(`error: --timezone '${options.timezone}' is not an IANA timezone`);
    // The till clock's zone becomes the process's own: basket times then take their offsets from Date, without
    // starting Intl's formatter (parse shows no other local time).
    adoptTimeZone(options.timezone);
    let profiles: LayoutProfile[] = [];
    try {
      // The loader (YAML, zod) only when there are profiles to load.
      if (options.profile !== undefined) profiles = (await import('../extract/profile.js')).loadProfiles(options.profile);
    } catch (err) {
      command.error(`error: ${(err as Error).message}`);
    }
    basketOptions = {
      profiles,
      timezone: options.timezone,
      decoder: decoderOptions,
      ...(options.currency !== undefined && { currency: options.currency }),
      ...(options.locale !== undefined && { locale: options.locale }),
    };
  }
  // A reader that stops early (`| head`) is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });

  if (basketOptions !== undefined) return writeBaskets(files, basketOptions);
  const output = await OUTPUTS[options.format]();
  await whileYoungGenerationHeld(DOCUMENTS_YOUNG_MIB, async () => {
    await write(output.start());
    for (const file of files) {
      let job = 0;
      try {
        for await (const doc of documentsOf(file, decoderOptions)) await write(output.document(doc, file, ++job));
      } catch (err) {
        fileFailed(file, err);
      }
    }
    await write(output.finish());
  });
}

/**
 * One basket per receipt, one JSON object per line, in input order, each written as its job ends. Ids are stable
 * (sha256 of the job's bytes) and the baskets are those extract's basketsFromFile gives for the whole file.
 */
async function writeBaskets(files: string[], options: BasketOptions): Promise<void> {
  const { documentId, extractBasket } = await import('../extract/extract-basket.js');
  const { profiles, timezone, currency, locale } = options;
  await whileYoungGenerationHeld(BASKETS_YOUNG_MIB, async () => {
    for (const file of files) {
      try {
        for await (const { doc, bytes } of jobsOf(file, options.decoder)) {
          // documentId hashes a document's range of the bytes given; here those bytes are the job's alone.
          const id = documentId(bytes, { ...doc, start: 0, end: bytes.length });
          const basket = extractBasket(doc, { id, profiles, timezone, ...(currency !== undefined && { currency }), ...(locale !== undefined && { locale }) });
          if (basket !== null) await write(`${JSON.stringify(basket)}\n`);
        }
      } catch (err) {
        fileFailed(file, err);
      }
    }
  });
}
