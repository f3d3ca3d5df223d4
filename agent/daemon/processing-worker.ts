// The passthrough thread's handle on the processing worker (worker.ts): a CaptureChannel that posts captured
// bytes to it, restarts it if it dies, and drains it at shutdown. The links only ever see `sink`, whose taps
// never wait on any of this.
import { Worker, type MessagePort } from 'node:worker_threads';
import { BatchingSink, type CaptureChannel } from '../capture/batching-sink.js';
import type { SessionInfo } from '../capture/types.js';
import { backoffDelay } from '../forward/backoff.js';
import type { ForwardSettings } from '../forward/protocol.js';
import { log } from '../log.js';
import type { OcrStatus } from '../ocr/index.js';
import type { StoreHealth } from '../model/store-health.js';
import { WORKER_THREAD_LIMITS } from '../model/thread-limits.js';
import { SpillWriter } from './capture-spill.js';
import { collectorOfCapturedBytes } from './heap-tuning.js';
import type { JobSummary } from './job-processor.js';
import type { FromWorker, ToWorker, WorkerSettings } from './worker-protocol.js';

const WORKER_URL = new URL('./worker.js', import.meta.url);
/** Restarts wait 0.5 s, 1 s, 2 s … up to 30 s while the worker keeps dying; the count resets once it stores a job. */
const RESTART = { initialMs: 500, maxMs: 30_000 };
/**
 * Captured bytes held for a worker that is restarting, handed to it once it runs: a till printing in that half
 * second still gets its receipt stored. Past this (a worker that cannot start), bytes are counted lost again. With
 * the spill file, only IN_MEMORY_BYTES of them are held in memory and the rest wait in the file.
 */
const HOLD_WHILE_RESTARTING_BYTES = 16 * 1024 * 1024;
/**
 * Captured bytes posted to the worker and not yet journalled that are kept in memory (its message queue); past this
 * (a flood faster than the journal), they go to the spill file (capture-spill.ts) until the worker has caught up.
 * Measured on the 50 MB flood (bench store): ~48 MiB waited in the queue without it.
 */
export const IN_MEMORY_BYTES = 2 * 1024 * 1024;

export interface DrainResult {
  pendingJobs: number;
  droppedJobs: number;
}

export class ProcessingWorker implements CaptureChannel {
  readonly sink: BatchingSink;
  #settings: WorkerSettings;
  readonly #onJob: (summary: JobSummary) => void;
  readonly #log = log.child({ component: 'processing-worker' });
  #worker: Worker | undefined;
  #restarts = 0;
  #restartTimer: NodeJS.Timeout | undefined;
  #stopping = false;
  #drained: ((result: DrainResult) => void) | undefined;
  /** Bytes that could not be handed over while the worker was down. */
  #lostBytes = 0;
  /** Why captured jobs cannot be stored right now (null while they can). */
  #storeProblem: string | null = null;
  /** Shared with the worker: 1 once draining, so it stores its backlog raw instead of decoding it. */
  readonly #draining = new Int32Array(new SharedArrayBuffer(4));
  /** The OCR queue as the worker last reported it; null until it has. */
  #ocrStatus: OcrStatus | null = null;
  /** Tills' closes waiting for their bytes to be durable, by sync token. */
  readonly #syncs = new Map<number, () => void>();
  #nextToken = 1;
  #storeHealth: StoreHealth | null = null;
  /** What the capture sent while no worker ran (a restart), in order, for the next worker; and the bytes in it. */
  #waiting: ToWorker[] = [];
  #waitingBytes = 0;
  /** Sessions the stopped worker had open: the next one opens them before anything that waited. */
  #reopen: [number, SessionInfo][] = [];
  /** Opened with the first worker; undefined if the data folder cannot take it (bytes are then held in memory). */
  #spill: SpillWriter | undefined;
  /** Captured bytes posted to the worker in messages, not yet acknowledged. */
  #inMemoryBytes = 0;
  /** Spilled bytes posted to the running worker, not yet acknowledged (lost with it if it dies). */
  #spilledPosted = 0;
  /**
   * Messages waiting behind a spill write, in order: while any wait, everything posted queues behind them, so the
   * worker sees each session's bytes, ends and syncs in the order the capture made them.
   */
  #ordered = 0;
  #tail: Promise<void> = Promise.resolve();
  #spillFailed = false;

