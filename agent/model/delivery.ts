// What forwarding hands to a sink and what it hands back: the one contract every sink (agent/forward/<name>/)
// implements and the outbox (agent/store/outbox.ts) is driven by. Types only; no logic lives here.
import type { Basket } from '../extract/basket.js';
import type { Logger } from './logger.js';
import type { RawJobPrinterSetup } from './receipts-api.js';

/**
 * One basket revision on its way to one sink. The idempotency key is `<basket id>:<revision>`: a backend (or a
 * JetStream duplicate window) that has seen it already acknowledges it again without storing it twice.
 */
export interface Delivery {
  /** The outbox row; only the outbox interprets it. */
  readonly outboxId: number;
  readonly idempotencyKey: string;
  readonly basketId: string;
  readonly revision: number;
  /** Capture order across the store; deliveries of one till are offered in this order. */
  readonly seq: number;
  readonly link: string;
  readonly tillId: string;
  readonly jobId: string;
  /** ISO 8601 UTC, when the job's first byte arrived. */
  readonly capturedAt: string;
  /** How many times this delivery was tried before (0 on the first try). */
  readonly attempts: number;
  readonly basket: Basket;
  /** The raw job (PAN-masked, as stored), only when the sink asks for it (`sendRawJob`). */
  readonly rawJob?: Uint8Array;
}

/** What a sink made of one delivery of a batch (results come back in the batch's order). */
export type DeliveryResult =
  /** Stored by the backend, or acknowledged as a duplicate of what it already holds: done. */
  | { readonly outcome: 'delivered'; readonly duplicate?: boolean }
  /** Not stored, for a reason that may pass (5xx, timeout, reset, 429): try again later. */
  | { readonly outcome: 'retry'; readonly reason: string; readonly retryAfterMs?: number }
  /** The backend says this basket itself is unacceptable: set aside as a dead letter, never retried by itself. */
  | { readonly outcome: 'rejected'; readonly reason: string };

/** Agent-level facts a sink may pass along with a batch (the drift alarm, who is sending). */
export interface BatchContext {
  readonly agentId: string;
  readonly agentVersion: string;
  readonly storeId: string | null;
  /** Layouts whose reconciled share has dropped below the alarm level, per link. */
  readonly drift: readonly DriftNotice[];
  /** Each link's printer setup, sent beside its raw jobs so a backend decodes them as that printer prints. */
  readonly printerSetups: Readonly<Record<string, RawJobPrinterSetup>>;
}

export interface DriftNotice {
  readonly link: string;
  readonly layout: string;
  readonly reconciledShare: number;
  readonly since: string;
}

/**
 * A sink: takes a batch, reports per-item results. It never throws for a delivery problem: a batch that fails as
 * a whole (backend down) comes back as one `retry` per item. Batching, retry timing and backoff are the
 * forwarder's (agent/forward/forwarder.ts), not the sink's.
 */
export interface Sink {
  readonly name: string;
  /** Whether deliveries must carry `rawJob`. */
  readonly wantsRawJob: boolean;
  send(batch: readonly Delivery[], context: BatchContext, signal: AbortSignal): Promise<DeliveryResult[]>;
  /** Whether the backend answers at all (doctor, /healthz); never throws. */
  probe(signal: AbortSignal): Promise<{ ok: boolean; detail: string }>;
  close(): Promise<void>;
}

/** What a sink factory receives besides its own validated config. */
export interface SinkContext {
  readonly logger: Logger;
  /** The config file's folder, for relative paths (token files, CA files). */
  readonly baseDir: string;
}
