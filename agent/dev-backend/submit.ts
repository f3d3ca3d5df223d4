// One `POST /v1/receipts` body → per-item results, in the batch's order. The envelope must be a batch (else the
// whole request is refused); each receipt is then judged on its own, so one invalid basket is rejected with its
// reason while the rest of the batch is stored.
import { z } from 'zod';
import { basketSchema } from '../extract/schema.js';
import { receiptBatchSchema, receiptSubmissionSchema, type ReceiptResult, type ReceiptSubmission } from '../model/index.js';
import type { BatchSender, ReceiptStore } from './store.js';

/** The batch with its receipts not yet looked at: what must hold for a request to be a batch at all. */
const batchEnvelopeSchema = receiptBatchSchema.extend({ receipts: z.array(z.unknown()).min(1) });

export type BatchEnvelope = z.output<typeof batchEnvelopeSchema>;

export class NotABatchError extends Error {}
export class BatchTooLargeError extends Error {}

function issuesText(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length === 0 ? '(root)' : issue.path.join('.')}: ${issue.message}`)
    .join('; ');
}

/** The parsed JSON body as a batch envelope, or why it is not one. */
export function readEnvelope(body: unknown, maxBatch: number): BatchEnvelope {
  // Counted before validation: a batch too big is the agent's cue to split it, whatever else is wrong with it.
  const receipts = (body as { receipts?: unknown } | null)?.receipts;
  if (Array.isArray(receipts) && receipts.length > maxBatch) {
    throw new BatchTooLargeError(`a batch holds at most ${maxBatch} receipts here; this one has ${receipts.length}`);
  }
  const envelope = batchEnvelopeSchema.safeParse(body);
  if (!envelope.success) throw new NotABatchError(`not a receipt batch: ${issuesText(envelope.error)}`);
  return envelope.data;
}

type Judged = { readonly ok: true; readonly receipt: ReceiptSubmission } | { readonly ok: false; readonly result: ReceiptResult };

function keyOf(item: unknown): string {
  const key = (item as { idempotencyKey?: unknown } | null)?.idempotencyKey;
  return typeof key === 'string' ? key : '';
}

/** A receipt with its basket checked against basket.schema.json in the same pass. */
const checkedSubmissionSchema = receiptSubmissionSchema.extend({ basket: basketSchema });

function judge(item: unknown): Judged {
  const rejected = (reason: string): Judged => ({ ok: false, result: { idempotencyKey: keyOf(item), status: 'rejected', reason } });
  const parsed = checkedSubmissionSchema.safeParse(item);
  if (!parsed.success) {
    const inBasket = parsed.error.issues.filter((issue) => issue.path[0] === 'basket' && issue.path.length > 1);
    if (inBasket.length < parsed.error.issues.length) return rejected(`invalid receipt: ${issuesText(parsed.error)}`);
    const basketIssues = new z.ZodError(inBasket.map((issue) => ({ ...issue, path: issue.path.slice(1) })));
    return rejected(`basket does not match basket.schema.json: ${issuesText(basketIssues)}`);
  }
  // The parsed basket, not the one sent: its keys come in the schema's order, which the store's duplicate check needs.
  const receipt = parsed.data;
  if (receipt.idempotencyKey !== `${receipt.basketId}:${receipt.revision}`) {
    return rejected(`idempotencyKey must be "<basketId>:<revision>" (${receipt.basketId}:${receipt.revision}), not "${receipt.idempotencyKey}"`);
  }
  if (receipt.basket.id !== receipt.basketId || receipt.basket.revision !== receipt.revision) {
    return rejected(`basket is ${receipt.basket.id} revision ${receipt.basket.revision}, the receipt says ${receipt.basketId} revision ${receipt.revision}`);
  }
  if (receipt.rawJob !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(receipt.rawJob.data)) return rejected('rawJob.data is not base64');
  return { ok: true, receipt };
}

/** Every receipt of the batch answered `retry` with `reason`, nothing stored (the injected `retry` fault). */
export function retryAll(envelope: BatchEnvelope, reason: string): ReceiptResult[] {
  return envelope.receipts.map((item) => ({ idempotencyKey: keyOf(item), status: 'retry', reason }));
}

/** Judges every receipt, stores the valid ones in one transaction, and answers for each in order. */
export function submitBatch(store: ReceiptStore, envelope: BatchEnvelope): ReceiptResult[] {
  const judged = envelope.receipts.map(judge);
  const valid = judged.flatMap((j) => (j.ok ? [j.receipt] : []));
  const sender: BatchSender = { agentId: envelope.agent.id, agentVersion: envelope.agent.version, storeId: envelope.agent.storeId };
  const outcomes = store.save(sender, valid, envelope.drift);
  let next = 0;
  return judged.map((j): ReceiptResult => {
    if (!j.ok) return j.result;
    const outcome = outcomes[next++]!;
    const idempotencyKey = j.receipt.idempotencyKey;
    if (outcome.status !== 'conflict') return { idempotencyKey, status: outcome.status };
    return { idempotencyKey, status: 'rejected', reason: `idempotency key already used for a different basket (received as #${outcome.storedSeq}); a changed basket needs a new revision` };
  });
}
