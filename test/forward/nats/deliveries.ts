// Deliveries as the outbox would hand them to a sink, made from real receipts in test/fixtures/receipts: each
// the basket the extractor makes of the job, numbered in capture order, keyed `<basket id>:<revision>`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { basketsFromBytes, type Basket } from '../../../agent/extract/index.js';
import type { BatchContext, Delivery } from '../../../agent/model/index.js';
import { repositoryRoot } from '../../helpers/daemon.js';

const RECEIPTS = ['coffee-tm-t88-card', 'coffee-mp4200-cash', 'de-restaurant-tm-t88-girocard', 'fashion-mp4200-fullpan'];

const fixtures: { raw: Buffer; basket: Basket }[] = RECEIPTS.map((name) => {
  const raw = readFileSync(join(repositoryRoot(), 'test', 'fixtures', 'receipts', `${name}.bin`));
  const [basket] = basketsFromBytes(raw);
  if (basket === undefined) throw new Error(`fixture ${name} yields no basket`);
  return { raw, basket };
});

export const CONTEXT: BatchContext = {
  agentId: 'agent-test',
  agentVersion: '0.1.0',
  storeId: 'S042',
  drift: [{ link: 'front', layout: 'generic', reconciledShare: 0.4, since: '2026-11-30T08:00:00Z' }],
  printerSetups: {},
};

let seq = 0;

/** `count` deliveries for `tillId`, cycling through the fixture receipts, each with a basket id unique to this run. */
export function deliveries(count: number, options: { tillId?: string; prefix?: string; withRawJob?: boolean } = {}): Delivery[] {
  const tillId = options.tillId ?? 'T1';
  const prefix = options.prefix ?? `b${process.pid}-${Date.now().toString(36)}`;
  return Array.from({ length: count }, (_, i) => {
    const fixture = fixtures[i % fixtures.length]!;
    const basketId = `${prefix}-${i}`;
    seq += 1;
    return {
      outboxId: seq,
      idempotencyKey: `${basketId}:1`,
      basketId,
      revision: 1,
      seq,
      link: 'front',
      tillId,
      jobId: `job-${basketId}`,
      capturedAt: new Date(Date.parse('2026-11-30T09:00:00Z') + i * 1000).toISOString(),
      attempts: 0,
      basket: { ...fixture.basket, id: basketId, tillId },
      ...(options.withRawJob === true ? { rawJob: fixture.raw } : {}),
    };
  });
}
