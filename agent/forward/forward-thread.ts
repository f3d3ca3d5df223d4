// The daemon's handle on the forwarding thread (thread-entry.ts): starts it, wakes it when baskets are stored,
// keeps its latest status for `posbridge status`, asks it to probe the backends, and restarts it (with backoff)
// if it dies. Nothing here waits on the backend: the passthrough thread only posts messages.
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.js';
import type { DriftNotice } from '../model/index.js';
import { WORKER_THREAD_LIMITS } from '../model/thread-limits.js';
import { backoffDelay } from './backoff.js';
import type { BatchEvent } from './forwarder.js';
import type { ForwardSettings, ForwardStatus, FromForward, ProbeResult, ToForward } from './thread-protocol.js';

const ENTRY_URL = new URL('./thread-entry.js', import.meta.url);
const RESTART = { initialMs: 1_000, maxMs: 60_000 };

export class ForwardThread {
  readonly #settings: ForwardSettings;
  readonly #log: Logger;
  readonly #onBatch: ((event: BatchEvent) => void) | undefined;
  #worker: Worker | undefined;
  #status: ForwardStatus | undefined;
  #fatal: string | null = null;
  #restarts = 0;
  #restartTimer: NodeJS.Timeout | undefined;
  #stopping = false;
  #drift: readonly DriftNotice[] = [];
  readonly #probes = new Map<number, (results: readonly ProbeResult[]) => void>();
  #nextProbe = 1;

  constructor(settings: ForwardSettings, logger: Logger, onBatch?: (event: BatchEvent) => void) {
    this.#settings = settings;
    this.#log = logger.child({ component: 'forward' });
    this.#onBatch = onBatch;
  }

  get running(): boolean {
    return this.#worker !== undefined;
  }

  start(): void {
    const worker = new Worker(ENTRY_URL, { workerData: this.#settings, resourceLimits: WORKER_THREAD_LIMITS });
    this.#worker = worker;
    worker.on('message', (message: FromForward) => this.#onMessage(message));
    worker.on('error', (error) => this.#log.error({ err: error }, 'forwarding thread failed'));
    worker.once('exit', (code) => this.#onExit(worker, code));
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
    if (this.#worker === undefined) return Promise.resolve([]);
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
    const worker = this.#worker;
    if (worker === undefined) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    this.#post({ t: 'stop' });
    const timer = setTimeout(() => void worker.terminate(), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  #post(message: ToForward): void {
    this.#worker?.postMessage(message);
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

  #onExit(worker: Worker, code: number): void {
    if (this.#worker === worker) this.#worker = undefined;
    if (this.#stopping) return;
    this.#restarts++;
    // One thread per agent: no herd to spread out, so the plain doubling (no jitter).
    const delay = backoffDelay(this.#restarts, RESTART, () => 1);
    this.#log.error({ exitCode: code, restartInMs: delay }, 'forwarding thread stopped; restarting it (baskets wait in the outbox)');
    this.#restartTimer = setTimeout(() => this.start(), delay);
  }
}
