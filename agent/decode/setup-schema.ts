// The zod schema an install's `printerSetup` is read with (agent/config.ts), built from the decoder's own option
// ranges (options.ts) so the two cannot disagree. Kept apart from options.ts so that decoding loads no zod.
import { z } from 'zod';
import { CHOICE_OPTIONS, INTEGER_OPTIONS, SETUP_DEFAULTS } from './options.js';

const integer = (key: keyof typeof INTEGER_OPTIONS) => z.number().int().min(INTEGER_OPTIONS[key][0]).max(INTEGER_OPTIONS[key][1]);

/**
 * What an install sets about its printer so the tap reads bytes as the printer prints them: the model, or the
 * command language, paper width and what holds until the till selects otherwise (power-on code page,
 * encoding, the maker's ESC t numbering). Without a model, what is not set is an 80 mm Epson's, and the
 * command language is recognised from the stream (`auto`); with one, the model fills in what is not set.
 */
export const printerSetupSchema = z
  .strictObject({
    paperWidth: integer('paperWidth').optional(),
    codePage: integer('codePage').optional(),
    codePageNumbering: z.enum(CHOICE_OPTIONS.codePageNumbering).optional(),
    characterEncoding: z.enum(CHOICE_OPTIONS.characterEncoding).optional(),
    kanjiEncoding: z.enum(CHOICE_OPTIONS.kanjiEncoding).optional(),
    dialect: z.enum(CHOICE_OPTIONS.dialect).optional(),
    model: z.enum(CHOICE_OPTIONS.model).optional(),
  })
  .transform((setup) => (setup.model === undefined ? { ...SETUP_DEFAULTS, dialect: 'auto' as const, ...setup } : setup));

export type PrinterSetup = z.output<typeof printerSetupSchema>;
