// Captured jobs for store and tail tests: real receipt bytes, and the baskets the extractor makes of them.
import { readFileSync } from 'node:fs';
import { newJobId } from '../../agent/capture/job-id.js';
import { basketsFromBytes, type Basket } from '../../agent/extract/index.js';
import type { JobRecord } from '../../agent/store/index.js';

export const COFFEE = readFileSync('test/fixtures/receipts/coffee-tm-t88-card.bin');

export function receipt(name: string): Buffer {
  return readFileSync(`test/fixtures/receipts/${name}.bin`);
}

let clock = Date.parse('2026-11-23T09:00:00Z');

/** A job captured a second after the previous one (or at `capturedAt`), its id made from that time. */
export function job(bytes: Uint8Array, extra: Partial<JobRecord> = {}): JobRecord {
  const capturedAt = extra.capturedAt ?? new Date((clock += 1000));
  return { id: newJobId(capturedAt.getTime()), link: 'front', tillId: 'T1', peer: 'tcp 10.0.0.9:50000', capturedAt, endedBy: 'cut', bytes, ...extra };
}

/** Later than every job made so far. */
export function afterAllJobs(): Date {
  return new Date(clock + 1);
}

/** The baskets extracted from a job, with ids derived from the job's and its till. */
export function basketsFor(record: JobRecord): Basket[] {
  return basketsFromBytes(record.bytes).map((b, i) => ({ ...b, id: i === 0 ? record.id : `${record.id}.${i}`, tillId: record.tillId }));
}
