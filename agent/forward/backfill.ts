// Backfill: re-send (and with `reparse`, re-read) stored receipts through the same outbox and forwarder as live
// ones. Rows are set due in the outbox first, so an interrupted backfill resumes by itself: the daemon (or the
// next backfill) delivers what is left. Safe while the daemon runs: claims keep the two from sending a basket
// at the same time, and idempotency keys make a repeat harmless.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.js';
import type { BatchContext } from '../model/index.js';
import { reparseStoredJob, storeRevisions, type ReparseSettings } from '../pipeline/reparse.js';
import type { Store } from '../store/index.js';
import { Forwarder } from './forwarder.js';
import { createSink, sinkName, type SinkConfig } from './registry.js';
import { claimOwner, releaseDeadClaims } from './service.js';

export interface BackfillOptions {
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  readonly tillId?: string | undefined;
  /** Which deliveries to re-send without `reparse`: failed (pending after a failure), dead letters, or all. */
  readonly status: 'failed' | 'dead' | 'all';
  /** Re-decode and re-extract the stored raw jobs; send only baskets whose reading changed. */
  readonly reparse: ReparseSettings | undefined;
  readonly dryRun: boolean;
  /** At most this many baskets a second. */
  readonly rate?: number | undefined;
  readonly sinks: readonly SinkConfig[];
  readonly baseDir: string;
  readonly context: BatchContext;
  readonly logger: Logger;
  /** Stop trying after the backend has refused everything for this long; what is left stays queued. Default 60 s. */
  readonly giveUpAfterMs?: number;
  readonly onProgress?: (progress: BackfillProgress) => void;
}

export interface BackfillProgress {
  readonly phase: 'reparse' | 'send';
  readonly done: number;
  readonly total: number;
}

export interface BackfillSummary {
  readonly dryRun: boolean;
  readonly reparsedJobs: number;
  /** Baskets stored as a new revision (reparse), or that would be in a dry run. */
  readonly changed: number;
  readonly unchanged: number;
  /** Deliveries set due (or, in a dry run, that would be). */
  readonly queued: number;
  readonly sent: number;
  readonly duplicates: number;
  /** Still undelivered when backfill stopped (they stay queued for the daemon). */
  readonly failed: number;
  readonly dead: number;
}

const REPARSE_BATCH = 500;

class DryRunRollback extends Error {}

/** Runs `work` in a transaction that is always rolled back: what it would change, counted, nothing written. */
function withoutWriting<T>(store: Store, work: () => T): T {
  let result!: T;
  try {
    store.transaction(() => {
      result = work();
      throw new DryRunRollback();
    });
  } catch (error) {
    if (!(error instanceof DryRunRollback)) throw error;
  }
  return result;
}

interface Tally {
  sent: number;
  duplicates: number;
  dead: number;
}

/**
 * Sends a sink's due deliveries until none is left (and `producing` says no more are coming), the backend has
 * refused everything for `giveUpAfterMs`, or forever-held claims remain; returns how many are still undelivered.
 */
async function sendQueued(store: Store, config: SinkConfig, options: BackfillOptions, owner: string, producing: () => boolean, tally: Tally): Promise<number> {
  const sink = createSink(config, { logger: options.logger, baseDir: options.baseDir });
  const rate = options.rate;
  const settings = rate === undefined ? config : { ...config, batch: { ...config.batch, maxCount: Math.max(1, Math.min(config.batch.maxCount, Math.floor(rate))) } };
  const forwarder = new Forwarder({ sink, outbox: store.outbox, settings, owner, logger: options.logger, context: () => options.context });
  const giveUpAfterMs = options.giveUpAfterMs ?? 60_000;
  const started = Date.now();
  let done = 0;
  let refusedSince: number | undefined;
  const givenUp = (): boolean => {
    refusedSince ??= Date.now();
    return Date.now() - refusedSince > giveUpAfterMs;
  };
  try {
    for (;;) {
      const outcome = await forwarder.deliverOnce();
      if (outcome === null) {
        if (producing()) {
          // Re-parsing still stores new revisions: look again after it has done some more.
          await sleep(20);
          continue;
        }
        if (store.outbox.undelivered(sink.name) === 0) break;
        // What is left is held by another forwarder's claim or waits out a basket's own backoff.
        if (givenUp()) break;
        await sleep(250);
        continue;
      }
      tally.sent += outcome.delivered;
      tally.duplicates += outcome.duplicates;
      tally.dead += outcome.dead;
      done += outcome.delivered + outcome.dead;
      if (!producing()) options.onProgress?.({ phase: 'send', done, total: done + store.outbox.undelivered(sink.name) });
      if (outcome.retried === outcome.size) {
        if (givenUp()) break;
        await sleep(Math.max(0, outcome.nextAt - Date.now()));
      } else {
        refusedSince = undefined;
      }
      if (rate !== undefined) {
        const ahead = (done / rate) * 1000 - (Date.now() - started);
        if (ahead > 0) await sleep(ahead);
      }
    }
  } finally {
    await sink.close();
  }
  return store.outbox.undelivered(sink.name);
}

