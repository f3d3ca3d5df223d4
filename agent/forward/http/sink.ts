// The HTTP sink: posts a batch to the receipts backend (docs/backend-api.md) and turns its answer into one result
// per basket. It never retries by itself (the forwarder owns timing) and never throws for a delivery problem.
import { createHash } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import got, { type Response } from 'got';
import type { Logger } from '../../log.js';
import {
  receiptBatchResponseSchema,
  type BatchContext,
  type Delivery,
  type DeliveryResult,
  type ReceiptBatch,
  type ReceiptResult,
  type Sink,
  type SinkContext,
} from '../../model/index.js';
import { VERSION } from '../../version.js';
import { SinkConfigError } from '../secrets.js';
import { submissionOf } from '../submission.js';
import { httpSinkSecrets, type HttpSinkConfig } from './config.js';

export { SinkConfigError };

/** Statuses after which the same request may well succeed later. */
const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Seconds or an HTTP date, as Retry-After allows (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * One key per request, as the Idempotency-Key draft asks: a single basket's own key, or for a batch a digest of
 * its keys, so a resent batch of the same baskets carries the same key. The per-basket keys in the body are what
 * the backend deduplicates on.
 */
export function requestKey(batch: readonly Delivery[]): string {
  if (batch.length === 1) return batch[0]!.idempotencyKey;
  const hash = createHash('sha256');
  for (const d of batch) hash.update(d.idempotencyKey).update('\n');
  return `batch-${hash.digest('hex').slice(0, 32)}`;
}

function body(batch: readonly Delivery[], context: BatchContext): ReceiptBatch {
  return {
    agent: { id: context.agentId, version: context.agentVersion, storeId: context.storeId },
    drift: [...context.drift],
    // The outbox joins raw jobs only for a sink that wants them.
    receipts: batch.map((d) => submissionOf(d, context, true)),
  };
}

function allRetry(batch: readonly Delivery[], reason: string, retryAfter?: number): DeliveryResult[] {
  return batch.map(() => ({ outcome: 'retry', reason, ...(retryAfter !== undefined && { retryAfterMs: retryAfter }) }));
}

function fromItem(item: ReceiptResult | undefined): DeliveryResult {
  if (item === undefined) return { outcome: 'retry', reason: 'the backend gave no result for this basket' };
  switch (item.status) {
    case 'stored':
      return { outcome: 'delivered' };
    case 'duplicate':
      return { outcome: 'delivered', duplicate: true };
    case 'rejected':
      return { outcome: 'rejected', reason: item.reason ?? 'rejected by the backend' };
    case 'retry':
      return { outcome: 'retry', reason: item.reason ?? 'the backend asked to try again' };
  }
}

/** Per-item results from a body, or undefined when it is not a results body. */
function itemResults(batch: readonly Delivery[], text: string): DeliveryResult[] | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = receiptBatchResponseSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const byKey = new Map(parsed.data.results.map((r) => [r.idempotencyKey, r]));
  return batch.map((d) => fromItem(byKey.get(d.idempotencyKey)));
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

export class HttpSink implements Sink {
  readonly name: string;
  readonly wantsRawJob: boolean;
  readonly #config: HttpSinkConfig;
  readonly #headers: Record<string, string>;
  readonly #agents: { http: HttpAgent; https: HttpsAgent };
  readonly #ca: string | undefined;
  readonly #log: Logger;

  constructor(config: HttpSinkConfig, context: SinkContext) {
    this.name = config.name ?? 'http';
    this.wantsRawJob = config.sendRawJob;
    this.#config = config;
    this.#log = context.logger.child({ sink: this.name });
    const { token, ca } = httpSinkSecrets(config, context.baseDir);
    this.#headers = { 'user-agent': `posbridge/${VERSION}`, ...(token !== undefined && { authorization: `Bearer ${token}` }) };
    this.#ca = ca;
    // Keep-alive: a till sends a batch every few seconds at most; one connection serves them all.
    this.#agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 2 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 2 }) };
  }

  async send(batch: readonly Delivery[], context: BatchContext, signal: AbortSignal): Promise<DeliveryResult[]> {
    if (batch.length === 0) return [];
    let response: Response<string>;
    try {
      response = await this.#post(batch, context, signal);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      return allRetry(batch, `${this.#config.url} not reached: ${e.code ?? e.name}${e.code === undefined ? `: ${e.message}` : ''}`);
    }
    const status = response.statusCode;
    if (status >= 200 && status < 300) {
      const results = itemResults(batch, response.body);
      return results ?? allRetry(batch, `the backend answered ${status} with a body that is not a results list: ${excerpt(response.body)}`);
    }
    if (status === 413 || ((status === 400 || status === 422) && batch.length > 1 && itemResults(batch, response.body) === undefined)) {
      // The batch as a whole is refused (too large, or one bad basket spoils it without per-item results):
      // halves are sent until each basket gets an answer of its own.
      const half = Math.ceil(batch.length / 2);
      if (batch.length === 1) return [{ outcome: 'rejected', reason: `the backend refuses this basket as too large (413)` }];
      const first = await this.send(batch.slice(0, half), context, signal);
      const second = await this.send(batch.slice(half), context, signal);
      return [...first, ...second];
    }
    if (status === 400 || status === 422) {
      return itemResults(batch, response.body) ?? [{ outcome: 'rejected', reason: `${status}: ${excerpt(response.body)}` }];
    }
    const wait = retryAfterMs(response.headers['retry-after']);
    if (status === 401 || status === 403) {
      return allRetry(batch, `the backend refused the credentials (${status}): check tokenFile/tokenEnv`);
    }
    if (RETRYABLE.has(status) || status >= 500) return allRetry(batch, `the backend answered ${status}`, wait);
    // 404, 405 and the like: the URL is wrong, not the baskets; keep them until the config is fixed.
    return allRetry(batch, `the backend answered ${status} (check the url)`, wait);
  }

  async probe(signal: AbortSignal): Promise<{ ok: boolean; detail: string }> {
    try {
      const response = await got.get(this.#config.url, {
        searchParams: { limit: 1 },
        headers: this.#headers,
        throwHttpErrors: false,
        retry: { limit: 0 },
        timeout: { connect: this.#config.timeouts.connectMs, response: this.#config.timeouts.responseMs },
        agent: this.#agents,
        https: { rejectUnauthorized: this.#config.tls.rejectUnauthorized, ...(this.#ca !== undefined && { certificateAuthority: this.#ca }) },
        signal,
      });
      const status = response.statusCode;
      if (status === 401 || status === 403) return { ok: false, detail: `${this.#config.url} refused the token (${status})` };
      if (status >= 500) return { ok: false, detail: `${this.#config.url} answered ${status}` };
      return { ok: true, detail: `${this.#config.url} answered ${status}` };
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      return { ok: false, detail: `${this.#config.url} not reached: ${e.code ?? e.message}` };
    }
  }

  async close(): Promise<void> {
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }

  #post(batch: readonly Delivery[], context: BatchContext, signal: AbortSignal): Promise<Response<string>> {
    const json = body(batch, context);
    this.#log.debug({ baskets: batch.length, key: requestKey(batch) }, 'posting a batch');
    return got.post(this.#config.url, {
      json,
      headers: { ...this.#headers, 'idempotency-key': requestKey(batch) },
      throwHttpErrors: false,
      retry: { limit: 0 },
      timeout: {
        connect: this.#config.timeouts.connectMs,
        secureConnect: this.#config.timeouts.connectMs,
        response: this.#config.timeouts.responseMs,
      },
      agent: this.#agents,
      https: { rejectUnauthorized: this.#config.tls.rejectUnauthorized, ...(this.#ca !== undefined && { certificateAuthority: this.#ca }) },
      signal,
    });
  }
}
