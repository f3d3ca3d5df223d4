// The receipts backend's HTTP contract (docs/backend-api.md), as zod schemas shared by the HTTP sink
// (agent/forward/http/) that speaks it and the reference backend (agent/dev-backend/) that answers it. The
// basket itself is validated by the backend against docs/basket.schema.json; here it is an opaque object.
import { z } from 'zod';

export const RECEIPTS_PATH = '/v1/receipts';

/**
 * How the agent's link reads its printer's bytes (the link's printerSetup: docs/capture.md), sent with a raw job
 * so a backend that decodes it again reads it as the till's printer does: a Star printer's job, or one whose
 * code pages a maker numbers its own way, is junk decoded as an 80 mm Epson's. Open to fields added later.
 */
export const rawJobPrinterSetupSchema = z.looseObject({
  dialect: z.string().optional(),
  model: z.string().optional(),
  paperWidth: z.number().int().optional(),
  codePage: z.number().int().optional(),
  codePageNumbering: z.string().optional(),
  characterEncoding: z.string().optional(),
  kanjiEncoding: z.string().optional(),
});

export type RawJobPrinterSetup = z.output<typeof rawJobPrinterSetupSchema>;

export const receiptSubmissionSchema = z.strictObject({
  /** `<basket id>:<revision>`; the backend stores each key once and acknowledges repeats as duplicates. */
  idempotencyKey: z.string().min(3).max(200),
  basketId: z.string().min(1),
  revision: z.number().int().min(1),
  tillId: z.string().min(1),
  link: z.string().min(1),
  jobId: z.string().min(1),
  capturedAt: z.string().datetime({ offset: true }),
  basket: z.record(z.string(), z.unknown()),
  /** The raw job as stored (card numbers masked), base64, when the agent is set to send it. */
  rawJob: z.strictObject({ encoding: z.literal('base64'), data: z.string(), printerSetup: rawJobPrinterSetupSchema.optional() }).optional(),
});

export const driftNoticeSchema = z.strictObject({
  link: z.string(),
  layout: z.string(),
  reconciledShare: z.number().min(0).max(1),
  since: z.string(),
});

export const receiptBatchSchema = z.strictObject({
  agent: z.strictObject({ id: z.string().min(1), version: z.string().min(1), storeId: z.string().nullable() }),
  drift: z.array(driftNoticeSchema).default([]),
  receipts: z.array(receiptSubmissionSchema).min(1).max(1000),
});

export const RESULT_STATUSES = ['stored', 'duplicate', 'rejected', 'retry'] as const;

export const receiptResultSchema = z.strictObject({
  idempotencyKey: z.string(),
  /** stored / duplicate: done; rejected: this receipt is invalid and must not be re-sent as is; retry: try later. */
  status: z.enum(RESULT_STATUSES),
  reason: z.string().optional(),
});

export const receiptBatchResponseSchema = z.strictObject({
  results: z.array(receiptResultSchema),
});

export type ReceiptSubmission = z.infer<typeof receiptSubmissionSchema>;
export type ReceiptBatch = z.input<typeof receiptBatchSchema>;
export type ReceiptResult = z.infer<typeof receiptResultSchema>;
export type ReceiptBatchResponse = z.infer<typeof receiptBatchResponseSchema>;

/** The body of every answer that is not 200: what went wrong, for logs and dead-letter reasons. */
export const errorResponseSchema = z.strictObject({
  error: z.strictObject({
    /** Stable, machine-readable: not-a-batch, unauthorized, batch-too-large, overloaded, failure, store-failure, … */
    code: z.string(),
    message: z.string(),
  }),
});

export type ErrorResponse = z.infer<typeof errorResponseSchema>;
