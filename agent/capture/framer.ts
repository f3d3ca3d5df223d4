// Job framing: one framer per till session turns its byte stream into jobs. A job ends at a paper cut (found by
// the full streaming decoder, so a cut-like byte pair inside raster or barcode data is never mistaken for one),
// at the end of the session, after an idle gap, or at the size limit. Runs off the passthrough path.
import { Decoder, type PrintedDocument } from '../decode/index.js';
import { newJobId } from './job-id.js';
import { printsSomething } from './printed.js';
import type { FramedJob, JobEnd, SessionInfo } from './types.js';
// The decoder is any StreamDecoder (agent/model): tests and fault injection substitute their own.
import type { StreamDecoder } from '../model/index.js';

export interface FramerOptions {
  idleGapMs: number;
  maxJobBytes: number;
  newDecoder?: () => StreamDecoder;
}

export class JobFramer {
  readonly #info: SessionInfo;
  readonly #options: FramerOptions;
  readonly #emit: (job: FramedJob) => void;
  /** Bytes not yet in an emitted job; #held[0] starts at stream offset #heldStart. */
  #held: Buffer[] = [];
  #heldStart = 0;
  #streamEnd = 0;
  /** Stream offset where the current decoder started, to map its document offsets onto the stream. */
  #decoderBase = 0;
  #decoder: StreamDecoder | null;
  #decodeError: string | null = null;
  /** Capture time of the current job's first byte, undefined while no job is open. */
  #jobAt: number | undefined;
  #lastAt = 0;
  #ended = false;
  /**
   * storeRaw() was called: every chunk's bytes become a job as they come, none held until the next chunk. At shutdown
   * with a backlog many sessions are behind at once, their chunks read back from the journal one after another:
   * holding each session's rest whole would hold the whole backlog, and holding even a part of it (a view of the
   * chunk) keeps each read-back chunk alive across the collections that would free it young. Measured on bench
   * store's 50 MB flood over 64 connections (plain start), from the flood's end to exit: with 256 KiB parts the
   * daemon's RSS grew by 10-19 MiB and its worker's malloc arena reached 20-27 MiB; with one job per chunk the RSS
   * grew by 5-6 MiB and the arena reached 6-11 MiB.
   */
  #rawInParts = false;

  constructor(info: SessionInfo, options: FramerOptions, emit: (job: FramedJob) => void) {
    this.#info = info;
    this.#options = options;
    this.#emit = emit;
    this.#decoder = this.#newDecoder();
  }

