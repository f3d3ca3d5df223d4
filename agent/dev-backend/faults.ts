// Failure injection for the reference backend: the ways a real receipts backend lets an agent down (slow, 5xx,
// overloaded with Retry-After, connection dropped before or after it stored the batch, a body that is not the
// contract's), so the agent's retry, backoff and idempotency can be shown against real HTTP. Faults touch only
// `POST /v1/receipts`; a fault comes from the request's `x-dev-backend-fault` header, else the queue set by
// `POST /_faults` (one entry per request), else the standing faults from the command line.
import { z } from 'zod';

/** What the backend does instead of (or besides) answering normally. */
export type FaultAction =
  /** Answer with this status without storing; 429 and 503 carry Retry-After. */
  | { readonly kind: 'status'; readonly status: number; readonly retryAfterS?: number }
  /** Destroy the socket while the request is still arriving: nothing stored, no answer. */
  | { readonly kind: 'drop' }
  /** Store the batch, then destroy the socket without answering: the case idempotency exists for. */
  | { readonly kind: 'drop-after-store' }
  /** 200 with a body that is not JSON, nothing stored (a proxy's error page, a half-written answer). */
  | { readonly kind: 'junk' }
  /** 200, every receipt's result `retry`, nothing stored (the backend asks for each one later). */
  | { readonly kind: 'retry' };

export interface Fault {
  /** Waited before the answer (after the body was read); the batch is stored even if the client gave up. */
  readonly delayMs: number;
  readonly action: FaultAction | null;
}

export const NO_FAULT: Fault = { delayMs: 0, action: null };

export class FaultSpecError extends Error {}

const DEFAULT_RETRY_AFTER_S = 1;
const MAX_DELAY_MS = 600_000;

/**
 * One fault in words: parts joined by `+`, at most one of them an action.
 *   delay:2000     answer 2 s late          500 | 502 | 503 | 504   that status (503: Retry-After 1 s)
 *   429:5          429, Retry-After 5 s     503:30                  503, Retry-After 30 s
 *   drop           drop mid-request         drop-after-store        store, then drop
 *   junk           200 with a non-JSON body retry                   200, every item `retry`
 *   delay:3000+500 late, then a 500
 */
export function parseFault(spec: string): Fault {
  let delayMs = 0;
  let action: FaultAction | null = null;
  const parts = spec.trim().split('+').map((part) => part.trim());
  for (const part of parts) {
    const [name = '', value, extra] = part.split(':');
    let next: FaultAction | null = null;
    if (name === 'delay' && value !== undefined && /^\d+$/.test(value) && extra === undefined && Number(value) <= MAX_DELAY_MS) {
      delayMs += Number(value);
      continue;
    } else if (/^(429|5\d\d)$/.test(name) && extra === undefined && (value === undefined || /^\d+$/.test(value))) {
      const status = Number(name);
      const overload = status === 429 || status === 503;
      if (value !== undefined && !overload) throw new FaultSpecError(`fault "${part}": only 429 and 503 take a Retry-After (429:5)`);
      next = overload ? { kind: 'status', status, retryAfterS: value === undefined ? DEFAULT_RETRY_AFTER_S : Number(value) } : { kind: 'status', status };
    } else if ((name === 'drop' || name === 'drop-after-store' || name === 'junk' || name === 'retry') && value === undefined) {
      next = { kind: name };
    } else {
      throw new FaultSpecError(
        `unknown fault "${part}" (known: delay:MS, 500, 502, 503[:S], 504, 429[:S], drop, drop-after-store, junk, retry; join with +)`,
      );
    }
    if (action !== null) throw new FaultSpecError(`fault "${spec}" names two actions; one fault does one thing (a delay may come with it)`);
    action = next;
  }
  return { delayMs, action };
}

/** A fault spec as a zod type, for options and the `/_faults` body: validated once, where it comes in. */
export const faultSpecSchema = z.string().transform((spec, ctx) => {
  try {
    return parseFault(spec);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

export const faultQueueRequestSchema = z.strictObject({
  /** Faults for the next receipts requests, one each, in order; replaces the queue. */
  next: z.array(faultSpecSchema).max(10_000),
});

export interface StandingFaults {
  /** Applied to every receipts request that gets one of `faults`. */
  readonly delayMs: number;
  readonly faults: readonly Fault[];
  /** Share of receipts requests (0..1) that get one of `faults`, picked at random. */
  readonly rate: number;
  /** Only this many receipts requests get a standing fault; then the backend is healthy. */
  readonly count: number;
}

/** Which fault each receipts request gets; the queue and the counters are the only state. */
export class FaultPlan {
  #queue: Fault[] = [];
  #standingLeft: number;

  constructor(
    private readonly standing: StandingFaults,
    private readonly random: () => number = Math.random,
  ) {
    this.#standingLeft = standing.count;
  }

  /** Replaces the queue: `faults[i]` goes to the i-th receipts request from now on. */
  queue(faults: readonly Fault[]): void {
    this.#queue = [...faults];
  }

  get queued(): number {
    return this.#queue.length;
  }

  /** The fault for one receipts request (its header, if any, already parsed). Consumes a queue entry. */
  next(header: Fault | undefined): Fault {
    if (header !== undefined) return header;
    const queued = this.#queue.shift();
    if (queued !== undefined) return queued;
    const { faults, rate, delayMs } = this.standing;
    let fault = NO_FAULT;
    if (faults.length > 0 && this.#standingLeft > 0 && this.random() < rate) {
      this.#standingLeft -= 1;
      fault = faults[Math.floor(this.random() * faults.length)] ?? NO_FAULT;
    }
    return delayMs === 0 ? fault : { ...fault, delayMs: fault.delayMs + delayMs };
  }
}
