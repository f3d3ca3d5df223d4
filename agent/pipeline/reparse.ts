// Re-parsing stored raw jobs with today's decoder, extractor and profiles: the same path as live capture
// (job-baskets.ts), from the jobs table instead of a till. A basket whose reading changed is stored as a new
// revision, which the outbox trigger queues for every active sink; an unchanged one is left alone.
import { decode, type DecoderOptions } from '../decode/index.js';
import type { Basket } from '../extract/index.js';
import type { JobRecord, Store } from '../store/index.js';
import { basketsOfJob, type ExtractionSettings } from './job-baskets.js';

export interface ReparseSettings extends ExtractionSettings {
  /** Each link's printer setup, so a job decodes as its printer printed it; links not listed decode with defaults. */
  readonly printerSetups: Readonly<Record<string, DecoderOptions | undefined>>;
}

export interface ReparseOutcome {
  readonly jobId: string;
  /** New revisions stored (or, in a dry run, that would be). */
  readonly changed: readonly Basket[];
  readonly unchanged: number;
}

/** What differs between two readings of a receipt, leaving out what a re-parse always changes. */
function comparable(basket: Basket): string {
  return JSON.stringify({ ...basket, revision: 0, parser: { ...basket.parser, version: '' } });
}

/** The baskets today's code reads from a stored job (ids as at capture). */
export function reparseJob(job: JobRecord, settings: ReparseSettings): Basket[] {
  const documents = decode(job.bytes, settings.printerSetups[job.link]);
  return basketsOfJob(job, documents, settings);
}

/**
 * Re-parses one job and, unless `dryRun`, stores each changed basket as the next revision (one transaction for
 * the job). Idempotent: a second run over the same job finds nothing changed.
 */
export function reparseStoredJob(store: Store, jobId: string, settings: ReparseSettings, dryRun: boolean): ReparseOutcome {
  const job = store.job(jobId);
  if (job === undefined) return { jobId, changed: [], unchanged: 0 };
  const stored = new Map(store.latestBasketsOfJob(jobId).map((s) => [s.basket.id, s.basket]));
  const changed: Basket[] = [];
  let unchanged = 0;
  for (const basket of reparseJob(job, settings)) {
    const previous = stored.get(basket.id);
    if (previous !== undefined && comparable(previous) === comparable(basket)) {
      unchanged++;
      continue;
    }
    changed.push({ ...basket, revision: (previous?.revision ?? 0) + 1 });
  }
  if (!dryRun && changed.length > 0) store.saveJob(job, changed);
  return { jobId, changed, unchanged };
}
