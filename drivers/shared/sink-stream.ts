// A printer that only takes bytes (a file, the void): its readable side never carries data and ends once the
// job has been written, the way a network printer closes its side after a job.
import { Duplex } from 'node:stream';

export interface Sink {
  write(chunk: Buffer): Promise<void>;
  /** Called once after the last write (or when destroyed); `completed` is false on destroy. */
  finish(completed: boolean): Promise<void>;
}

export class SinkStream extends Duplex {
  readonly #sink: Sink;
  #finished = false;

  constructor(sink: Sink) {
    super({ allowHalfOpen: true });
    this.#sink = sink;
  }

  override _read(): void {
    // Nothing to read: a sink never replies.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.#sink.write(chunk).then(() => done(), done);
  }

  override _final(done: (error?: Error | null) => void): void {
    this.#finish(true).then(() => {
      done();
      this.push(null);
    }, done);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.#finish(false).then(() => done(error), (finishError: Error) => done(error ?? finishError));
  }

  #finish(completed: boolean): Promise<void> {
    if (this.#finished) return Promise.resolve();
    this.#finished = true;
    return this.#sink.finish(completed);
  }
}
