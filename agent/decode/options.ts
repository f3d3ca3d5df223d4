// Decoder options: validated once here, at the edge, so the hot loop can trust every number it reads.
import { z } from 'zod';
import { PRINTER_MODELS, PRINTER_MODEL_NAMES } from './models.js';
import { CHARACTER_ENCODINGS, CODE_PAGE_NUMBERINGS, DIALECTS, KANJI_ENCODINGS } from './setup-names.js';

export { CHARACTER_ENCODINGS, CODE_PAGE_NUMBERINGS, DIALECTS, KANJI_ENCODINGS, PRINTER_MODEL_NAMES };

/** What an install can set about its printer, without defaults (a model fills in what is not set). */
const setupFields = {
  /** Printable width in dots; 576 is 80 mm paper at 203 dpi. */
  paperWidth: z.number().int().min(64).max(4096),
  /** Initial `ESC t` value (also restored by `ESC @`), in the printer's own numbering. */
  codePage: z.number().int().min(0).max(255),
  /** Whose table the printer's `ESC t n` numbers follow: Epson's, or a maker's that numbers the same pages differently. */
  codePageNumbering: z.enum(CODE_PAGE_NUMBERINGS),
  /** Text encoding at power-on and after `ESC @`; `FS ( C` switches it (printers set to UTF-8 by memory switch). */
  characterEncoding: z.enum(CHARACTER_ENCODINGS),
  /** Multi-byte encoding used in Kanji mode (`FS &`) until `FS C` picks a Japanese code system. */
  kanjiEncoding: z.enum(KANJI_ENCODINGS),
  /** The printer's command language; `auto` recognises it from the stream. */
  dialect: z.enum(DIALECTS),
  /** A printer model (models.ts): sets dialect, paperWidth and codePageNumbering where those are not given. */
  model: z.enum(PRINTER_MODEL_NAMES),
};

const SETUP_DEFAULTS = {
  paperWidth: 576,
  codePage: 0,
  codePageNumbering: 'epson',
  characterEncoding: 'single-byte',
  kanjiEncoding: 'gbk',
} as const;

const decoderOptionsSchema = z
  .object({
    paperWidth: setupFields.paperWidth.default(SETUP_DEFAULTS.paperWidth),
    /** Character grid used for span columns; 12 dots is the width of Font A. */
    gridDots: z.number().int().min(1).max(64).default(12),
    codePage: setupFields.codePage.default(SETUP_DEFAULTS.codePage),
    codePageNumbering: setupFields.codePageNumbering.default(SETUP_DEFAULTS.codePageNumbering),
    characterEncoding: setupFields.characterEncoding.default(SETUP_DEFAULTS.characterEncoding),
    /** Largest image (bytes of 1 bpp bits) kept; larger images keep their size but lose their bits. */
    imageLimitBytes: z.number().int().min(0).max(256 * 1024 * 1024).default(4 * 1024 * 1024),
    /** Issues kept per document; the last one kept says how many more were dropped. */
    maxIssues: z.number().int().min(1).max(100_000).default(100),
    /** Blocks per document before it is force-split (a job of endless text must stay bounded). */
    maxBlocks: z.number().int().min(16).max(1_000_000).default(20_000),
    kanjiEncoding: setupFields.kanjiEncoding.default(SETUP_DEFAULTS.kanjiEncoding),
    /** The library decodes ESC/POS unless told otherwise; a link's printerSetup defaults to auto. */
    dialect: setupFields.dialect.default('escpos'),
    model: setupFields.model.optional(),
  })
  .strict();

/**
 * What an install sets about its printer so the tap reads bytes as the printer prints them: the model, or the
 * command language, paper width and what holds until the till selects otherwise (power-on code page,
 * encoding, the maker's ESC t numbering). Without a model, what is not set is an 80 mm Epson's, and the
 * command language is recognised from the stream (`auto`); with one, the model fills in what is not set.
 */
export const printerSetupSchema = z
  .strictObject({
    paperWidth: setupFields.paperWidth.optional(),
    codePage: setupFields.codePage.optional(),
    codePageNumbering: setupFields.codePageNumbering.optional(),
    characterEncoding: setupFields.characterEncoding.optional(),
    kanjiEncoding: setupFields.kanjiEncoding.optional(),
    dialect: setupFields.dialect.optional(),
    model: setupFields.model.optional(),
  })
  .transform((setup) => (setup.model === undefined ? { ...SETUP_DEFAULTS, dialect: 'auto' as const, ...setup } : setup));

export type PrinterSetup = z.output<typeof printerSetupSchema>;
export type DecoderOptions = z.input<typeof decoderOptionsSchema>;
export type ResolvedOptions = z.output<typeof decoderOptionsSchema>;

export class DecoderOptionsError extends Error {
  override readonly name = 'DecoderOptionsError';
}

export function resolveOptions(opts: DecoderOptions | undefined): ResolvedOptions {
  const parsed = decoderOptionsSchema.safeParse(withModel(opts ?? {}));
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
    throw new DecoderOptionsError(`invalid decoder options: ${detail}`);
  }
  return parsed.data;
}

/** A model's dialect, width and numbering under what the options say explicitly (explicit values win). */
function withModel(opts: DecoderOptions): DecoderOptions {
  const name = opts.model;
  if (name === undefined || !Object.hasOwn(PRINTER_MODELS, name)) return opts;
  const model = PRINTER_MODELS[name];
  const defined = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
  return { dialect: model.dialect, paperWidth: model.paperWidth, codePageNumbering: model.codePageNumbering, ...defined };
}
