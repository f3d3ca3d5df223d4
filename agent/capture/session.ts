// One till session bridged to the printer. This is the passthrough: till bytes go to the printer unchanged and
// in order, printer bytes (status replies) go back to the till unchanged, and the capture tap only records chunk
// references. Nothing here parses, awaits storage or waits on the decoder.
//
// When the printer cannot be reached the till sees what it would see with the printer down:
//  - a session whose end is a job boundary (TCP, a replayed file) is reset, as by a printer that dropped the
//    connection; nothing is captured, since the till will print it again once the printer is back;
//  - a persistent line (serial) keeps being read: the bytes are captured but go nowhere and nothing answers,
//    which is what a till sees from a switched-off serial printer; the printer is retried with backoff.
//
// The printer side of a session is always in one of the states of `PrinterState`; every change goes through
// #enter(), so which timers run and whether the till is read follow from the state, not from scattered flags.
import type { Duplex } from 'node:stream';
import type { RateLimitedLog } from '../log.js';
import type { PrinterSide, TillSession } from '../../drivers/types.js';
import { ArrivalTimes, StreamLatency, type LinkLatency } from './latency.js';
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

/**
 * Where a session stands with its printer:
 *  - `idle`: no printer stream; the next till bytes open one;
 *  - `opening`: a printer stream is being opened; the till is paused and its bytes are held;
 *  - `printing`: till bytes flow to the printer; on a persistent line the idle gap is timed;
 *  - `waiting-for-printer`: the printer stream's buffer is full (paper out, cover open, a slow line); the till
 *    is paused and the idle gap is NOT timed, since the till is silent because we stopped reading it. The till
 *    is read again when the stream drains or ends, whichever comes first;
 *  - `printer-down` (persistent lines): the printer could not be opened; till bytes are captured, not printed,
 *    until the retry time;
 *  - `finishing`: the till has ended its side; the printer stream is ended and only carries replies back;
 *  - `closed`: the till side has closed.
 */
export type PrinterState = 'idle' | 'opening' | 'printing' | 'waiting-for-printer' | 'printer-down' | 'finishing' | 'closed';

export class SessionBridge {
  readonly #till: Duplex;
  readonly #printerSide: PrinterSide;
  readonly #tap: SessionTap;
  readonly #timing: SessionTiming;
  /** Lines written per session, limited so a flood of connections is not a flood of lines. */
  readonly #log: RateLimitedLog;
  readonly #peer: string;
  readonly #persistent: boolean;
  /** Resolves when the till side has closed. */
  readonly closed: Promise<void>;
  #printer: Duplex | undefined;
  #state: PrinterState = 'idle';
  /** Till bytes that arrived while the printer was being opened, and when each arrived. */
  #pending: Buffer[] = [];
  readonly #pendingTimes = new ArrivalTimes();
  readonly #latency: LinkLatency;
  /** The current printer stream's write latency (its `done` is every write's callback). */
  #printerLatency: StreamLatency | undefined;
  /** Replies' latency on their way to the till. */
  readonly #replyLatency: StreamLatency;
  #tillEnded = false;
  #tapEnded = false;
  #closeHeld = false;
  #idleTimer: NodeJS.Timeout | undefined;
  #lingerTimer: NodeJS.Timeout | undefined;
  #printerDownUntil = 0;
  #retryMs: number;
  /** Printer streams still finishing (their last replies can still reach the till). */
  readonly #finishing = new Set<Duplex>();

