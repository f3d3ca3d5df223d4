// One till session bridged to the printer. This is the passthrough: till bytes go to the printer unchanged and
// in order, printer bytes (status replies) go back to the till unchanged, and the capture tap only records chunk
// references. Nothing here parses, awaits storage or waits on the decoder.
//
// When the printer cannot be reached the till sees what it would see with the printer down:
//  - a session whose end is a job boundary (TCP, a replayed file) is reset, as by a printer that dropped the
//    connection; nothing is captured, since the till will print it again once the printer is back;
//  - a persistent line (serial) keeps being read: the bytes are captured but go nowhere and nothing answers,
//    which is what a till sees from a switched-off serial printer; the printer is retried with backoff.
import type { Duplex } from 'node:stream';
import type { Logger } from '../log.js';
import type { PrinterSide, TillSession } from '../../drivers/types.js';
import type { SessionTap } from './types.js';

export interface SessionTiming {
  /** Persistent lines: the printer connection is finished after this long without till bytes (one job each). */
  readonly idleGapMs: number;
  /** After the till ends its side, how long printer replies may still come before the session is closed. */
  readonly replyLingerMs: number;
  /** Persistent lines: first wait before retrying a printer that could not be opened; doubles to 30 s. */
  readonly printerRetryMs: number;
}

const MAX_PRINTER_RETRY_MS = 30_000;

export class SessionBridge {
  readonly #till: Duplex;
  readonly #printerSide: PrinterSide;
  readonly #tap: SessionTap;
  readonly #timing: SessionTiming;
  readonly #log: Logger;
  readonly #persistent: boolean;
  /** Resolves when the till side has closed. */
  readonly closed: Promise<void>;
  #printer: Duplex | undefined;
  #opening = false;
  /** Till bytes that arrived while the printer was being opened. */
  #pending: Buffer[] = [];
  #tillEnded = false;
  #tillClosed = false;
  #tapEnded = false;
  #closeHeld = false;
  #idleTimer: NodeJS.Timeout | undefined;
  #lingerTimer: NodeJS.Timeout | undefined;
  #printerDownUntil = 0;
  #retryMs: number;
  /** Printer streams still finishing (their last replies can still reach the till). */
  readonly #finishing = new Set<Duplex>();

  constructor(session: TillSession, printerSide: PrinterSide, tap: SessionTap, timing: SessionTiming, log: Logger) {
    this.#till = session.stream;
    this.#printerSide = printerSide;
    this.#tap = tap;
    this.#timing = timing;
    this.#retryMs = timing.printerRetryMs;
    this.#log = log.child({ peer: session.peer });
    this.#persistent = !session.endIsJobBoundary;
    this.closed = new Promise((resolve) => this.#till.once('close', resolve));
    this.#till.on('data', this.#onTillData);
    this.#till.once('end', () => this.#onTillEnd());
    this.#till.once('close', () => this.#onTillClose());
  }

  /** True for a persistent line (serial), whose session only ends when the line does. */
  get persistent(): boolean {
    return this.#persistent;
  }

  /**
   * Ends the session now (shutdown, after the grace period). Bytes already passed on are still delivered: the
   * printer streams are ended, not dropped; resolves when they have closed.
   */
  shutdown(): Promise<void> {
    this.#endTap('shutdown');
    this.#till.off('data', this.#onTillData);
    this.#till.destroy();
    if (this.#printer !== undefined) this.#finishPrinter();
    const finishing = [...this.#finishing].map((stream) => new Promise<void>((resolve) => {
      if (stream.closed) resolve();
      else stream.once('close', () => resolve());
    }));
    return Promise.all(finishing).then(() => undefined);
  }

