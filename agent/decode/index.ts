// Public face of the decoder: ESC/POS bytes to printed documents (see document.ts for the model).
export { Decoder, decode } from './decoder.js';
export { DecodeStream } from './stream.js';
export { DecoderOptionsError, printerSetupSchema, CODE_PAGE_NUMBERINGS, type DecoderOptions, type PrinterSetup } from './options.js';
export type * from './document.js';
