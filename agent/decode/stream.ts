// The decoder as a Node Transform (like node-serialport's parsers): bytes in, PrintedDocument objects out.
import { Transform, type TransformCallback } from 'node:stream';
import { Decoder } from './dialect-decoder.js';
import type { DecoderOptions } from './options.js';

export class DecodeStream extends Transform {
  private readonly decoder: Decoder;

  constructor(opts?: DecoderOptions) {
    // Options are validated before the stream exists, so a bad option throws here rather than mid-stream.
    const decoder = new Decoder(opts);
    super({ readableObjectMode: true });
    this.decoder = decoder;
  }

  override _transform(chunk: Buffer | Uint8Array | string, _enc: BufferEncoding, done: TransformCallback): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
    for (const doc of this.decoder.write(bytes)) this.push(doc);
    done();
  }

  override _flush(done: TransformCallback): void {
    for (const doc of this.decoder.end()) this.push(doc);
    done();
  }
}
