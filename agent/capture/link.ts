// A link joins one till-facing side to one printer-facing side and taps every session into capture. Links know
// nothing about decoding or storage: they hand bytes to a CaptureSink and keep printing whatever it does.
import { Duplex, Readable, Writable } from 'node:stream';
import { isDeepStrictEqual } from 'node:util';
import type { LinkConfig } from '../config.js';
import { tillIdOf } from '../config.js';
import { log, RateLimitedLog } from '../log.js';
import { createPrinterSide, createTillSide } from '../../drivers/index.js';
import type { PrinterSide, TillSession, TillSide } from '../../drivers/types.js';
import type { AgentEventMap } from '../model/events.js';
import { LinkLatency } from './latency.js';
import { SessionBridge, type PrinterState, type SessionTiming } from './session.js';
import type { CaptureSink } from './types.js';

/** At shutdown, how long printer streams get to take the bytes already sent before they are closed. */
const PRINTER_FLUSH_MS = 2_000;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

export class Link {
  readonly name: string;
  readonly config: LinkConfig;
  readonly till: TillSide;
  readonly printer: PrinterSide;
  readonly #sink: CaptureSink;
  readonly #timing: SessionTiming;
  readonly #sessions = new Set<SessionBridge>();
  readonly #log;
  readonly #sessionLog: RateLimitedLog;
  /** Where passthrough latency events go (the agent's events); kept for a successor made by handOver. */
  readonly #onLatency: ((event: AgentEventMap['passthrough.latency']) => void) | undefined;
  readonly #latency: LinkLatency;
  #sessionCount = 0;
  /** The till side was already listening for a predecessor when this link was made (handOver). */
  #tillInherited = false;
  /** The printer side is shared with a predecessor (handOver with the printer unchanged): already started. */
  #printerInherited = false;
  /** The link this one handed its till side to: new sessions go there, and stopping this one leaves it running. */
  #successor: Link | undefined;

  constructor(
    config: LinkConfig,
    sink: CaptureSink,
    sides?: { till: TillSide; printer: PrinterSide },
    onLatency?: (event: AgentEventMap['passthrough.latency']) => void,
  ) {
    this.name = config.name;
    this.config = config;
    this.till = sides?.till ?? createTillSide(config.till, log.child({ link: config.name }));
    this.printer = sides?.printer ?? createPrinterSide(config.printer, log.child({ link: config.name }));
    this.#sink = sink;
    this.#timing = { idleGapMs: config.idleGapMs, replyLingerMs: config.replyLingerMs, printerRetryMs: config.printerRetryMs };
    this.#log = log.child({ link: config.name });
    this.#sessionLog = new RateLimitedLog(this.#log);
    this.#onLatency = onLatency;
    this.#latency = new LinkLatency(config.name, onLatency ?? (() => undefined));
  }

  /** Sessions open now, and ever. */
  get activeSessions(): number {
    return this.#sessions.size;
  }

  get totalSessions(): number {
    return this.#sessionCount;
  }

  /** Open sessions by where they stand with the printer, e.g. { printing: 1, 'waiting-for-printer': 1 }. */
  get sessionStates(): Partial<Record<PrinterState, number>> {
    const states: Partial<Record<PrinterState, number>> = {};
    for (const session of this.#sessions) states[session.state] = (states[session.state] ?? 0) + 1;
    return states;
  }

  async start(): Promise<void> {
    if (!this.#printerInherited) await this.printer.start?.();
    if (!this.#tillInherited) await this.till.start((session) => this.#accept(session));
    this.#latency.start();
    this.#log.info({ till: this.config.till.kind, printer: this.config.printer.kind, tookOverTill: this.#tillInherited }, 'link running');
  }

  /**
   * A link for `config` (same till side config, anything else changed) that takes over this link's till side
   * while it keeps listening, so a reload never has a moment when the till's port refuses connections. From
   * now on new sessions go to the successor; sessions in flight finish here, on the old printer. Stop this link
   * afterwards: its till side is left running for the successor.
   */
  handOver(config: LinkConfig): Link {
    // An unchanged printer side is shared too: two sides on one serial device would fight over it.
    const printer = isDeepStrictEqual(this.config.printer, config.printer) ? this.printer : createPrinterSide(config.printer, log.child({ link: config.name }));
    const next = new Link(config, this.#sink, { till: this.till, printer }, this.#onLatency);
    next.#tillInherited = true;
    next.#printerInherited = printer === this.printer;
    this.#successor = next;
    return next;
  }

  /** Whether handOver() can carry this link's till side over to `config`. */
  canHandOver(config: LinkConfig): boolean {
    // A listening socket can change hands between sessions; a persistent line's one long session cannot.
    return this.config.till.kind === 'tcp' && isDeepStrictEqual(this.config.till, config.till);
  }

  /**
   * Lets connections in flight finish for up to `graceMs` (a job being printed is not cut off early), then
   * closes whatever is left, persistent lines included, and releases both sides.
   */
  async stop(graceMs: number): Promise<void> {
    const inFlight = [...this.#sessions].filter((s) => !s.persistent);
    if (inFlight.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([Promise.all(inFlight.map((s) => s.closed)), grace]);
      clearTimeout(timer);
    }
    const finishing = Promise.all([...this.#sessions].map((s) => s.shutdown()));
    await Promise.race([finishing, delay(PRINTER_FLUSH_MS)]);
    if (this.#successor === undefined) await this.till.stop();
    if (this.#successor?.printer !== this.printer) await this.printer.close();
    this.#latency.stop();
    this.#log.info('link stopped');
  }

  /**
   * Plays `bytes` into the link as if the till had sent them in one connection (`posbridge test-print` to a
   * serial till, whose port only the daemon can open): printed, captured and stored like any job.
   */
  async inject(bytes: Buffer, peer = 'injected'): Promise<{ replyBytes: number }> {
    let replyBytes = 0;
    const stream = Duplex.from({
      readable: Readable.from([bytes]),
      writable: new Writable({
        write: (chunk: Buffer, _encoding, done) => {
          replyBytes += chunk.length;
          done();
        },
      }),
    });
    const bridge = this.#bridge({ stream, peer, endIsJobBoundary: true });
    await bridge.closed;
    return { replyBytes };
  }

  /** A new till session, for the newest link in the hand-over chain. */
  #accept(session: TillSession): void {
    let link: Link = this;
    while (link.#successor !== undefined) link = link.#successor;
    link.#bridge(session);
  }

  #bridge(session: TillSession): SessionBridge {
    this.#sessionCount++;
    const tap = this.#sink.openSession({ link: this.name, tillId: tillIdOf(this.config), peer: session.peer });
    const bridge = new SessionBridge(session, this.printer, tap, this.#timing, this.#sessionLog, this.#latency);
    this.#sessions.add(bridge);
    void bridge.closed.then(() => this.#sessions.delete(bridge));
    return bridge;
  }
}
