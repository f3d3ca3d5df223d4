// Re-parsing stored raw jobs with today's decoder, extractor and profiles: the same path as live capture
// (job-baskets.ts), from the jobs table instead of a till. A basket whose reading changed is stored as a new
// revision, which the outbox trigger queues for every active sink; an unchanged one is left alone.
import { decode, type DecoderOptions, type PrintedDocument } from '../decode/index.js';
import type { Basket } from '../extract/index.js';
import type { JobRecord, Store } from '../store/index.js';
import { basketsOfJob, type ExtractionSettings, type StoreContextSettings } from './job-baskets.js';

export interface ReparseSettings extends ExtractionSettings {
  /** Each link's printer setup, so a job decodes as its printer printed it; links not listed decode with defaults. */
  readonly printerSetups: Readonly<Record<string, DecoderOptions | undefined>>;
  /** Each link's own store context (its `store` config), over the agent-wide values. */
  readonly stores?: Readonly<Record<string, StoreContextSettings | undefined>>;
  /**
   * Which documents are pictures of a receipt, read by OCR rather than as text (agent/ocr raster rule). Their
   * baskets are left to `readPictures`: reading them as text would replace an OCR reading with an empty one.
   */
  readonly isPicture?: (doc: PrintedDocument) => boolean;
  /** Reads a job's picture documents again with today's OCR engine (backfill --reparse with OCR on). */
  readonly readPictures?: (job: JobRecord) => Promise<Basket[]>;
}

export interface ReparseOutcome {
  readonly jobId: string;
  /** New revisions stored (or, in a dry run, that would be). */
  readonly changed: readonly Basket[];
  readonly unchanged: number;
  /** The job holds picture documents, for `readPictures`. */
  readonly pictures: boolean;
}

/** What differs between two readings of a receipt, leaving out what a re-parse always changes. */
function comparable(basket: Basket): string {
  return JSON.stringify({ ...basket, revision: 0, parser: { ...basket.parser, version: '' } });
}

/** The baskets today's code reads as text from a stored job (ids as at capture), and whether it holds pictures. */
export function reparseJob(job: JobRecord, settings: ReparseSettings): { baskets: Basket[]; pictures: boolean } {
  const documents = decode(job.bytes, settings.printerSetups[job.link]);
  const isPicture = settings.isPicture;
  const store = settings.stores?.[job.link];
  if (isPicture === undefined) return { baskets: basketsOfJob(job, documents, settings, store), pictures: false };
  // Picture documents keep their place (and so the ids of the documents after them) but are not read as text.
  const pictures = documents.map(isPicture);
  const baskets = basketsOfJob(job, documents, settings, store).filter((b) => {
    const index = b.id === job.id ? 0 : Number(b.id.slice(job.id.length + 1));
    return pictures[index] !== true;
  });
  return { baskets, pictures: pictures.includes(true) };
}

/**
 * Stores each basket whose reading differs from the latest stored revision as the next revision (unless
 * `dryRun`); returns the changed ones and how many were unchanged. Idempotent.
 */
export function storeRevisions(store: Store, job: JobRecord, baskets: readonly Basket[], dryRun: boolean): { changed: Basket[]; unchanged: number } {
  const stored = new Map(store.latestBasketsOfJob(job.id).map((s) => [s.basket.id, s.basket]));
  const changed: Basket[] = [];
  let unchanged = 0;
  for (const basket of baskets) {
    const previous = stored.get(basket.id);
    if (previous !== undefined && comparable(previous) === comparable(basket)) {
      unchanged++;
      continue;
    }
    changed.push({ ...basket, revision: (previous?.revision ?? 0) + 1 });
  }
  if (!dryRun && changed.length > 0) store.saveJob(job, changed);
  return { changed, unchanged };
}

/** Re-parses one stored job as text and stores what changed (see storeRevisions). */
export function reparseStoredJob(store: Store, jobId: string, settings: ReparseSettings, dryRun: boolean): ReparseOutcome {
  const job = store.job(jobId);
  if (job === undefined) return { jobId, changed: [], unchanged: 0, pictures: false };
  const { baskets, pictures } = reparseJob(job, settings);
  return { jobId, ...storeRevisions(store, job, baskets, dryRun), pictures };
}
