// OCR off the printing path: the processing worker stores every job at once (raw bytes, any text basket) and
// offers it here; raster-only documents wait in a bounded queue and are read one at a time by the engine (on
// its own thread), and each OCR basket is saved through the same saver with the same job record (the job insert
// is a no-op, the basket is new). A full queue turns new jobs away rather than grow: they stay stored raw with no
// basket, so the next worker start (recover) or a re-parse reads them. Memory: pictures over maxImagePixels are
// not read, and the engine is restarted, giving its WebAssembly heap back, when the process grows past
// memoryLimitMb after a job or sits idle for idleMs.
import type { PrintedDocument } from '../decode/index.js';
import type { Basket, ExtractContext } from '../extract/index.js';
import type { Logger } from '../log.js';
import type { JobRecord } from '../store/index.js';
import type { OcrConfig } from './config.js';
import { OcrEngine } from './engine.js';
import { needsOcr } from './raster-rule.js';
import { DEFAULT_PSM, readDocument } from './reader.js';

/** What `status` shows of the OCR queue. */
export interface OcrStatus {
  readonly enabled: boolean;
  readonly engine: string | null;
  readonly engineRunning: boolean;
  readonly queued: number;
  readonly maxQueue: number;
  readonly reading: boolean;
  /** Since the worker started: jobs read, jobs whose reading failed or timed out, jobs turned away by a full queue. */
  readonly done: number;
  readonly failed: number;
  readonly turnedAway: number;
  readonly lastMs: number | null;
}

/** A printed document of a stored job with the context its basket is extracted in. */
export interface OcrDocument {
  readonly doc: PrintedDocument;
  readonly ctx: ExtractContext;
}

export interface OcrSaver {
  save(job: JobRecord, baskets: readonly Basket[]): void;
}

interface Task {
  readonly job: JobRecord;
  readonly documents: readonly OcrDocument[];
}

export class OcrService {
  #config: OcrConfig;
  readonly #saver: OcrSaver;
  readonly #log: Logger;
  readonly #onStatus: (status: OcrStatus) => void;
  readonly #onSaved: (job: JobRecord, baskets: readonly Basket[]) => void;
  #engine: OcrEngine | undefined;
  readonly #queue: Task[] = [];
  readonly #queuedIds = new Set<string>();
  #reading = false;
  #done = 0;
  #failed = 0;
  #turnedAway = 0;
  #lastMs: number | null = null;
  #idleTimer: NodeJS.Timeout | undefined;
  #stopped = false;
  /** The languages changed: the engine is replaced before the next job. */
  #engineStale = false;
  #idle: Promise<void> = Promise.resolve();
  #settle: (() => void) | undefined;

  constructor(
    config: OcrConfig,
    saver: OcrSaver,
    options: { logger: Logger; onStatus?: (status: OcrStatus) => void; onSaved?: (job: JobRecord, baskets: readonly Basket[]) => void },
  ) {
    this.#config = config;
    this.#saver = saver;
    this.#log = options.logger.child({ component: 'ocr' });
    this.#onStatus = options.onStatus ?? (() => {});
    this.#onSaved = options.onSaved ?? (() => {});
    this.#publish();
  }

