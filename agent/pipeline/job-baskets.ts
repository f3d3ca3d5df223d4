// A job's printed documents → its baskets: the one place that names baskets and passes the store context to the
// extractor, used by live capture (daemon/job-processor.ts) and by re-parsing stored jobs (reparse.ts), so a
// receipt re-parsed with today's rules gets the same id as when it was captured.
import type { PrintedDocument } from '../decode/index.js';
import { extractBasket, type Basket, type ExtractContext, type LayoutProfile } from '../extract/index.js';

export interface ExtractionSettings {
  readonly storeId?: string | undefined;
  readonly timezone: string;
  readonly currency?: string | undefined;
  readonly locale?: string | undefined;
  readonly profiles: readonly LayoutProfile[];
}

/** A link's own store context (its `store` config), over the agent-wide values. */
export interface StoreContextSettings {
  readonly currency?: string | undefined;
  readonly locale?: string | undefined;
  readonly timezone?: string | undefined;
}

type JobRef = { readonly id: string; readonly tillId: string };

/** What the extractor is told about document `index` of a job: the first is named after the job, the others `<job>.<n>`. */
export function extractionContext(job: JobRef, index: number, settings: ExtractionSettings, store?: StoreContextSettings): ExtractContext {
  const currency = store?.currency ?? settings.currency;
  const locale = store?.locale ?? settings.locale;
  return {
    id: index === 0 ? job.id : `${job.id}.${index}`,
    tillId: job.tillId,
    timezone: store?.timezone ?? settings.timezone,
    profiles: [...settings.profiles],
    ...(settings.storeId !== undefined && { storeId: settings.storeId }),
    ...(currency !== undefined && { currency }),
    ...(locale !== undefined && { locale }),
  };
}

/** One basket per printed document that printed text. */
export function basketsOfJob(job: JobRef, documents: readonly PrintedDocument[], settings: ExtractionSettings, store?: StoreContextSettings): Basket[] {
  const baskets: Basket[] = [];
  documents.forEach((doc, index) => {
    const basket = extractBasket(doc, extractionContext(job, index, settings, store));
    if (basket !== null) baskets.push(basket);
  });
  return baskets;
}
