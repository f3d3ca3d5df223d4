// Decoder options: validated once here, at the edge, so the hot loop can trust every number it reads. Plain code
// rather than a schema library, so the decoder loads nothing it does not decode with (a process that only decodes
// stays small); setup-schema.ts builds the zod schema an install's printerSetup is read with from the same ranges.
import { PRINTER_MODELS, PRINTER_MODEL_NAMES, type PrinterModelName } from './models.js';
import { CHARACTER_ENCODINGS, CODE_PAGE_NUMBERINGS, DIALECTS, KANJI_ENCODINGS, type CodePageNumbering } from './setup-names.js';

export { CHARACTER_ENCODINGS, CODE_PAGE_NUMBERINGS, DIALECTS, KANJI_ENCODINGS, PRINTER_MODEL_NAMES };

export interface ResolvedOptions {
  /** Printable width in dots; 576 is 80 mm paper at 203 dpi. */
  paperWidth: number;
  /** Character grid used for span columns; 12 dots is the width of Font A. */
  gridDots: number;
  /** Initial `ESC t` value (also restored by `ESC @`), in the printer's own numbering. */
  codePage: number;
  /** Whose table the printer's `ESC t n` numbers follow: Epson's, or a maker's that numbers the same pages differently. */
  codePageNumbering: CodePageNumbering;
  /** Text encoding at power-on and after `ESC @`; `FS ( C` switches it (printers set to UTF-8 by memory switch). */
  characterEncoding: (typeof CHARACTER_ENCODINGS)[number];
  /** Largest image (bytes of 1 bpp bits) kept; larger images keep their size but lose their bits. */
  imageLimitBytes: number;
  /** Issues kept per document; the last one kept says how many more were dropped. */
  maxIssues: number;
  /** Blocks per document before it is force-split (a job of endless text must stay bounded). */
  maxBlocks: number;
  /** Multi-byte encoding used in Kanji mode (`FS &`) until `FS C` picks a Japanese code system. */
  kanjiEncoding: (typeof KANJI_ENCODINGS)[number];
  /** The printer's command language; `auto` recognises it from the stream. The library decodes ESC/POS unless told otherwise. */
  dialect: (typeof DIALECTS)[number];
  /** A printer model (models.ts): sets dialect, paperWidth and codePageNumbering where those are not given. */
  model?: PrinterModelName;
}

export type DecoderOptions = { [K in keyof ResolvedOptions]?: ResolvedOptions[K] | undefined };

/** Whole-number options and their ranges [min, max]. */
export const INTEGER_OPTIONS = {
  paperWidth: [64, 4096],
  gridDots: [1, 64],
  codePage: [0, 255],
  imageLimitBytes: [0, 256 * 1024 * 1024],
  maxIssues: [1, 100_000],
  maxBlocks: [16, 1_000_000],
} as const satisfies Partial<Record<keyof ResolvedOptions, readonly [number, number]>>;

/** Options that name one of a list. */
export const CHOICE_OPTIONS = {
  codePageNumbering: CODE_PAGE_NUMBERINGS,
  characterEncoding: CHARACTER_ENCODINGS,
  kanjiEncoding: KANJI_ENCODINGS,
  dialect: DIALECTS,
  model: PRINTER_MODEL_NAMES,
} as const satisfies Partial<Record<keyof ResolvedOptions, readonly string[]>>;

/** What an install's printer setup holds until the till selects otherwise, when neither it nor a model says. */
export const SETUP_DEFAULTS = {
  paperWidth: 576,
  codePage: 0,
  codePageNumbering: 'epson',
  characterEncoding: 'single-byte',
  kanjiEncoding: 'gbk',
} as const satisfies Partial<ResolvedOptions>;

const DEFAULTS: ResolvedOptions = {
  ...SETUP_DEFAULTS,
  gridDots: 12,
  imageLimitBytes: 4 * 1024 * 1024,
  maxIssues: 100,
  maxBlocks: 20_000,
  dialect: 'escpos',
};

export class DecoderOptionsError extends Error {
  override readonly name = 'DecoderOptionsError';
}

export function resolveOptions(opts: DecoderOptions | undefined): ResolvedOptions {
  const input = withModel(opts ?? {}) as Record<string, unknown>;
  const resolved: Record<string, unknown> = { ...DEFAULTS };
  const problems: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (Object.hasOwn(INTEGER_OPTIONS, key)) {
      if (value === undefined) continue;
      const [min, max] = INTEGER_OPTIONS[key as keyof typeof INTEGER_OPTIONS];
      if (typeof value !== 'number' || !Number.isInteger(value)) problems.push(`${key}: expected an integer, got ${describe(value)}`);
      else if (value < min || value > max) problems.push(`${key}: ${value} is outside ${min}..${max}`);
      else resolved[key] = value;
    } else if (Object.hasOwn(CHOICE_OPTIONS, key)) {
      if (value === undefined) continue;
      const choices: readonly string[] = CHOICE_OPTIONS[key as keyof typeof CHOICE_OPTIONS];
      if (typeof value !== 'string' || !choices.includes(value)) problems.push(`${key}: expected one of ${choices.join(', ')}, got ${describe(value)}`);
      else resolved[key] = value;
    } else {
      problems.push(`(options): unrecognized key "${key}"`);
    }
  }
  if (problems.length > 0) throw new DecoderOptionsError(`invalid decoder options: ${problems.join('; ')}`);
  return resolved as unknown as ResolvedOptions;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** A model's dialect, width and numbering under what the options say explicitly (explicit values win). */
function withModel(opts: DecoderOptions): DecoderOptions {
  const name = opts.model;
  if (name === undefined || !Object.hasOwn(PRINTER_MODELS, name)) return opts;
  const model = PRINTER_MODELS[name];
  const defined = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
  return { dialect: model.dialect, paperWidth: model.paperWidth, codePageNumbering: model.codePageNumbering, ...defined };
}
