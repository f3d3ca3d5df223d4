// Public face of the decoder: ESC/POS and Star bytes to printed documents (see document.ts for the model).
export { Decoder, decode } from './dialect-decoder.js';
export { DecodeStream } from './stream.js';
export {
  DecoderOptionsError,
  CODE_PAGE_NUMBERINGS,
  DIALECTS,
  PRINTER_MODEL_NAMES,
  type DecoderOptions,
} from './options.js';
// The zod schema of an install's printer setup is setup-schema.ts, imported by what reads configs: decoding
// alone never loads zod.
export type { PrinterSetup } from './setup-schema.js';
export { PRINTER_MODELS } from './models.js';
export type * from './document.js';
