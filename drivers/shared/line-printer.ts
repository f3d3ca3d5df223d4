// Printer side over a persistent line (serial port, USB device file): the device stays open between jobs,
// each open() is one job's stream over it, and jobs take turns so their bytes never interleave.
import type { Duplex } from 'node:stream';
import type { PrinterSide } from '../types.js';
import { errorText } from './errors.js';
import { LineStream } from './line-stream.js';
import type { ReopeningLine } from './reopening-line.js';
import { Turns } from './turns.js';

export interface LinePrinterTiming {
  openTimeoutMs: number;
  replyWindowMs: number;
}

export class LinePrinterSide implements PrinterSide {
  readonly kind: string;
  readonly #line: ReopeningLine;
  readonly #timing: LinePrinterTiming;
  readonly #turns = new Turns();
  #started: Promise<void> | undefined;
  #current: LineStream | undefined;

  constructor(kind: string, line: ReopeningLine, timing: LinePrinterTiming) {
    this.kind = kind;
    this.#line = line;
    this.#timing = timing;
  }

  /** Opens the device now, so a printer missing at start is reported at start rather than at the first job. */
  async start(): Promise<void> {
    this.#started ??= this.#line.start();
    await this.#started;
    if (this.#line.device === undefined) {
      this.#line.log.warn(
        { printer: this.#line.name, reason: errorText(this.#line.lastFailure) },
        'printer device missing at start: jobs are captured, and printed once it appears',
      );
    }
  }

  async open(): Promise<Duplex> {
    this.#started ??= this.#line.start();
    const release = await this.#turns.take();
    try {
      await this.#started;
      const device = await this.#line.whenOpen(this.#timing.openTimeoutMs);
      const stream = new LineStream(device, { replyWindowMs: this.#timing.replyWindowMs });
      // A job cut short by an unplugged device must not take the daemon down if nobody listens for it.
      stream.on('error', (error) => this.#line.log.debug({ reason: errorText(error) }, 'printer job stream failed'));
      this.#line.attach(stream);
      this.#current = stream;
      stream.once('close', () => {
        this.#line.detach(stream);
        if (this.#current === stream) this.#current = undefined;
        release();
      });
      return stream;
    } catch (error) {
      release();
      throw error;
    }
  }

  async close(): Promise<void> {
    this.#current?.destroy();
    await this.#line.stop();
    this.#started = undefined;
  }
}
