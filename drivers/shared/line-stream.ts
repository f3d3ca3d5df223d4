// The Duplex handed out for a line device: one per till session or per printer job. Ending or destroying it
// never closes the device (the line owns that); losing the device destroys it with the reason.
import { Duplex } from 'node:stream';
import type { LineDevice } from './line-device.js';
import type { LineSink } from './reopening-line.js';

export interface LineStreamOptions {
  /**
   * Printer jobs: once the job is fully written, keep passing replies for this long after the last byte,
   * then end the readable side, so a job over a line that never closes still comes to an end.
   * Undefined (till sessions): the readable side stays open for the life of the device.
   */
  replyWindowMs?: number;
}

export class LineStream extends Duplex implements LineSink {
  readonly #device: LineDevice;
  readonly #replyWindowMs: number | undefined;
  #replyTimer: NodeJS.Timeout | undefined;
  /** The readable side has been ended; later bytes belong to nobody. */
  #eof = false;

  constructor(device: LineDevice, options: LineStreamOptions = {}) {
    super({ allowHalfOpen: true });
    this.#device = device;
    this.#replyWindowMs = options.replyWindowMs;
  }

  deliver(chunk: Buffer): void {
    if (this.#eof || this.destroyed) return;
    if (!this.push(chunk)) this.#device.pause();
    if (this.#replyTimer) this.#replyTimer.refresh();
  }

  lose(error?: Error): void {
    if (this.destroyed) return;
    if (error) {
      this.destroy(error);
      return;
    }
    this.#endReadable();
    this.destroy();
  }

  override _read(): void {
    this.#device.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.#device.write(chunk, done);
  }

  override _final(done: (error?: Error | null) => void): void {
    done();
    const windowMs = this.#replyWindowMs;
    if (windowMs !== undefined) this.#replyTimer = setTimeout(() => this.#endReadable(), windowMs);
  }

  #endReadable(): void {
    if (this.#eof) return;
    this.#eof = true;
    this.push(null);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    clearTimeout(this.#replyTimer);
    done(error);
  }
}