  // The hot path: one chunk from the till.
  readonly #onTillData = (chunk: Buffer): void => {
    const printer = this.#printer;
    if (printer !== undefined) {
      this.#tap.bytes(chunk);
      if (!printer.write(chunk)) this.#waitForPrinter(printer);
      if (this.#persistent) this.#idleTimer?.refresh();
      return;
    }
    if (this.#persistent && Date.now() < this.#printerDownUntil) {
      this.#tap.bytes(chunk);
      return;
    }
    this.#pending.push(chunk);
    this.#till.pause();
    if (!this.#opening) this.#openPrinter();
  };

  #waitForPrinter(printer: Duplex): void {
    this.#till.pause();
    printer.once('drain', () => this.#till.resume());
  }

  #openPrinter(): void {
    this.#opening = true;
    this.#printerSide.open().then(
      (printer) => this.#printerOpened(printer),
      (error: unknown) => this.#printerUnavailable(error),
    );
  }

  #printerOpened(printer: Duplex): void {
    this.#opening = false;
    this.#retryMs = this.#timing.printerRetryMs;
    if (this.#tillClosed && this.#pending.length === 0) {
      printer.end();
      return;
    }
    this.#printer = printer;
    printer.on('data', (reply: Buffer) => this.#reply(reply));
    printer.once('end', () => this.#onPrinterEnd(printer));
    printer.once('close', () => this.#onPrinterClose(printer));
    printer.on('error', (error: Error) => this.#log.info({ reason: error.message }, 'printer connection failed'));
    const pending = this.#pending;
    this.#pending = [];
    let full = false;
    for (const chunk of pending) {
      this.#tap.bytes(chunk);
      full = !printer.write(chunk);
    }
    if (this.#tillEnded || this.#tillClosed) {
      this.#finishPrinter();
      return;
    }
    if (this.#persistent) this.#armIdle();
    if (full) this.#waitForPrinter(printer);
    else this.#till.resume();
  }

  #printerUnavailable(error: unknown): void {
    this.#opening = false;
    const reason = error instanceof Error ? error.message : String(error);
    if (!this.#persistent) {
      this.#log.warn({ reason }, 'printer unavailable: the till connection is reset, as the printer would');
      this.#pending = [];
      this.#endTap('session-end');
      this.#reset();
      return;
    }
    this.#log.warn({ reason, retryInMs: this.#retryMs }, 'printer unavailable: till bytes are captured but not printed');
    this.#printerDownUntil = Date.now() + this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, MAX_PRINTER_RETRY_MS);
    for (const chunk of this.#pending) this.#tap.bytes(chunk);
    this.#pending = [];
    if (!this.#tillClosed) this.#till.resume();
  }

  #reply(reply: Buffer): void {
    const till = this.#till;
    if (!till.destroyed && till.writable) till.write(reply);
  }

  #armIdle(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => this.#finishPrinter(), this.#timing.idleGapMs);
  }

  /** No more till bytes for this printer stream: end it, and let its last replies through. */
  #finishPrinter(): void {
    const printer = this.#printer;
    clearTimeout(this.#idleTimer);
    if (printer === undefined) {
      if (this.#tillEnded && !this.#opening) this.#endTill();
      return;
    }
    // The next till bytes (a persistent line) open a new stream; this one only passes replies until it ends.
    this.#printer = undefined;
    this.#finishing.add(printer);
    printer.end();
    if (!this.#persistent) {
      this.#lingerTimer = setTimeout(() => {
        this.#log.info({ replyLingerMs: this.#timing.replyLingerMs }, 'printer kept the connection open after the job; closing it');
        printer.destroy();
        this.#endTill();
      }, this.#timing.replyLingerMs);
    }
  }

  #onPrinterEnd(printer: Duplex): void {
    // The printer ended its side (a job-boundary session mirrors that to the till); replies are over.
    if (this.#persistent) {
      if (this.#printer === printer) this.#printer = undefined;
      return;
    }
    clearTimeout(this.#lingerTimer);
    this.#endTill();
  }

  #onPrinterClose(printer: Duplex): void {
    this.#finishing.delete(printer);
    const wasCurrent = this.#printer === printer;
    if (wasCurrent) this.#printer = undefined;
    if (this.#persistent) {
      if (wasCurrent) this.#till.resume();
      return;
    }
    // A printer that dropped the connection mid-job: the till sees the connection drop too.
    if (wasCurrent && !this.#tillClosed) {
      this.#log.info('printer dropped the connection before the job ended; dropping the till connection');
      this.#reset();
    }
  }

  #onTillEnd(): void {
    this.#tillEnded = true;
    if (!this.#opening) this.#finishPrinter();
  }

  #onTillClose(): void {
    this.#tillClosed = true;
    clearTimeout(this.#idleTimer);
    this.#till.off('data', this.#onTillData);
    this.#endTap('session-end');
    // A till gone mid-job: what reached the printer stays printed, as with a cable pulled out.
    if (this.#printer !== undefined) {
      const printer = this.#printer;
      this.#printer = undefined;
      printer.end();
      printer.resume();
    }
  }

  /** Drops the till connection the way a printer that vanished would: a TCP reset where there is one. */
  #reset(): void {
    const till = this.#till as Duplex & { resetAndDestroy?: () => void };
    if (typeof till.resetAndDestroy === 'function') till.resetAndDestroy();
    else till.destroy();
  }

  /**
   * Passes the end on to the till once the bytes it sent are durable (bounded by the tap), so a till that saw its
   * connection close never loses that receipt to a crash.
   */
  #endTill(): void {
    if (this.#closeHeld) return;
    this.#closeHeld = true;
    void (this.#tap.durable?.() ?? Promise.resolve()).then(() => {
      const till = this.#till;
      if (!till.destroyed && !till.writableEnded) till.end();
    });
  }

  #endTap(reason: 'session-end' | 'shutdown'): void {
    if (this.#tapEnded) return;
    this.#tapEnded = true;
    this.#tap.end(reason);
  }
}
