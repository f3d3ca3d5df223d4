// What one delivery becomes on the wire: its subject (from the configured template) and its body, the receipt
// submission of the receipts API (agent/model/receipts-api.ts) with the agent and drift facts of its batch, so a
// consumer of the stream sees the same fields an HTTP backend would.
import { z } from 'zod';
import { driftNoticeSchema, receiptBatchSchema, receiptSubmissionSchema, type BatchContext, type Delivery } from '../../model/index.js';
import { submissionOf } from '../submission.js';
import type { SubjectPlaceholder } from './config.js';

/** The JSON body of every message this sink publishes. */
export const natsReceiptMessageSchema = receiptSubmissionSchema.extend({
  agent: receiptBatchSchema.shape.agent,
  drift: z.array(driftNoticeSchema),
});
export type NatsReceiptMessage = z.infer<typeof natsReceiptMessageSchema>;

/** A subject token stands for a value missing here (a store id not configured). */
export const MISSING_TOKEN = '_';

// Characters a subject token cannot hold: separators, wildcards, whitespace and control characters.
const NOT_IN_TOKEN = /[\s.*>\u0000-\u001f\u007f]/g;

/** One subject token of a value: separators and wildcards become "_", so a value can never add or widen tokens. */
export function subjectToken(value: string | null): string {
  if (value === null || value === '') return MISSING_TOKEN;
  return value.replace(NOT_IN_TOKEN, '_');
}

/** The template with its placeholders filled; compiled once per sink. */
export function subjectRenderer(template: string): (delivery: Delivery, context: BatchContext) => string {
  const values: Record<SubjectPlaceholder, (d: Delivery, c: BatchContext) => string | null> = {
    storeId: (_d, c) => c.storeId,
    tillId: (d) => d.tillId,
    link: (d) => d.link,
  };
  return (delivery, context) => template.replace(/<([^<>]*)>/g, (_all, name: SubjectPlaceholder) => subjectToken(values[name](delivery, context)));
}

export function messageFor(delivery: Delivery, context: BatchContext, withRawJob: boolean): NatsReceiptMessage {
  return {
    ...submissionOf(delivery, context, withRawJob),
    agent: { id: context.agentId, version: context.agentVersion, storeId: context.storeId },
    drift: context.drift.map((d) => ({ ...d })),
  };
}

const encoder = new TextEncoder();

export function encodeMessage(message: NatsReceiptMessage): Uint8Array {
  return encoder.encode(JSON.stringify(message));
}
