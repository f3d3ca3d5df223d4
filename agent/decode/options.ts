// Decoder options: validated once here, at the edge, so the hot loop can trust every number it reads.
import { z } from 'zod';
import { CODE_PAGE_NUMBERINGS } from './code-page-numbering.js';
import { PRINTER_MODELS, PRINTER_MODEL_NAMES } from './models.js';

export { CODE_PAGE_NUMBERINGS, PRINTER_MODEL_NAMES };

/** Command languages a printer may be set to; `auto` recognises the language from the stream itself. */
export const DIALECTS = ['escpos', 'star-line', 'star-prnt', 'auto'] as const;

export const KANJI_ENCODINGS = ['shift_jis', 'gbk', 'big5', 'euc-kr'] as const;
export const CHARACTER_ENCODINGS = ['single-byte', 'utf-8'] as const;

const decoderOptionsSchema = z
  .object({
    /** Printable width in dots; 576 is 80 mm paper at 203 dpi. */
    paperWidth: z.number().int().min(64).max(4096).default(576),
    /** Character grid used for span columns; 12 dots is the width of Font A. */
    gridDots: z.number().int().min(1).max(64).default(12),
    /** Initial `ESC t` value (also restored by `ESC @`), in the printer's own numbering. */
    codePage: z.number().int().min(0).max(255).default(0),
    /** Whose table the printer's `ESC t n` numbers follow: Epson's, or a vendor's that numbers the same pages differently. */
    codePageNumbering: z.enum(CODE_PAGE_NUMBERINGS).default('epson'),
    /** Text encoding at power-on and after `ESC @`; `FS ( C` switches it (printers set to UTF-8 by memory switch). */
    characterEncoding: z.enum(CHARACTER_ENCODINGS).default('single-byte'),
    /** Largest image (bytes of 1 bpp bits) kept; larger images keep their size but lose their bits. */
    imageLimitBytes: z.number().int().min(0).max(256 * 1024 * 1024).default(4 * 1024 * 1024),
    /** Issues kept per document; the last one kept says how many more were dropped. */
    maxIssues: z.number().int().min(1).max(100_000).default(100),
    /** Blocks per document before it is force-split (a job of endless text must stay bounded). */
    maxBlocks: z.number().int().min(16).max(1_000_000).default(20_000),
    /** Multi-byte encoding used in Kanji mode (`FS &`) until `FS C` picks a Japanese code system. */
    kanjiEncoding: z.enum(KANJI_ENCODINGS).default('gbk'),
    /** The printer's command language; a model's when `model` is given and this is not. */
    dialect: z.enum(DIALECTS).default('escpos'),
    /** A printer model (models.ts): sets dialect, paperWidth and codePageNumbering where those are not given. */
    model: z.enum(PRINTER_MODEL_NAMES).optional(),
  })
  .strict();

/**
 * What an install sets about its printer so the tap reads bytes as the printer prints them: paper width and
 * what holds until the till selects otherwise (power-on code page, encoding, the maker's ESC t numbering).
 */
export const printerSetupSchema = decoderOptionsSchema
  .pick({
    paperWidth: true,
    codePage: true,
    codePageNumbering: true,
    characterEncoding: true,
    kanjiEncoding: true,
    dialect: true,
    model: true,
  })
  .partial()
  // An install that names neither a dialect nor a model gets detection: Star and ESC/POS tills both just work.
  .transform((setup) => (setup.dialect === undefined && setup.model === undefined ? { ...setup, dialect: 'auto' as const } : setup));

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
