// Model-based property test of the outbox and the forwarder over a real SQLite file, the way Vector proves its
// disk buffer: fast-check runs random sequences of capture, deliver, backend failure, crash (mid-delivery, before
// or after the backend stored the batch) and reopen, and backfill (re-send, or re-parse into a new revision), and
// after every step checks against a plain model that
//   - nothing acknowledged (stored) is lost: every stored basket revision is delivered, pending or in flight;
//   - nothing delivered is offered again unless a backfill asked for it or it is a new revision;
// and at the end, with a healthy backend, every stored revision reaches the backend, none stored there twice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Basket } from '../../agent/extract/index.js';
import { Forwarder } from '../../agent/forward/forwarder.js';
import { deliverySettingsSchema } from '../../agent/forward/settings.js';
import type { BatchContext, Delivery, DeliveryResult, Sink } from '../../agent/model/index.js';
import { Store } from '../../agent/store/index.js';
import type { OutboxState } from '../../agent/store/outbox.js';
import { COFFEE, basketsFor, job } from '../store/jobs.js';

const CONTEXT: BatchContext = { agentId: 'model', agentVersion: '0', storeId: null, drift: [], printerSetups: {} };
const SETTINGS = deliverySettingsSchema.parse({ batch: { maxCount: 3, lingerMs: 0 }, retry: { initialMs: 10, maxMs: 50, maxItemFailures: 1000 } });
const LEASE_MS = 1_000;
const silent = pino({ level: 'silent' });

/** The backend: stores each key once, acknowledges repeats as duplicates; can be down, or die after storing. */
class ModelBackend implements Sink {
  readonly name = 'http';
  readonly wantsRawJob = false;
  readonly stored = new Map<string, number>();
  readonly offers: string[] = [];
  mode: 'up' | 'down' | 'store-then-crash' = 'up';
  async send(batch: readonly Delivery[]): Promise<DeliveryResult[]> {
    for (const d of batch) this.offers.push(d.idempotencyKey);
    if (this.mode === 'down') return batch.map(() => ({ outcome: 'retry', reason: 'ECONNREFUSED' }));
    const results = batch.map((d): DeliveryResult => {
      const seen = this.stored.has(d.idempotencyKey);
      this.stored.set(d.idempotencyKey, (this.stored.get(d.idempotencyKey) ?? 0) + (seen ? 0 : 1));
      return seen ? { outcome: 'delivered', duplicate: true } : { outcome: 'delivered' };
    });
    if (this.mode === 'store-then-crash') throw new CrashAfterStore();
    return results;
  }
  async probe(): Promise<{ ok: boolean; detail: string }> {
    return { ok: true, detail: '' };
  }
  async close(): Promise<void> {}
}

class CrashAfterStore extends Error {}

interface Model {
  /** Every basket revision the store acknowledged, by idempotency key. */
  stored: Set<string>;
  /** Keys the outbox marked delivered (and not requeued since). */
  delivered: Set<string>;
  /** Keys requeued by a backfill after delivery: may be offered again once. */
  resendable: Set<string>;
  baskets: Basket[];
}

interface Real {
  file: string;
  store: Store;
  backend: ModelBackend;
  clock: { now: number };
  generation: number;
}

function forwarder(real: Real): Forwarder {
  return new Forwarder({
    sink: real.backend,
    outbox: real.store.outbox,
    settings: SETTINGS,
    owner: `gen-${real.generation}`,
    logger: silent,
    context: () => CONTEXT,
    leaseMs: LEASE_MS,
    now: () => real.clock.now,
    random: () => 0.5,
  });
}

/** Outbox states by key, read straight from SQLite. */
function states(real: Real): Map<string, string> {
  const map = new Map<string, string>();
  for (const state of ['pending', 'in_flight', 'delivered', 'dead'] as const) {
    for (const key of keysIn(real, state)) map.set(key, state);
  }
  return map;
}

function keysIn(real: Real, state: string): string[] {
  return real.store.outbox.keys('http', state as OutboxState);
}

class CaptureCommand implements fc.Command<Model, Real> {
  constructor(readonly till: string) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const record = job(COFFEE, { tillId: this.till, capturedAt: new Date(r.clock.now) });
    const basket = basketsFor(record)[0]!;
    r.store.saveJob(record, [basket]);
    m.stored.add(`${basket.id}:1`);
    m.baskets.push(basket);
  }
  toString = (): string => `capture(${this.till})`;
}

