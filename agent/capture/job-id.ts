// Job ids are UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits, so ids sort by capture time
// (in SQLite, in file names, at the backend) and two agents never collide without any coordination.
import { randomFillSync } from 'node:crypto';

/** Random bytes drawn from the system a pool at a time: one call per id costs more than the rest of the id. */
const pool = new Uint8Array(4096);
let poolUsed = pool.length;
const random = new Uint8Array(10);
let lastMs = -1;
let sequence = 0;

function fillRandom(): void {
  if (poolUsed + random.length > pool.length) {
    randomFillSync(pool);
    poolUsed = 0;
  }
  random.set(pool.subarray(poolUsed, poolUsed + random.length));
  poolUsed += random.length;
}

/** A new UUIDv7; ids made in the same millisecond by this process still sort in the order they were made. */
export function newJobId(now = Date.now()): string {
  fillRandom();
  if (now <= lastMs) {
    // Same (or a clock stepped back) millisecond: keep the last timestamp and count up in the 12-bit rand_a field.
    now = lastMs;
    sequence = (sequence + 1) & 0xfff;
    if (sequence === 0) now = ++lastMs;
  } else {
    lastMs = now;
    sequence = random[0]! & 0x7ff; // start low so a burst has room to count up
  }
  const hex = now.toString(16).padStart(12, '0');
  const randA = (0x7000 | sequence).toString(16);
  const variant = ((random[2]! & 0x3f) | 0x80).toString(16);
  let tail = '';
  for (let i = 3; i < 10; i++) tail += random[i]!.toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8)}-${randA}-${variant}${tail.slice(0, 2)}-${tail.slice(2)}`;
}

/** The capture time (ms since the epoch) carried in a UUIDv7. */
export function jobIdTime(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

/**
 * A UUIDv7 whose random bits come from `seed` (a digest of the job's bytes and place): importing the same
 * capture twice gives the same ids, so the second import stores nothing new.
 */
export function jobIdFrom(ms: number, seed: Uint8Array): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0').slice(-12);
  const at = (i: number): number => seed[i % Math.max(seed.length, 1)] ?? 0;
  const randA = (((at(0) << 4) | (at(1) >> 4)) & 0xfff).toString(16).padStart(3, '0');
  const variant = ((at(2) & 0x3f) | 0x80).toString(16);
  let tail = '';
  for (let i = 3; i < 10; i++) tail += at(i).toString(16).padStart(2, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8)}-7${randA}-${variant}${tail.slice(0, 2)}-${tail.slice(2)}`;
}
