// The daemon's handle on forwarding, which runs on another thread (host.ts, hosted by the processing worker):
// starts it there over a port of its own, wakes it when baskets are stored, keeps its latest status for
// `posbridge status`, asks it to probe the backends, and starts it again (with backoff) when its port closes
// unasked (the hosting thread died and was restarted, or the sinks could not be made). Nothing here waits on the
// backend: the passthrough thread only posts messages.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { Logger } from '../log.js';
import type { DriftNotice } from '../model/index.js';
import { backoffDelay } from './backoff.js';
import type { BatchEvent } from './forwarder.js';
import type { ForwardSettings, ForwardStatus, FromForward, ProbeResult, ToForward } from './protocol.js';

const RESTART = { initialMs: 1_000, maxMs: 60_000 };

/** Hands forwarding's far end of the port to the thread that hosts it; false while that thread is not running. */
export type ForwardingHost = (port: MessagePort, settings: ForwardSettings) => boolean;

export class ForwardingHandle {
  readonly #settings: ForwardSettings;
  readonly #host: ForwardingHost;
  readonly #log: Logger;
  readonly #onBatch: ((event: BatchEvent) => void) | undefined;
  #port: MessagePort | undefined;
  #status: ForwardStatus | undefined;
  #fatal: string | null = null;
  #restarts = 0;
  #restartTimer: NodeJS.Timeout | undefined;
  #stopping = false;
  #drift: readonly DriftNotice[] = [];
  readonly #probes = new Map<number, (results: readonly ProbeResult[]) => void>();
  #nextProbe = 1;

  constructor(settings: ForwardSettings, host: ForwardingHost, logger: Logger, onBatch?: (event: BatchEvent) => void) {
    this.#settings = settings;
    this.#host = host;
    this.#log = logger.child({ component: 'forward' });
    this.#onBatch = onBatch;
  }

  get running(): boolean {
    return this.#port !== undefined;
  }

  start(): void {
    const { port1: port, port2: far } = new MessageChannel();
    if (!this.#host(far, this.#settings)) {
      port.close();
      this.#onClose(undefined);
      return;
    }
    this.#port = port;
    port.on('message', (message: FromForward) => this.#onMessage(message));
    port.once('close', () => this.#onClose(port));
    if (this.#drift.length > 0) this.#post({ t: 'drift', notices: this.#drift });
  }

  /** Baskets were stored: deliver now rather than at the next poll. */
  wake(): void {
    this.#post({ t: 'wake' });
  }

  setDrift(notices: readonly DriftNotice[]): void {
    this.#drift = notices;
    this.#post({ t: 'drift', notices });
  }

  /** The latest snapshot (at most a few seconds old; empty until the thread's first), with whether the thread runs. */
  status(): ForwardStatus & { running: boolean; fatal: string | null } {
    const none: ForwardStatus = { sinks: [], deadLetters: [], diskBytes: 0, lastPrune: null, updatedAt: '', error: null };
    return { ...(this.#status ?? none), running: this.running, fatal: this.#fatal };
  }

  /** Asks every sink whether its backend answers; empty when the thread is down. */
  probe(timeoutMs = 15_000): Promise<readonly ProbeResult[]> {
    if (this.#port === undefined) return Promise.resolve([]);
    const id = this.#nextProbe++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#probes.delete(id);
        resolve([]);
      }, timeoutMs);
      this.#probes.set(id, (results) => {
        clearTimeout(timer);
        resolve(results);
      });
      this.#post({ t: 'probe', id });
    });
  }

  /** Lets the batch in flight finish and its results be recorded; what is still pending waits for the next start. */
  async stop(timeoutMs = 15_000): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    const port = this.#port;
    if (port === undefined) return;
    const closed = new Promise<void>((resolve) => port.once('close', () => resolve()));
    this.#post({ t: 'stop' });
    // Past the timeout the batch in flight is abandoned: its claim runs out and it is sent again.
    const timer = setTimeout(() => port.close(), timeoutMs);
    await closed;
    clearTimeout(timer);
  }

  #post(message: ToForward): void {
    this.#port?.postMessage(message);
  }

  #onMessage(message: FromForward): void {
    switch (message.t) {
      case 'status':
        this.#status = message.status;
        this.#restarts = 0;
        this.#fatal = null;
        break;
      case 'batch':
        this.#onBatch?.(message.event);
        break;
      case 'probe':
        this.#probes.get(message.id)?.(message.results);
        this.#probes.delete(message.id);
        break;
      case 'fatal':
        this.#fatal = message.message;
        this.#log.error(`forwarding cannot run: ${message.message} (capture and storage go on; baskets wait in the outbox)`);
        break;
      case 'stopped':
        break;
    }
  }

  /** The port closed (or could not be handed over: `port` undefined): unless asked to stop, start again later. */
  #onClose(port: MessagePort | undefined): void {
    if (port !== undefined && this.#port === port) this.#port = undefined;
    if (this.#stopping) return;
    this.#restarts++;
    // One forwarding per agent: no herd to spread out, so the plain doubling (no jitter).
    const delay = backoffDelay(this.#restarts, RESTART, () => 1);
    this.#log.error({ restartInMs: delay }, 'forwarding stopped; starting it again (baskets wait in the outbox)');
    this.#restartTimer = setTimeout(() => this.start(), delay);
  }
}
