// Public face of the decoder: ESC/POS bytes to printed documents (see document.ts for the model).
export { Decoder, decode } from './decoder.js';
export { DecodeStream } from './stream.js';
export { DecoderOptionsError, type DecoderOptions } from './options.js';
export type * from './document.js';