export async function runBackfill(store: Store, options: BackfillOptions): Promise<BackfillSummary> {
  const now = Date.now();
  const names = options.sinks.map(sinkName);
  const range = { from: options.from, to: options.to, tillId: options.tillId };
  let reparsedJobs = 0;
  let changed = 0;
  let unchanged = 0;
  let queued = 0;

  store.outbox.ensureSinks(names);
  if (options.reparse === undefined) {
    const queue = (): number => {
      let n = 0;
      for (const sink of names) {
        n += store.outbox.requeue({ sink, ...range, status: options.status }, now);
        if (options.status === 'all') n += store.outbox.enqueueMissing(sink, range, now);
      }
      return n;
    };
    queued = options.dryRun ? withoutWriting(store, queue) : store.transaction(queue);
    if (options.dryRun) return { dryRun: true, reparsedJobs, changed, unchanged, queued, sent: 0, duplicates: 0, failed: 0, dead: 0 };
  }

  const tally: Tally = { sent: 0, duplicates: 0, dead: 0 };
  let producing = options.reparse !== undefined;
  const owner = claimOwner('backfill');
  // An earlier backfill (or daemon) killed mid-delivery left claims: what it had in flight goes again now.
  if (!options.dryRun) releaseDeadClaims(store.outbox, owner);
  // Sending starts at once: while a re-parse stores new revisions, the backend stores the ones before.
  const senders = options.dryRun ? [] : options.sinks.map((config) => sendQueued(store, config, options, owner, () => producing, tally));

  if (options.reparse !== undefined) {
    const settings = options.reparse;
    const seqBefore = store.lastSeq();
    const ids = store.jobIds(range);
    try {
      for (let i = 0; i < ids.length; i += REPARSE_BATCH) {
        const chunk = ids.slice(i, i + REPARSE_BATCH);
        const pictureJobs: string[] = [];
        const run = (): void => {
          for (const id of chunk) {
            const outcome = reparseStoredJob(store, id, settings, options.dryRun);
            changed += outcome.changed.length;
            unchanged += outcome.unchanged;
            if (outcome.pictures) pictureJobs.push(id);
          }
        };
        // One transaction (one fsync) per chunk of jobs; a dry run only reads.
        if (options.dryRun) run();
        else store.transaction(run);
        // Pictures are read again by OCR outside the transaction (seconds each), then stored the same way.
        if (settings.readPictures !== undefined) {
          for (const id of pictureJobs) {
            const job = store.job(id);
            if (job === undefined) continue;
            const outcome = storeRevisions(store, job, await settings.readPictures(job), options.dryRun);
            changed += outcome.changed.length;
            unchanged += outcome.unchanged;
          }
        }
        reparsedJobs += chunk.length;
        options.onProgress?.({ phase: 'reparse', done: reparsedJobs, total: ids.length });
        // Let the senders' answers in between chunks.
        await new Promise((resolve) => setImmediate(resolve));
      }
      // The trigger queued the new revisions for active sinks; a sink not active in the daemon gets them here.
      if (!options.dryRun) for (const sink of names) store.outbox.enqueueMissing(sink, { ...range, afterSeq: seqBefore }, now);
    } finally {
      producing = false;
    }
    queued = changed * names.length;
  }
  const failed = (await Promise.all(senders)).reduce((n, left) => n + left, 0);
  return { dryRun: options.dryRun, reparsedJobs, changed, unchanged, queued, sent: tally.sent, duplicates: tally.duplicates, failed, dead: tally.dead };
}
