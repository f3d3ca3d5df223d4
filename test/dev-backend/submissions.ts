// Receipt submissions made the way the agent makes them: real captures from the extraction corpus
// (test/fixtures/receipts/), extracted with today's code, each with its raw job, so the backend judges real baskets.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { basketsFromBytes, type Basket } from '../../agent/extract/index.js';
import type { ReceiptBatch, ReceiptSubmission } from '../../agent/model/index.js';
import { RECEIPTS_DIR } from '../extract/corpus.js';

export const CAPTURES = ['coffee-tm-t88-card', 'coffee-mp4200-cash', 'coffee-pos80-card', 'coffee-pos58-32col-card'] as const;

const cache = new Map<string, { bytes: Buffer; basket: Basket }>();

function extracted(capture: string): { bytes: Buffer; basket: Basket } {
  let entry = cache.get(capture);
  if (entry === undefined) {
    const bytes = readFileSync(join(RECEIPTS_DIR, `${capture}.bin`));
    const [basket] = basketsFromBytes(bytes, { timezone: 'Europe/London' });
    if (basket === undefined) throw new Error(`${capture} holds no basket`);
    entry = { bytes, basket };
    cache.set(capture, entry);
  }
  return entry;
}

/** The first basket of a corpus capture as the agent would submit it, job id `jobId`. */
export function submission(capture: string, jobId: string, options: { revision?: number; tillId?: string; rawJob?: boolean } = {}): ReceiptSubmission {
  const { bytes, basket } = extracted(capture);
  const revision = options.revision ?? 1;
  const tillId = options.tillId ?? 'till-1';
  return {
    idempotencyKey: `${jobId}:${revision}`,
    basketId: jobId,
    revision,
    tillId,
    link: 'front',
    jobId,
    capturedAt: '2026-11-23T09:30:00.000Z',
    basket: { ...basket, id: jobId, revision, tillId },
    ...(options.rawJob !== false && { rawJob: { encoding: 'base64' as const, data: bytes.toString('base64') } }),
  };
}

export function batch(receipts: readonly unknown[]): ReceiptBatch {
  return { agent: { id: 'agent-test', version: '0.1.0', storeId: 'store-7' }, receipts: receipts as ReceiptSubmission[] };
}

/** `count` distinct submissions cycling through the captures, job ids `<prefix>-0`, `<prefix>-1`, … */
export function submissions(count: number, prefix: string): ReceiptSubmission[] {
  return Array.from({ length: count }, (_, i) => submission(CAPTURES[i % CAPTURES.length]!, `${prefix}-${i}`, { rawJob: i % 2 === 0 }));
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; text: string; json: unknown }> {
  const response = await fetch(`${url}/v1/receipts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}