  constructor(settings: WorkerSettings, options: { maxBacklogBytes: number; onJob: (summary: JobSummary) => void }) {
    this.#settings = settings;
    this.#onJob = options.onJob;
    this.sink = new BatchingSink(this, { maxBacklogBytes: options.maxBacklogBytes, collectGarbage: collectorOfCapturedBytes() });
  }

  get running(): boolean {
    return this.#worker !== undefined;
  }

  get lostBytes(): number {
    return this.#lostBytes;
  }

  /** Captured bytes waiting in the spill file for the worker. */
  get spilledBytes(): number {
    return this.#spill?.outstandingBytes ?? 0;
  }

  get ocrStatus(): OcrStatus | null {
    return this.#ocrStatus;
  }

  /** The store as the worker last reported it; null until it reports a change (all well). */
  get storeHealth(): StoreHealth | null {
    return this.#storeHealth;
  }

  /** Why the store cannot be written right now, in words (/healthz); null while it can. */
  get storeProblem(): string | null {
    const outage = this.#storeHealth?.outage;
    // An outage of a running worker, else a worker that could not open the store at all.
    return outage == null ? this.#storeProblem : `${outage.code}: ${outage.reason} (since ${outage.since})`;
  }

  /**
   * Starts the worker; resolves once it has the store open and its journal in hand (so bytes captured from now
   * on are journalled), rejects with the worker's own words if it cannot open the store.
   */
  start(): Promise<void> {
    this.#openSpill();
    const workerData = { ...this.#settings, spill: this.#spill?.access, draining: this.#draining };
    const worker = new Worker(WORKER_URL, { workerData, resourceLimits: WORKER_THREAD_LIMITS });
    this.#worker = worker;
    const ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: FromWorker): void => {
        if (message.t === 'ready') resolve();
        else if (message.t === 'fatal') reject(new Error(message.message));
        else return;
        worker.off('message', onMessage);
      };
      worker.on('message', onMessage);
      worker.once('exit', (code) => reject(new Error(`the processing worker stopped while starting (exit code ${code})`)));
    });
    worker.on('message', (message: FromWorker) => this.#onMessage(message));
    worker.on('error', (error) => this.#log.error({ err: error }, 'processing worker failed'));
    worker.once('exit', (code) => this.#onExit(worker, code));
    // Sessions open when the last worker stopped carry on in this one, then what was captured meanwhile.
    for (const [session, info] of this.#reopen) worker.postMessage({ t: 'open', session, info } satisfies ToWorker);
    this.#reopen = [];
    for (const message of this.#takeWaiting()) this.#postTo(worker, message);
    return ready;
  }

  #openSpill(): void {
    if (this.#spill !== undefined || this.#spillFailed) return;
    try {
      this.#spill = SpillWriter.open(this.#settings.dataDir);
    } catch (error) {
      this.#spillFailed = true;
      this.#log.warn({ err: (error as Error).message }, 'no capture spill file: a flood the worker falls behind on is held in memory');
    }
  }

  /** Hosts forwarding on this worker (forward/host.ts) over `port`; false while no worker runs (it is restarting). */
  hostForwarding(port: MessagePort, settings: ForwardSettings): boolean {
    if (this.#worker === undefined) return false;
    this.#worker.postMessage({ t: 'forward', port, settings } satisfies ToWorker, [port]);
    return true;
  }

  configure(settings: WorkerSettings): void {
    this.#settings = settings;
    this.#post({ t: 'configure', settings });
  }

  /** Ends every open job, waits until the worker has stored everything it holds (up to timeoutMs), stops it. */
  async drain(timeoutMs: number): Promise<DrainResult | undefined> {
    const restartDue = this.#restarting;
    this.#stopping = true;
    Atomics.store(this.#draining, 0, 1);
    clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
    // Stopped while a worker was restarting: the next one starts now, so that what waited for it (a till's receipt
    // whose close it may have seen) and the journal the last one left are stored before the daemon exits.
    if (restartDue) await this.start().catch((error: Error) => this.#log.error({ err: error.message }, 'processing worker could not start to store what waited for it'));
    const worker = this.#worker;
    if (worker === undefined) {
      // No worker could be had: what waited for it goes nowhere, and is counted (the journal keeps its part).
      this.#lostBytes += this.#waitingBytes;
      this.#takeWaiting();
      this.#spill?.close();
      return undefined;
    }
    const drained = new Promise<DrainResult>((resolve) => {
      this.#drained = resolve;
    });
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    // After everything still waiting behind a spill write.
    this.#post({ t: 'drain' });
    const result = await Promise.race([drained, timeout]);
    clearTimeout(timer);
    this.#spill?.close();
    if (result === undefined) {
      this.#log.error({ timeoutMs }, 'processing worker did not finish in time; stopping it (its unsaved jobs are lost)');
      await worker.terminate();
    } else {
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 1_000))]);
      await worker.terminate();
    }
    return result;
  }

  open(session: number, info: SessionInfo): void {
    this.#post({ t: 'open', session, info });
  }

  data(session: number, bytes: Uint8Array, at: number): void {
    const spill = this.#spill;
    // Held for a restarting worker counts too: while one restarts, the spill takes what does not fit.
    const inMemory = this.#inMemoryBytes + this.#waitingBytes;
    if (spill === undefined || (this.#ordered === 0 && inMemory + bytes.byteLength <= IN_MEMORY_BYTES)) {
      this.#send({ t: 'data', session, bytes, at });
      return;
    }
    const length = bytes.byteLength;
    this.#enqueue(
      spill.write(bytes).then(
        (ref): ToWorker => ({ t: 'spilled', session, ref, at }),
        (error: Error): ToWorker => {
          this.#log.error({ err: error.message, bytes: length }, 'capture spill write failed; the job records the loss (printing is not affected)');
          this.#lostBytes += length;
          this.sink.acknowledge(length);
          return { t: 'lost', session, byteCount: length };
        },
      ),
    );
  }

  lost(session: number, byteCount: number): void {
    this.#post({ t: 'lost', session, byteCount });
  }

  sync(session: number): Promise<void> {
    // Nothing to wait for without a worker to come, nor while the store is down: the till's close goes on at once.
    if ((this.#worker === undefined && !this.#restarting) || this.#storeHealth?.outage != null) return Promise.resolve();
    const token = this.#nextToken++;
    return new Promise((resolve) => {
      this.#syncs.set(token, resolve);
      this.#post({ t: 'sync', session, token });
    });
  }

  end(session: number, reason: 'session-end' | 'shutdown'): void {
    this.#post({ t: 'end', session, reason });
  }

  /** Posts in capture order: behind any message still waiting for its spill write. */
  #post(message: ToWorker): void {
    if (this.#ordered > 0) this.#enqueue(message);
    else this.#send(message);
  }

  #enqueue(message: ToWorker | Promise<ToWorker>): void {
    this.#ordered++;
    this.#tail = Promise.all([this.#tail, message]).then(([, ready]) => {
      this.#ordered--;
      this.#send(ready);
    });
  }

  /** To the running worker; while it restarts, kept for the next one (captured bytes up to a limit); else dropped. */
  #send(message: ToWorker): void {
    const worker = this.#worker;
    if (worker !== undefined) {
      this.#postTo(worker, message);
      return;
    }
    if (message.t === 'configure') return;
    const bytes = message.t === 'data' ? message.bytes.byteLength : 0;
    if (this.#restarting && (bytes === 0 || this.#waitingBytes + bytes <= HOLD_WHILE_RESTARTING_BYTES)) {
      this.#waiting.push(message);
      this.#waitingBytes += bytes;
      return;
    }
    if (message.t === 'data' || message.t === 'spilled') {
      const length = message.t === 'data' ? bytes : message.ref.length;
      if (message.t === 'spilled') this.#spill?.release(length);
      this.#lostBytes += length;
      this.sink.acknowledge(length);
    }
  }

  #postTo(worker: Worker, message: ToWorker): void {
    if (message.t === 'data') {
      this.#inMemoryBytes += message.bytes.byteLength;
      worker.postMessage(message, [message.bytes.buffer as ArrayBuffer]);
      return;
    }
    if (message.t === 'spilled') this.#spilledPosted += message.ref.length;
    worker.postMessage(message);
  }

  /** What waited for a worker, handed over once: nothing waits after. */
  #takeWaiting(): ToWorker[] {
    const waiting = this.#waiting;
    this.#waiting = [];
    this.#waitingBytes = 0;
    return waiting;
  }

  /** No worker runs, and one is to be started again (not stopping). */
  get #restarting(): boolean {
    return this.#worker === undefined && this.#restartTimer !== undefined && !this.#stopping;
  }

  #onMessage(message: FromWorker): void {
    switch (message.t) {
      case 'ack':
        this.sink.acknowledge(message.byteCount);
        if (message.spilled) {
          this.#spilledPosted -= message.byteCount;
          this.#spill?.release(message.byteCount);
        } else this.#inMemoryBytes = Math.max(0, this.#inMemoryBytes - message.byteCount);
        break;
      case 'job':
        this.#restarts = 0;
        this.#onJob(message.summary);
        break;
      case 'ocr':
        this.#ocrStatus = message.status;
        break;
      case 'ready':
        // A (re)started worker opened the store; a problem it had before is for it to report again.
        this.#storeProblem = null;
        this.#log.debug('processing worker ready');
        break;
      case 'warn':
        this.#log.warn(message.message);
        break;
      case 'fatal':
        this.#storeProblem = message.message;
        this.#log.error(`capture cannot be stored: ${message.message} (printing is not affected; retrying)`);
        break;
      case 'durable':
        this.#syncs.get(message.token)?.();
        this.#syncs.delete(message.token);
        break;
      case 'store':
        this.#storeHealth = message.health;
        if (message.health.outage !== null) this.#releaseSyncs();
        break;
      case 'drained':
        this.#drained?.(message);
        break;
    }
  }

  #releaseSyncs(): void {
    for (const resolve of this.#syncs.values()) resolve();
    this.#syncs.clear();
  }

  #onExit(worker: Worker, code: number): void {
    if (this.#worker === worker) this.#worker = undefined;
    this.#releaseSyncs();
    if (this.#stopping) return;
    this.#reopen = [...this.sink.openSessions];
    const inFlight = this.sink.backlogBytes;
    this.sink.resetBacklog();
    // What the dead worker was given is gone with it, the spilled part too.
    this.#inMemoryBytes = 0;
    this.#spill?.release(this.#spilledPosted);
    this.#spilledPosted = 0;
    // One worker per agent: no herd to spread out, so the plain doubling (no jitter).
    const restartInMs = backoffDelay(++this.#restarts, RESTART, () => 1);
    this.#log.error(
      { exitCode: code, lostBytes: inFlight, restartInMs },
      'processing worker stopped; restarting it (printing is not affected; what it held is replayed from the journal, and bytes captured meanwhile wait for it)',
    );
    this.#lostBytes += inFlight;
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      // A restart's failure is the same as the first's: logged as it happens (see 'fatal'), retried with backoff.
      this.start().catch(() => undefined);
    }, restartInMs);
  }
}
