// After a restart: jobs stored raw whose OCR never finished (the daemon stopped, the queue was full) have no
// basket. The newest of them from the last days are decoded again and offered to the OCR queue, oldest first,
// up to what the queue takes; the rest wait for the next start or a re-parse. Jobs whose OCR ran and failed
// have a confidence-0 OCR basket, so they are not read again and again.
import { decode, type DecoderOptions } from '../decode/index.js';
import type { ExtractContext } from '../extract/index.js';
import type { JobRecord, Store } from '../store/index.js';
import type { OcrService } from './service.js';

export interface RecoverOptions {
  /** How far back to look. */
  readonly sinceMs: number;
  /** At most this many jobs without a basket are decoded. */
  readonly limit: number;
  readonly decoderFor: (link: string) => DecoderOptions | undefined;
  readonly contextFor: (job: JobRecord, index: number) => ExtractContext;
}

/** Offers the stored jobs still waiting for OCR; returns how many were queued. */
export function recoverPendingOcr(store: Pick<Store, 'jobsWithoutBaskets'>, service: OcrService, options: RecoverOptions): number {
  const jobs = store.jobsWithoutBaskets(new Date(Date.now() - options.sinceMs), options.limit).reverse();
  let queued = 0;
  for (const job of jobs) {
    const documents = decode(job.bytes, options.decoderFor(job.link)).map((doc, index) => ({ doc, ctx: options.contextFor(job, index) }));
    if (service.offer(job, documents)) queued++;
  }
  return queued;
}
