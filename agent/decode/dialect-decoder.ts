// The decoder the rest of the pipeline uses: the printer's command language chosen by the options (dialect,
// or a model's), or with `auto` recognised from the stream. Each document says which language it was read in.
import type { DialectReport, PrintedDocument } from './document.js';
import type { DecoderOptions } from './options.js';
import { resolveOptions } from './options.js';
import { EscPosDecoder } from './decoder.js';
import { StarDecoder } from './star/decoder.js';
import { DialectSniffer } from './detect.js';
import type { StreamDecoder } from '../model/stream-decoder.js';

/** Bytes `auto` looks through for a telling command before it settles on ESC/POS (and stops holding bytes back). */
export const DETECTION_LIMIT = 64 * 1024;

function decoderFor(opts: DecoderOptions, report: DialectReport): StreamDecoder {
  return report.name === 'escpos' ? new EscPosDecoder({ ...opts, dialect: 'escpos' }, report) : new StarDecoder(opts, report);
}

/**
 * `auto`: bytes are held (at most DETECTION_LIMIT) until a command only one language has decides, then the
 * chosen decoder gets them all at once and every later chunk directly. Documents cannot come out before the
 * decision, and since the decision depends on the bytes alone, output stays independent of chunking.
 */
class AutoDecoder implements StreamDecoder {
  private readonly sniffer = new DialectSniffer();
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  private inner: StreamDecoder | null = null;

  constructor(private readonly opts: DecoderOptions) {}

  write(chunk: Uint8Array): PrintedDocument[] {
    if (this.inner !== null) return this.inner.write(chunk);
    const room = DETECTION_LIMIT - this.heldBytes;
    this.sniffer.scan(chunk, 0, Math.min(chunk.length, room), this.heldBytes);
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    const detection = this.sniffer.detection;
    if (detection !== null) return this.settle({ name: detection.name, from: 'detected', evidence: detection.evidence });
    if (this.heldBytes >= DETECTION_LIMIT) return this.settle(assumed('no Star or ESC/POS-only command in the first 64 KiB'));
    return [];
  }

  end(): PrintedDocument[] {
    const docs = this.inner === null ? this.settle(assumed('no Star or ESC/POS-only command in the job')) : [];
    for (const doc of this.inner!.end()) docs.push(doc);
    return docs;
  }

  private settle(report: DialectReport): PrintedDocument[] {
    const inner = decoderFor(this.opts, report);
    this.inner = inner;
    const held = this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held);
    this.held = [];
    return inner.write(held);
  }
}

function assumed(evidence: string): DialectReport {
  return { name: 'escpos', from: 'assumed', evidence };
}

/** Bytes in, documents out, in the command language the options name (see DecoderOptions.dialect / model). */
export class Decoder implements StreamDecoder {
  private readonly inner: StreamDecoder;
  private ended = false;

  constructor(opts?: DecoderOptions) {
    const resolved = resolveOptions(opts);
    // The resolved dialect may come from a model; the raw options keep what was set explicitly for the inner decoder.
    const raw: DecoderOptions = { ...(opts ?? {}), dialect: resolved.dialect };
    if (resolved.model !== undefined) {
      raw.paperWidth = resolved.paperWidth;
      raw.codePageNumbering = resolved.codePageNumbering;
      delete raw.model;
    }
    this.inner = resolved.dialect === 'auto' ? new AutoDecoder(raw) : decoderFor(raw, { name: resolved.dialect, from: 'setup' });
  }

  /** Feed bytes; returns the documents completed (ended by a cut) within them. */
  write(chunk: Uint8Array): PrintedDocument[] {
    if (this.ended) throw new Error('Decoder.write after end()');
    return this.inner.write(chunk);
  }

  /** End of stream: finish what is in progress and return the remaining documents. */
  end(): PrintedDocument[] {
    if (this.ended) return [];
    this.ended = true;
    return this.inner.end();
  }
}

/** One-shot decode of a whole buffer. */
export function decode(bytes: Uint8Array, opts?: DecoderOptions): PrintedDocument[] {
  const decoder = new Decoder(opts);
  const docs = decoder.write(bytes);
  for (const doc of decoder.end()) docs.push(doc);
  return docs;
}
