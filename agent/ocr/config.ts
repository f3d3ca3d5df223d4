// The `ocr` block of the agent config: whether raster-only receipts are read with OCR, and what that may cost.
// Validated once with the rest of the config (agent/config.ts); everything in ocr/ trusts these values.
import { z } from 'zod';

export const ocrConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Read receipts printed as pictures with OCR. Turn off on a till PC too weak for it. Default true.'),
    languages: z
      .array(z.string().regex(/^[a-z]{3}(_[a-z]+)?$/, 'a tesseract language code such as eng, deu, chi_sim'))
      .min(1)
      .default(['eng'])
      .describe('Tesseract languages, each installed as the npm package @tesseract.js-data/<code>. Default [eng].'),
    minImageShare: z
      .number()
      .min(0)
      .max(1)
      .default(0.6)
      .describe('A job is read with OCR when pictures cover at least this share of its printed area (text lines count a full line each). Default 0.6.'),
    jobTimeoutMs: z.number().int().min(1_000).default(60_000).describe('OCR of one job is stopped after this long. Default 60000.'),
    maxImagePixels: z
      .number()
      .int()
      .min(10_000)
      .default(576 * 12_000)
      .describe('A job whose pictures hold more dots than this is not read (bounds the OCR memory per job). Default 576 × 12000.'),
    memoryLimitMb: z
      .number()
      .int()
      .min(64)
      .default(768)
      .describe('When the process uses more memory than this after a job, the OCR engine is restarted to give its memory back. Default 768.'),
    maxQueue: z.number().int().min(1).default(64).describe('Jobs waiting for OCR beyond this are left for a later re-parse. Default 64.'),
    idleMs: z.number().int().min(1_000).default(120_000).describe('The OCR engine is stopped after this long with nothing to read. Default 120000.'),
  })
  .describe('OCR of receipts printed as pictures (graphical printer drivers).');

export type OcrConfig = z.output<typeof ocrConfigSchema>;

/** The defaults, for callers with no config file (parse, backfill, tests). */
export const DEFAULT_OCR_CONFIG: OcrConfig = ocrConfigSchema.parse({});