  constructor(session: TillSession, printerSide: PrinterSide, tap: SessionTap, timing: SessionTiming, log: RateLimitedLog, latency: LinkLatency) {
    this.#till = session.stream;
    this.#latency = latency;
    this.#replyLatency = new StreamLatency(latency.toTill);
    this.#printerSide = printerSide;
    this.#tap = tap;
    this.#timing = timing;
    this.#retryMs = timing.printerRetryMs;
    this.#log = log;
    this.#peer = session.peer;
    this.#persistent = !session.endIsJobBoundary;
    this.closed = new Promise((resolve) => this.#till.once('close', resolve));
    this.#till.on('data', this.#onTillData);
    this.#till.once('end', () => this.#onTillEnd());
    this.#till.once('close', () => this.#onTillClose());
  }

  get state(): PrinterState {
    return this.#state;
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
      const latency = this.#printerLatency!;
      latency.written(performance.now());
      if (!printer.write(chunk, latency.done)) this.#waitForPrinter(printer);
      else if (this.#state === 'printing') this.#idleTimer?.refresh();
      return;
    }
    if (this.#state === 'printer-down' && Date.now() < this.#printerDownUntil) {
      this.#tap.bytes(chunk);
      return;
    }
    this.#pending.push(chunk);
    this.#pendingTimes.push(performance.now());
    this.#till.pause();
    if (this.#state !== 'opening') this.#openPrinter();
  };

  /** The one place the state changes, with what each state implies for the till and the idle timer. */
  #enter(state: PrinterState): void {
    this.#state = state;
    if (state === 'printing' && this.#persistent) this.#armIdle();
    else clearTimeout(this.#idleTimer);
  }

  #waitForPrinter(printer: Duplex): void {
    if (this.#state === 'waiting-for-printer') return;
    this.#enter('waiting-for-printer');
    this.#till.pause();
    const done = (): void => {
      printer.off('drain', done);
      printer.off('close', done);
      if (this.#state !== 'waiting-for-printer' || this.#printer !== printer) return;
      // A stream that closed instead of draining is handled by #onPrinterClose (which runs next and resumes a
      // persistent line); a drained one carries on printing.
      if (printer.destroyed) return;
      this.#enter('printing');
      this.#till.resume();
    };
    printer.on('drain', done);
    printer.on('close', done);
  }

  #openPrinter(): void {
    this.#enter('opening');
    this.#printerSide.open().then(
      (printer) => this.#printerOpened(printer),
      (error: unknown) => this.#printerUnavailable(error),
    );
  }

  #printerOpened(printer: Duplex): void {
    this.#retryMs = this.#timing.printerRetryMs;
    if (this.#state === 'closed' && this.#pending.length === 0) {
      printer.end();
      return;
    }
    this.#printer = printer;
    const latency = new StreamLatency(this.#latency.toPrinter);
    this.#printerLatency = latency;
    printer.on('data', (reply: Buffer) => this.#reply(reply));
    printer.once('end', () => this.#onPrinterEnd(printer));
    printer.once('close', () => this.#onPrinterClose(printer));
    printer.on('error', (error: Error) => this.#log.info({ peer: this.#peer, reason: error.message }, 'printer connection failed'));
    const pending = this.#pending;
    this.#pending = [];
    let full = false;
    for (const chunk of pending) {
      this.#tap.bytes(chunk);
      latency.written(this.#pendingTimes.shift());
      full = !printer.write(chunk, latency.done);
    }
    if (this.#tillEnded || this.#state === 'closed') {
      this.#finishPrinter();
      return;
    }
    this.#enter('printing');
    if (full) this.#waitForPrinter(printer);
    else this.#till.resume();
  }

  #printerUnavailable(error: unknown): void {
    const closed = this.#state === 'closed';
    const reason = error instanceof Error ? error.message : String(error);
    if (!this.#persistent) {
      this.#log.warn({ peer: this.#peer, reason }, 'printer unavailable: the till connection is reset, as the printer would');
      this.#dropPending();
      this.#enter(closed ? 'closed' : 'idle');
      this.#endTap('session-end');
      this.#reset();
      return;
    }
    this.#log.warn({ peer: this.#peer, reason, retryInMs: this.#retryMs }, 'printer unavailable: till bytes are captured but not printed');
    this.#printerDownUntil = Date.now() + this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, MAX_PRINTER_RETRY_MS);
    for (const chunk of this.#pending) this.#tap.bytes(chunk);
    this.#dropPending();
    if (closed) return;
    this.#enter('printer-down');
    this.#till.resume();
  }

  /** Held till bytes that will not be written (captured already, or never to be). */
  #dropPending(): void {
    this.#pending = [];
    this.#pendingTimes.clear();
  }

  #reply(reply: Buffer): void {
    const till = this.#till;
    if (till.destroyed || !till.writable) return;
    this.#replyLatency.written(performance.now());
    till.write(reply, this.#replyLatency.done);
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
      if (this.#tillEnded && this.#state !== 'opening') this.#endTill();
      return;
    }
    // The next till bytes (a persistent line) open a new stream; this one only passes replies until it ends.
    this.#printer = undefined;
    if (this.#state !== 'closed') this.#enter(this.#tillEnded ? 'finishing' : 'idle');
    this.#finishing.add(printer);
    printer.end();
    if (!this.#persistent) {
      this.#lingerTimer = setTimeout(() => {
        this.#log.info({ peer: this.#peer, replyLingerMs: this.#timing.replyLingerMs }, 'printer kept the connection open after the job; closing it');
        printer.destroy();
        this.#endTill();
      }, this.#timing.replyLingerMs);
    }
  }

  #onPrinterEnd(printer: Duplex): void {
    // The printer ended its side (a job-boundary session mirrors that to the till); replies are over.
    if (this.#persistent) {
      if (this.#printer === printer) this.#lostPrinter();
      return;
    }
    clearTimeout(this.#lingerTimer);
    this.#endTill();
  }

  #onPrinterClose(printer: Duplex): void {
    this.#finishing.delete(printer);
    const wasCurrent = this.#printer === printer;
    if (wasCurrent) this.#lostPrinter();
    if (this.#persistent) return;
    // A printer that dropped the connection mid-job: the till sees the connection drop too.
    if (wasCurrent && this.#state !== 'closed') {
      this.#log.info({ peer: this.#peer }, 'printer dropped the connection before the job ended; dropping the till connection');
      this.#reset();
    }
  }

  /**
   * The current printer stream ended or closed under us (unplugged, dropped). Whatever the till was waiting
   * for will not come: a persistent line is read again and its next bytes open a new stream.
   */
  #lostPrinter(): void {
    this.#printer = undefined;
    if (this.#state === 'closed' || this.#state === 'finishing') return;
    this.#enter('idle');
    if (this.#persistent) this.#till.resume();
  }

  #onTillEnd(): void {
    this.#tillEnded = true;
    if (this.#state !== 'opening') this.#finishPrinter();
  }

  #onTillClose(): void {
    this.#enter('closed');
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