  /** Bytes captured at `at` (ms since the epoch, taken on the passthrough side). */
  data(chunk: Buffer, at: number): void {
    if (this.#ended || chunk.length === 0) return;
    if (this.#jobAt !== undefined && at - this.#lastAt >= this.#options.idleGapMs) this.#close('idle-gap');
    this.#jobAt ??= at;
    this.#lastAt = at;
    this.#held.push(chunk);
    this.#streamEnd += chunk.length;
    const decoder = this.#decoder;
    if (decoder !== null) {
      let documents: PrintedDocument[] = [];
      try {
        documents = decoder.write(chunk);
      } catch (error) {
        this.#decoderFailed(error);
      }
      for (const doc of documents) this.#emitUpTo(this.#decoderBase + doc.end, 'cut', [doc], at);
    }
    if (this.#streamEnd - this.#heldStart >= this.#options.maxJobBytes) this.#overflow();
    else if (this.#rawInParts) this.#emitUpTo(this.#streamEnd, 'shutdown', [], at);
  }

  /** Capture bytes that were shed before reaching the framer (backlog full): the job records the loss. */
  lost(byteCount: number): void {
    // The decoder cannot resynchronise over missing bytes; the job is kept raw, with the loss on record.
    this.#decoder = null;
    this.#decodeError = `capture shed ${byteCount} bytes of this job (decoder backlog full); printing was not affected`;
    // Storing raw, every byte before the loss is in a job already, and none may follow: the loss is a job of its own
    // (of no bytes), or nothing would record it.
    if (this.#rawInParts && this.#streamEnd === this.#heldStart) this.#emit(this.#job(Buffer.alloc(0), 'shutdown', this.#lastAt));
  }

  /**
   * From now on this session's bytes are kept raw, undecoded (shutdown with a backlog: storing every byte
   * quickly beats extracting some and losing the rest). `reason` is recorded on the jobs.
   */
  storeRaw(reason: string): void {
    if (this.#decoder === null) return;
    this.#decoder = null;
    this.#decodeError = reason;
    this.#rawInParts = true;
  }

  /** Stream offset up to which every byte is in an emitted job (or was dropped as printing nothing). */
  get settledOffset(): number {
    return this.#heldStart;
  }

  /** When the open job times out if nothing more arrives, or undefined when no job is open. */
  get idleDeadline(): number | undefined {
    return this.#jobAt === undefined ? undefined : this.#lastAt + this.#options.idleGapMs;
  }

  /** Closes the open job if its idle gap has passed by `now`. */
  tick(now: number): void {
    const deadline = this.idleDeadline;
    if (deadline !== undefined && now >= deadline) this.#close('idle-gap');
  }

  end(reason: 'session-end' | 'shutdown'): void {
    if (this.#ended) return;
    this.#close(reason);
    this.#ended = true;
  }

  /** Ends the open job with whatever the decoder still holds, and starts afresh. */
  #close(reason: JobEnd): void {
    let documents: PrintedDocument[] = [];
    if (this.#decoder !== null) {
      try {
        documents = this.#decoder.end();
      } catch (error) {
        this.#decoderFailed(error);
      }
    }
    if (this.#decoder === null || documents.some(printsSomething)) {
      this.#emitUpTo(this.#streamEnd, reason, documents, this.#lastAt);
    } else {
      // Status polls, initialisation or a paper feed after the last cut: nothing was printed, so no job to keep.
      this.#drop();
    }
    this.#jobAt = undefined;
    this.#decodeError = null;
    this.#decoderBase = this.#streamEnd;
    this.#decoder = this.#newDecoder();
  }

  /** A job past maxJobBytes is stored raw in parts; decoding resumes with the next job. */
  #overflow(): void {
    const limit = this.#options.maxJobBytes;
    this.#decoder = null;
    this.#decodeError = `job longer than maxJobBytes (${limit}); stored raw in parts of at most ${limit} bytes, not decoded`;
    while (this.#streamEnd - this.#heldStart >= limit) this.#emitUpTo(this.#heldStart + limit, 'max-bytes', [], this.#lastAt);
  }

  #emitUpTo(end: number, endedBy: JobEnd, documents: PrintedDocument[], nextAt: number): void {
    const bytes = this.#take(end);
    if (bytes.length === 0) return;
    this.#emit(this.#job(bytes, endedBy, nextAt, documents));
    // Whatever follows in the same chunk belongs to the next job, which began now.
    this.#jobAt = this.#streamEnd > end ? nextAt : undefined;
    if (this.#decoder !== null) this.#decodeError = null;
  }

  #job(bytes: Buffer, endedBy: JobEnd, nextAt: number, documents: PrintedDocument[] = []): FramedJob {
    const capturedAt = this.#jobAt ?? nextAt;
    const info = this.#info;
    return { id: newJobId(capturedAt), link: info.link, tillId: info.tillId, peer: info.peer, capturedAt: new Date(capturedAt), endedBy, bytes, documents, decodeError: this.#decodeError };
  }

  /** Removes and returns the held bytes up to stream offset `end`. */
  #take(end: number): Buffer {
    const parts: Buffer[] = [];
    let position = this.#heldStart;
    while (this.#held.length > 0 && position < end) {
      const chunk = this.#held[0]!;
      const want = end - position;
      if (chunk.length <= want) {
        parts.push(chunk);
        this.#held.shift();
        position += chunk.length;
      } else {
        parts.push(chunk.subarray(0, want));
        this.#held[0] = chunk.subarray(want);
        position += want;
      }
    }
    this.#heldStart = position;
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  #drop(): void {
    this.#held = [];
    this.#heldStart = this.#streamEnd;
  }

  #decoderFailed(error: unknown): void {
    this.#decoder = null;
    this.#decodeError = `decoder failed: ${error instanceof Error ? error.message : String(error)}; job stored raw`;
  }

  #newDecoder(): StreamDecoder {
    return this.#options.newDecoder?.() ?? new Decoder();
  }
}
