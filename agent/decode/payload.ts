// Consumers for the data that follows a command header. A command's header is always small and parsed in one
// piece; its data (images, barcode text, downloaded glyphs) may be megabytes long and arrive split across any
// number of chunks, so it is fed to one of these sinks a slice at a time. None of them allocates from a length
// the job claims: buffers grow only as bytes actually arrive, and never beyond their cap.

export interface PayloadSink {
  /** Consume bytes from buf[pos, end); returns the position after the last byte consumed. */
  take(buf: Uint8Array, pos: number, end: number): number;
  /** True once the sink has consumed everything its command carries. */
  readonly done: boolean;
  /** The stream ended before `done`. */
  abort(): void;
}

/** Bytes that are counted and thrown away (unknown or uninteresting functions of length-prefixed commands). */
export class SkipSink implements PayloadSink {
  constructor(private remaining: number) {}
  get done(): boolean {
    return this.remaining <= 0;
  }
  take(_buf: Uint8Array, pos: number, end: number): number {
    const n = Math.min(end - pos, this.remaining);
    this.remaining -= n;
    return pos + n;
  }
  abort(): void {}
}

/**
 * A byte buffer that grows by doubling as data arrives, up to a cap; bytes past the cap are counted but not
 * kept. Used for image bits and for barcode / 2D-code data.
 */
export class BoundedBytes {
  private buf: Uint8Array;
  length = 0;
  /** Bytes offered after the cap was reached. */
  dropped = 0;

  constructor(private readonly cap: number, expected: number) {
    this.buf = new Uint8Array(Math.max(0, Math.min(cap, expected, 64 * 1024)));
  }

  append(src: Uint8Array, from: number, to: number): void {
    const room = this.cap - this.length;
    const n = Math.min(to - from, room);
    if (n > 0) {
      if (this.length + n > this.buf.length) {
        let size = Math.max(this.buf.length * 2, 256);
        while (size < this.length + n) size *= 2;
        const grown = new Uint8Array(Math.min(size, this.cap));
        grown.set(this.buf.subarray(0, this.length));
        this.buf = grown;
      }
      this.buf.set(src.subarray(from, from + n), this.length);
      this.length += n;
    }
    this.dropped += to - from - Math.max(0, n);
  }

  /** The collected bytes, zero-padded (or cut) to exactly `size`. */
  toSize(size: number): Uint8Array {
    if (this.buf.length === size && this.length === size) return this.buf;
    const out = new Uint8Array(size);
    out.set(this.buf.subarray(0, Math.min(this.length, size)));
    return out;
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/**
 * Exactly `total` bytes of which bytes [skip, skip + keep) are kept (up to `cap`). `onDone(bytes, complete)` runs
 * once: when the last byte arrives (complete) or when the stream ends first (not complete).
 */
export class CollectSink implements PayloadSink {
  private seen = 0;
  private finished = false;
  readonly data: BoundedBytes;

  constructor(
    private readonly total: number,
    private readonly skip: number,
    private readonly keep: number,
    cap: number,
    private readonly onDone: (data: BoundedBytes, complete: boolean) => void,
  ) {
    this.data = new BoundedBytes(Math.min(cap, keep), keep);
    if (total <= 0) this.finish(true);
  }

  get done(): boolean {
    return this.finished;
  }

  take(buf: Uint8Array, pos: number, end: number): number {
    const n = Math.min(end - pos, this.total - this.seen);
    const keepFrom = Math.max(this.seen, this.skip);
    const keepTo = Math.min(this.seen + n, this.skip + this.keep);
    if (keepTo > keepFrom) this.data.append(buf, pos + (keepFrom - this.seen), pos + (keepTo - this.seen));
    this.seen += n;
    if (this.seen >= this.total) this.finish(true);
    return pos + n;
  }

  abort(): void {
    if (!this.finished) this.finish(false);
  }

  private finish(complete: boolean): void {
    this.finished = true;
    this.onDone(this.data, complete);
  }
}

/**
 * Data ended by a NUL byte (GS k form A, ESC D tab stops) or another `terminator` (Star's barcode data ends at
 * RS): at most `max` data bytes, then it gives up.
 */
export class UntilNulSink implements PayloadSink {
  private finished = false;
  readonly data: BoundedBytes;

  constructor(
    private readonly max: number,
    private readonly onDone: (data: Uint8Array, terminated: boolean) => void,
    private readonly terminator = 0,
  ) {
    this.data = new BoundedBytes(max, 64);
  }

  get done(): boolean {
    return this.finished;
  }

  take(buf: Uint8Array, pos: number, end: number): number {
    // Look at no more bytes than may still be kept, so a missing NUL ends the data at `max`.
    const stop = Math.min(end, pos + (this.max - this.data.length));
    let i = pos;
    const terminator = this.terminator;
    while (i < stop && buf[i] !== terminator) i++;
    this.data.append(buf, pos, i);
    if (i < stop) {
      this.finish(true);
      return i + 1;
    }
    if (this.data.length >= this.max) this.finish(false);
    return i;
  }

  abort(): void {
    if (!this.finished) this.finish(false);
  }

  private finish(terminated: boolean): void {
    this.finished = true;
    this.onDone(this.data.bytes(), terminated);
  }
}

/** What `bodyLength` returns for a record whose header is damaged: the records end there, the rest is decoded. */
export const DAMAGED_RECORD = -1;

/**
 * Data made of `count` records, each a small header of `headerSize` bytes whose value tells the length of the
 * record's body (ESC & glyphs: 1-byte width x then y*x bytes; FS q images: xL xH yL yH then x*y*8 bytes).
 * Bodies go to `onBody`, which may keep or drop them.
 */
export class RecordsSink implements PayloadSink {
  private header = new Uint8Array(8);
  private headerFill = 0;
  private bodyLeft = 0;
  private index = 0;
  private body: CollectSink | null = null;
  private finished: boolean;

  constructor(
    private readonly count: number,
    private readonly headerSize: number,
    private readonly bodyLength: (header: Uint8Array) => number,
    private readonly onBody: (index: number, header: Uint8Array, length: number) => CollectSink | null,
    private readonly onEnd: (complete: boolean) => void,
  ) {
    this.finished = count <= 0;
    if (this.finished) onEnd(true);
  }

  get done(): boolean {
    return this.finished;
  }

  take(buf: Uint8Array, pos: number, end: number): number {
    let i = pos;
    while (i < end && !this.finished) {
      if (this.headerFill < this.headerSize) {
        this.header[this.headerFill++] = buf[i++]!;
        if (this.headerFill === this.headerSize) {
          this.bodyLeft = this.bodyLength(this.header);
          if (this.bodyLeft === DAMAGED_RECORD) {
            this.finished = true;
            this.onEnd(true);
            return i;
          }
          this.body = this.onBody(this.index, this.header, this.bodyLeft);
          if (this.bodyLeft === 0) this.nextRecord();
        }
        continue;
      }
      const n = Math.min(end - i, this.bodyLeft);
      if (this.body !== null) this.body.take(buf, i, i + n);
      i += n;
      this.bodyLeft -= n;
      if (this.bodyLeft === 0) this.nextRecord();
    }
    return i;
  }

  abort(): void {
    if (this.finished) return;
    this.body?.abort();
    this.finished = true;
    this.onEnd(false);
  }

  private nextRecord(): void {
    this.body = null;
    this.headerFill = 0;
    this.index++;
    if (this.index >= this.count) {
      this.finished = true;
      this.onEnd(true);
    }
  }
}