class DeliverCommand implements fc.Command<Model, Real> {
  constructor(readonly mode: ModelBackend['mode']) {}
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    r.backend.mode = this.mode;
    const offered = r.backend.offers.length;
    try {
      await forwarder(r).deliverOnce();
    } catch (error) {
      if (!(error instanceof CrashAfterStore)) throw error;
    }
    for (const key of r.backend.offers.slice(offered)) {
      // Never offered again once delivered, unless a backfill asked for it.
      if (m.delivered.has(key)) {
        expect(m.resendable.has(key), `${key} offered again after delivery`).toBe(true);
        m.resendable.delete(key);
      }
    }
    for (const key of keysIn(r, 'delivered')) m.delivered.add(key);
    r.clock.now += 100;
  }
  toString = (): string => `deliver(${this.mode})`;
}

/** The process dies: claims are left in flight, the store is reopened by the next process. */
class CrashCommand implements fc.Command<Model, Real> {
  constructor(readonly midClaim: boolean) {}
  check = (): boolean => true;
  run(_m: Model, r: Real): void {
    if (this.midClaim) r.store.outbox.claim('http', `gen-${r.generation}`, r.clock.now, r.clock.now + LEASE_MS, { maxCount: 2, maxBytes: 1e9, withRawJob: false });
    r.store.close();
    r.store = Store.open(r.file);
    r.generation++;
    r.clock.now += LEASE_MS + 1;
  }
  toString = (): string => `crash(${this.midClaim ? 'mid-claim' : 'idle'})`;
}

class BackfillCommand implements fc.Command<Model, Real> {
  constructor(readonly reparse: boolean) {}
  check = (m: Readonly<Model>): boolean => m.baskets.length > 0;
  run(m: Model, r: Real): void {
    if (this.reparse) {
      // Re-parsing with changed rules: the newest basket gets a new revision, queued like any stored basket.
      const basket = m.baskets[m.baskets.length - 1]!;
      const stored = r.store.latestBasketsOfJob(basket.id)[0]!.basket;
      const next = { ...stored, revision: stored.revision + 1, receiptNumber: `R${stored.revision + 1}` };
      r.store.saveJob(r.store.job(basket.id)!, [next]);
      m.stored.add(`${next.id}:${next.revision}`);
    } else {
      r.store.outbox.requeue({ sink: 'http', status: 'all' }, r.clock.now);
      for (const key of m.delivered) m.resendable.add(key);
      m.delivered.clear();
    }
  }
  toString = (): string => `backfill(${this.reparse ? 'reparse' : 'resend'})`;
}

function checkInvariants(m: Model, r: Real): void {
  const now = states(r);
  for (const key of m.stored) {
    expect(now.has(key), `${key} was stored but has no delivery`).toBe(true);
    expect(now.get(key), `${key} dead`).not.toBe('dead');
  }
  for (const key of m.delivered) expect(now.get(key)).toBe('delivered');
}

describe('outbox model', () => {
  it('loses nothing acknowledged and re-delivers nothing delivered, through crashes, outages and backfills', async () => {
    const command = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('T1', 'T2', 'T3').map((t) => new CaptureCommand(t)) },
      { weight: 4, arbitrary: fc.constantFrom<ModelBackend['mode']>('up', 'up', 'down', 'store-then-crash').map((mode) => new DeliverCommand(mode)) },
      { weight: 1, arbitrary: fc.boolean().map((mid) => new CrashCommand(mid)) },
      { weight: 1, arbitrary: fc.boolean().map((reparse) => new BackfillCommand(reparse)) },
    );
    await fc.assert(
      fc.asyncProperty(fc.commands([command], { maxCommands: 40 }), async (commands) => {
        const dir = mkdtempSync(join(tmpdir(), 'posbridge-model-'));
        const file = join(dir, 'posbridge.db');
        const real: Real = { file, store: Store.open(file), backend: new ModelBackend(), clock: { now: Date.parse('2026-11-23T09:00:00Z') }, generation: 0 };
        real.store.outbox.registerSinks(['http']);
        const model: Model = { stored: new Set(), delivered: new Set(), resendable: new Set(), baskets: [] };
        try {
          await fc.asyncModelRun(
            () => ({ model, real }),
            [...commands].map((c) => ({
              check: (m: Readonly<Model>) => c.check(m),
              run: async (m: Model, r: Real) => {
                await c.run(m, r);
                checkInvariants(m, r);
              },
              toString: () => c.toString(),
            })),
          );
          // A healthy backend at the end: everything stored arrives, each key stored there once.
          real.backend.mode = 'up';
          real.clock.now += LEASE_MS + 1;
          const f = forwarder(real);
          while ((await f.deliverOnce()) !== null) real.clock.now += 100;
          for (const key of model.stored) expect(real.backend.stored.get(key), `${key} never reached the backend`).toBe(1);
          expect(keysIn(real, 'pending').length + keysIn(real, 'in_flight').length).toBe(0);
        } finally {
          real.store.close();
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 60 },
    );
  });
});