  /** New limits apply from the next job; turning OCR off empties the queue (those jobs stay stored raw). */
  configure(config: OcrConfig): void {
    if (config.languages.join('+') !== this.#config.languages.join('+')) this.#engineStale = true;
    this.#config = config;
    if (!config.enabled) this.#queue.splice(0).forEach((t) => this.#queuedIds.delete(t.job.id));
    if (!this.#reading && (this.#engineStale || !config.enabled)) void this.#stopEngine();
    this.#publish();
  }

  /** Which of a job's documents OCR would read under the current rule. */
  wanted(documents: readonly OcrDocument[]): OcrDocument[] {
    if (!this.#config.enabled) return [];
    return documents.filter((d) => needsOcr(d.doc, this.#config.minImageShare));
  }

  /**
   * Queues the job's raster-only documents (if any) for OCR. False when there is nothing to read, OCR is off,
   * the job is already queued, or the queue is full.
   */
  offer(job: JobRecord, documents: readonly OcrDocument[]): boolean {
    if (this.#stopped) return false;
    const wanted = this.wanted(documents);
    if (wanted.length === 0 || this.#queuedIds.has(job.id)) return false;
    if (this.#queue.length >= this.#config.maxQueue) {
      this.#turnedAway++;
      this.#log.warn({ job: job.id, maxQueue: this.#config.maxQueue }, 'OCR queue full: job stored without its OCR basket; it is read at the next start or by backfill --reparse');
      this.#publish();
      return false;
    }
    this.#queue.push({ job, documents: wanted });
    this.#queuedIds.add(job.id);
    this.#publish();
    if (!this.#reading) void this.#run();
    return true;
  }

  status(): OcrStatus {
    return {
      enabled: this.#config.enabled,
      engine: this.#engine?.version ?? null,
      engineRunning: this.#engine?.started ?? false,
      queued: this.#queue.length,
      maxQueue: this.#config.maxQueue,
      reading: this.#reading,
      done: this.#done,
      failed: this.#failed,
      turnedAway: this.#turnedAway,
      lastMs: this.#lastMs,
    };
  }

  /** Resolves when the queue is empty and nothing is being read (tests, drain). */
  whenIdle(): Promise<void> {
    return this.#idle;
  }

  /**
   * Stops at once (daemon drain): the queue is dropped and the engine thread terminated mid-page; the job in
   * hand is not saved. None of those jobs has an OCR basket yet, so the next start reads them again.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#queue.splice(0).forEach((t) => this.#queuedIds.delete(t.job.id));
    clearTimeout(this.#idleTimer);
    await this.#engine?.stop();
  }

  async #run(): Promise<void> {
    this.#reading = true;
    clearTimeout(this.#idleTimer);
    this.#idle = new Promise((resolve) => {
      this.#settle = resolve;
    });
    this.#publish();
    try {
      for (let task = this.#queue.shift(); task !== undefined && !this.#stopped; task = this.#queue.shift()) {
        this.#publish();
        await this.#read(task);
        this.#queuedIds.delete(task.job.id);
        this.#publish();
      }
    } finally {
      this.#reading = false;
      this.#publish();
      this.#settle?.();
      if (!this.#stopped) {
        this.#idleTimer = setTimeout(() => {
          if (!this.#reading) void this.#stopEngine();
        }, this.#config.idleMs).unref();
      }
    }
  }

  async #read(task: Task): Promise<void> {
    const config = this.#config;
    if (this.#engineStale) await this.#stopEngine();
    this.#engine ??= new OcrEngine({ languages: config.languages, psm: DEFAULT_PSM, logger: this.#log });
    const engine = this.#engine;
    if (!engine.started) void engine.warmUp().then(() => this.#publish(), () => {});
    const started = performance.now();
    const baskets: Basket[] = [];
    let failed = false;
    for (const { doc, ctx } of task.documents) {
      try {
        const reading = await readDocument(doc, engine, ctx, { timeoutMs: config.jobTimeoutMs, maxImagePixels: config.maxImagePixels });
        failed ||= reading.document === null;
        baskets.push(reading.basket);
      } catch (error) {
        // readDocument turns engine failures into baskets; anything else is a bug, logged without receipt text.
        failed = true;
        this.#log.error({ err: error, job: task.job.id }, 'OCR of a job failed');
      }
    }
    if (this.#stopped) return;
    this.#lastMs = Math.round(performance.now() - started);
    if (failed) this.#failed++;
    else this.#done++;
    if (baskets.length > 0) {
      this.#saver.save(task.job, baskets);
      this.#onSaved(task.job, baskets);
    }
    this.#log.info({ job: task.job.id, ms: this.#lastMs, baskets: baskets.length }, 'job read by OCR');
    const rssMb = process.memoryUsage.rss() / (1024 * 1024);
    if (rssMb > config.memoryLimitMb) {
      this.#log.warn({ rssMb: Math.round(rssMb), memoryLimitMb: config.memoryLimitMb }, 'memory above the OCR limit: restarting the OCR engine');
      await this.#stopEngine();
    }
  }

  /** Callers make sure no recognition is under way (between jobs, or idle). */
  async #stopEngine(): Promise<void> {
    const engine = this.#engine;
    if (this.#engineStale) {
      this.#engine = undefined;
      this.#engineStale = false;
    }
    if (engine === undefined) return;
    await engine.stop();
    this.#publish();
  }

  #publish(): void {
    this.#onStatus(this.status());
  }
}
