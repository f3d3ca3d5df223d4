// The passthrough thread's handle on the processing worker (worker.ts): a CaptureChannel that posts captured
// bytes to it, restarts it if it dies, and drains it at shutdown. The links only ever see `sink`, whose taps
// never wait on any of this.
import { Worker } from 'node:worker_threads';
import { BatchingSink, type CaptureChannel } from '../capture/batching-sink.js';
import type { SessionInfo } from '../capture/types.js';
import { log } from '../log.js';
import type { JobSummary } from './job-processor.js';
import type { FromWorker, ToWorker, WorkerSettings } from './worker-protocol.js';

const WORKER_URL = new URL('./worker.js', import.meta.url);
const RESTART_MIN_MS = 500;
const RESTART_MAX_MS = 30_000;

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
  #restartMs = RESTART_MIN_MS;
  #restartTimer: NodeJS.Timeout | undefined;
  #stopping = false;
  #drained: ((result: DrainResult) => void) | undefined;
  /** Bytes that could not be handed over while the worker was down. */
  #lostBytes = 0;
  /** Why captured jobs cannot be stored right now (null while they can). */
  #storeProblem: string | null = null;
  /** Shared with the worker: 1 once draining, so it stores its backlog raw instead of decoding it. */
  readonly #draining = new Int32Array(new SharedArrayBuffer(4));

  constructor(settings: WorkerSettings, options: { maxBacklogBytes: number; onJob: (summary: JobSummary) => void }) {
    this.#settings = settings;
    this.#onJob = options.onJob;
    this.sink = new BatchingSink(this, { maxBacklogBytes: options.maxBacklogBytes });
  }

  get running(): boolean {
    return this.#worker !== undefined;
  }

  get lostBytes(): number {
    return this.#lostBytes;
  }

  get storeProblem(): string | null {
    return this.#storeProblem;
  }

  start(): void {
    const worker = new Worker(WORKER_URL, { workerData: { ...this.#settings, draining: this.#draining } });
    this.#worker = worker;
    worker.on('message', (message: FromWorker) => this.#onMessage(message));
    worker.on('error', (error) => this.#log.error({ err: error }, 'processing worker failed'));
    worker.once('exit', (code) => this.#onExit(worker, code));
    // Sessions already open (a restart) carry on in the new worker from their next bytes.
    for (const [session, info] of this.sink.openSessions) this.#post({ t: 'open', session, info });
  }

  configure(settings: WorkerSettings): void {
    this.#settings = settings;
    this.#post({ t: 'configure', settings });
  }

  /** Ends every open job, waits until the worker has stored everything it holds (up to timeoutMs), stops it. */
  async drain(timeoutMs: number): Promise<DrainResult | undefined> {
    this.#stopping = true;
    Atomics.store(this.#draining, 0, 1);
    clearTimeout(this.#restartTimer);
    const worker = this.#worker;
    if (worker === undefined) return undefined;
    const drained = new Promise<DrainResult>((resolve) => {
      this.#drained = resolve;
    });
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    worker.postMessage({ t: 'drain' } satisfies ToWorker);
    const result = await Promise.race([drained, timeout]);
    clearTimeout(timer);
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
    const worker = this.#worker;
    if (worker === undefined) {
      this.#lostBytes += bytes.byteLength;
      this.sink.acknowledge(bytes.byteLength);
      return;
    }
    worker.postMessage({ t: 'data', session, bytes, at } satisfies ToWorker, [bytes.buffer as ArrayBuffer]);
  }

  lost(session: number, byteCount: number): void {
    this.#post({ t: 'lost', session, byteCount });
  }

  end(session: number, reason: 'session-end' | 'shutdown'): void {
    this.#post({ t: 'end', session, reason });
  }

  #post(message: ToWorker): void {
    this.#worker?.postMessage(message);
  }

  #onMessage(message: FromWorker): void {
    switch (message.t) {
      case 'ack':
        this.sink.acknowledge(message.byteCount);
        break;
      case 'job':
        this.#restartMs = RESTART_MIN_MS;
        this.#onJob(message.summary);
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
      case 'store':
        this.#storeProblem = message.problem;
        break;
      case 'drained':
        this.#drained?.(message);
        break;
    }
  }

  #onExit(worker: Worker, code: number): void {
    if (this.#worker === worker) this.#worker = undefined;
    if (this.#stopping) return;
    const inFlight = this.sink.backlogBytes;
    this.sink.resetBacklog();
    this.#log.error(
      { exitCode: code, lostBytes: inFlight, restartInMs: this.#restartMs },
      'processing worker stopped; restarting it (printing is not affected; jobs in progress are lost)',
    );
    this.#lostBytes += inFlight;
    this.#restartTimer = setTimeout(() => this.start(), this.#restartMs);
    this.#restartMs = Math.min(this.#restartMs * 2, RESTART_MAX_MS);
  }
}
