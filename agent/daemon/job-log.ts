// One log line per captured job or receipt: total, item count and confidence, never receipt text. Written from
// the processing worker, so a slow log reader (a full stderr pipe) can hold up capture but never printing.
import { formatAmount } from '../extract/money.js';
import { log } from '../log.js';
import type { JobSummary } from './job-processor.js';

/** Baskets below this confidence are warnings: the first sign that a till's layout has changed. */
export const LOW_CONFIDENCE = 0.9;

export function logJob(job: JobSummary): void {
  const jobLog = log.child({ link: job.link, till: job.tillId, job: job.id });
  if (job.decodeError !== null) jobLog.warn({ size: job.size, endedBy: job.endedBy, reason: job.decodeError }, 'job stored raw');
  if (job.baskets.length === 0) jobLog.info({ size: job.size, endedBy: job.endedBy }, 'job captured (no receipt in it)');
  for (const basket of job.baskets) {
    const fields = {
      basket: basket.id,
      kind: basket.kind,
      total: formatAmount(basket.total, basket.currency),
      items: basket.items,
      confidence: basket.confidence,
      size: job.size,
      ...(job.ocr === true && { readBy: 'ocr' }),
    };
    if (basket.confidence < LOW_CONFIDENCE) {
      jobLog.warn({ ...fields, failedChecks: basket.failedChecks }, 'receipt captured with LOW confidence: has the till layout changed?');
    } else {
      jobLog.info(fields, 'receipt captured');
    }
  }
}
