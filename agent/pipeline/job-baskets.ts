// A job's printed documents → its baskets: the one place that names baskets and passes the store context to the
// extractor, used by live capture (daemon/job-processor.ts) and by re-parsing stored jobs (reparse.ts), so a
// receipt re-parsed with today's rules gets the same id as when it was captured.
import type { PrintedDocument } from '../decode/index.js';
import { extractBasket, type Basket, type LayoutProfile } from '../extract/index.js';

export interface ExtractionSettings {
  readonly storeId?: string | undefined;
  readonly timezone: string;
  readonly currency?: string | undefined;
  readonly profiles: readonly LayoutProfile[];
}

/** One basket per printed document that printed text; the first is named after the job, the others `<job>.<n>`. */
export function basketsOfJob(job: { readonly id: string; readonly tillId: string }, documents: readonly PrintedDocument[], settings: ExtractionSettings): Basket[] {
  const baskets: Basket[] = [];
  documents.forEach((doc, index) => {
    const basket = extractBasket(doc, {
      id: index === 0 ? job.id : `${job.id}.${index}`,
      tillId: job.tillId,
      timezone: settings.timezone,
      profiles: [...settings.profiles],
      ...(settings.storeId !== undefined && { storeId: settings.storeId }),
      ...(settings.currency !== undefined && { currency: settings.currency }),
    });
    if (basket !== null) baskets.push(basket);
  });
  return baskets;
}
