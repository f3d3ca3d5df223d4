// One delivery as the receipts API's submission (agent/model/receipts-api.ts), the same for every sink: the HTTP
// sink posts a batch of them, the NATS sink publishes each with its batch's agent facts.
import type { BatchContext, Delivery, ReceiptSubmission } from '../model/index.js';

/** The submission; with `withRawJob`, the raw job (masked, as stored) and how its link's printer reads it. */
export function submissionOf(delivery: Delivery, context: BatchContext, withRawJob: boolean): ReceiptSubmission {
  const raw = delivery.rawJob;
  const printerSetup = context.printerSetups[delivery.link];
  return {
    idempotencyKey: delivery.idempotencyKey,
    basketId: delivery.basketId,
    revision: delivery.revision,
    tillId: delivery.tillId,
    link: delivery.link,
    jobId: delivery.jobId,
    capturedAt: delivery.capturedAt,
    basket: delivery.basket as unknown as Record<string, unknown>,
    ...(withRawJob &&
      raw !== undefined && {
        rawJob: {
          encoding: 'base64' as const,
          data: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64'),
          ...(printerSetup !== undefined && { printerSetup }),
        },
      }),
  };
}
