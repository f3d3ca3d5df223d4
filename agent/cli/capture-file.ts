// A capture file read the way a link reads the wire: in chunks, through the streaming decoder, each job given out
// as soon as the decoder completes it. Memory stays bounded by the largest job, whatever the file's size.
import { createReadStream } from 'node:fs';
import { printsSomething } from '../capture/printed.js';
// The decoder's own modules, not decode/index.js: the index also loads the Transform stream, which files do not need.
import { Decoder } from '../decode/dialect-decoder.js';
import type { PrintedDocument } from '../decode/document.js';
import type { DecoderOptions } from '../decode/options.js';
import { PanMasker } from '../extract/privacy.js';

/**
 * Bytes read at a time; the decoder's output does not depend on it. The decoder hands out every job a chunk
 * completes at once, so a chunk's documents are all alive until the last is written: 16 KiB keeps that to a few
 * receipts, which the small young generation parse holds (young-generation.ts) takes in (64 KiB kept dozens, and they
 * survived into the old generation as garbage: `parse --format text` of 50 MB peaked 35 MiB higher).
 */
export const CHUNK_BYTES = 16 * 1024;

function chunksOf(path: string): AsyncIterable<Buffer> {
  return createReadStream(path, { highWaterMark: CHUNK_BYTES });
}

/**
 * Documents of one capture file that put something on paper, for showing: card numbers are masked in the bytes
 * first, as the daemon stores them, so no preview ever shows one; status polls, or an initialise or feed after
 * the last cut, are not shown as empty slips.
 */
export async function* documentsOf(path: string, options?: DecoderOptions): AsyncGenerator<PrintedDocument> {
  const decoder = new Decoder(options);
  const masker = new PanMasker();
  for await (const chunk of chunksOf(path)) yield* decoder.write(masker.write(chunk)).filter(printsSomething);
  yield* decoder.write(masker.end()).filter(printsSomething);
  yield* decoder.end().filter(printsSomething);
}

/** One decoded job with the bytes it was decoded from. */
export interface CapturedJob {
  readonly doc: PrintedDocument;
  readonly bytes: Buffer;
}

/**
 * Every document of one capture file with its own bytes, unmasked, as extract's basketsFromBytes decodes a whole
 * file (it masks card numbers in what it extracts, and the job's bytes give the basket its id).
 */
export async function* jobsOf(path: string, options?: DecoderOptions): AsyncGenerator<CapturedJob> {
  const decoder = new Decoder(options);
  const held = new HeldBytes();
  for await (const chunk of chunksOf(path)) {
    held.push(chunk);
    for (const doc of decoder.write(chunk)) yield { doc, bytes: held.take(doc.start, doc.end) };
  }
  for (const doc of decoder.end()) yield { doc, bytes: held.take(doc.start, doc.end) };
}

/**
 * The bytes of a stream from the end of the last job taken on: documents come out in stream order and do not
 * overlap, so nothing before that point is asked for again and it is let go.
 */
export class HeldBytes {
  private chunks: Buffer[] = [];
  /** Stream offset of the first byte held. */
  private from = 0;

  push(chunk: Buffer): void {
    if (chunk.length > 0) this.chunks.push(chunk);
  }

  /** Bytes [start, end) of the stream; everything before `end` is let go. */
  take(start: number, end: number): Buffer {
    if (start < this.from) throw new Error(`bytes ${start}-${end} were asked for after bytes up to ${this.from} had been let go`);
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const job = all.subarray(start - this.from, end - this.from);
    const rest = all.subarray(Math.min(all.length, end - this.from));
    this.chunks = rest.length === 0 ? [] : [rest];
    this.from = end;
    return job;
  }
}
