// Passthrough latency: how long bytes wait inside posbridge between arriving from one side and being accepted by
// the other (till -> printer for jobs, printer -> till for status replies). Measured on the passthrough hot path,
// so nothing here allocates per chunk: arrival times go into a fixed ring per stream (it only grows when more
// chunks are in flight than ever before), each write's completion takes the oldest one, and samples are counted
// into fixed buckets. A link emits its buckets as one `passthrough.latency` event per direction every second
// (only when something passed), which /metrics adds up.
import { PASSTHROUGH_LATENCY_BUCKETS, type AgentEventMap } from '../model/events.js';

export type Direction = AgentEventMap['passthrough.latency']['direction'];

/** Samples counted into PASSTHROUGH_LATENCY_BUCKETS (plus one past the last bound), since the last take(). */
export class LatencyBuckets {
  readonly #counts = new Float64Array(PASSTHROUGH_LATENCY_BUCKETS.length + 1);
  #sum = 0;
  #count = 0;

  record(seconds: number): void {
    let i = 0;
    while (i < PASSTHROUGH_LATENCY_BUCKETS.length && seconds > PASSTHROUGH_LATENCY_BUCKETS[i]!) i++;
    this.#counts[i]!++;
    this.#sum += seconds;
    this.#count++;
  }

  get count(): number {
    return this.#count;
  }

  /** The samples since the last take, as an event's fields; starts counting afresh. */
  take(): Pick<AgentEventMap['passthrough.latency'], 'buckets' | 'sum' | 'count'> {
    const taken = { buckets: Array.from(this.#counts), sum: this.#sum, count: this.#count };
    this.#counts.fill(0);
    this.#sum = 0;
    this.#count = 0;
    return taken;
  }
}

/**
 * Arrival times of the chunks written to one stream and not yet accepted by it, oldest first. Streams complete
 * writes in order, so the completion of a write is always the oldest arrival's.
 */
export class ArrivalTimes {
  #times = new Float64Array(64);
  #head = 0;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  push(at: number): void {
    if (this.#size === this.#times.length) this.#grow();
    this.#times[(this.#head + this.#size) % this.#times.length] = at;
    this.#size++;
  }

  /** The oldest arrival time, removed; NaN if there is none. */
  shift(): number {
    if (this.#size === 0) return Number.NaN;
    const at = this.#times[this.#head]!;
    this.#head = (this.#head + 1) % this.#times.length;
    this.#size--;
    return at;
  }

  /** Forgets every arrival (their chunks will not be written). */
  clear(): void {
    this.#head = 0;
    this.#size = 0;
  }

  #grow(): void {
    const times = new Float64Array(this.#times.length * 2);
    for (let i = 0; i < this.#size; i++) times[i] = this.#times[(this.#head + i) % this.#times.length]!;
    this.#times = times;
    this.#head = 0;
  }
}

/**
 * One stream's latency: `written(at)` before each write with the chunk's arrival time (performance.now()), and
 * `done` as the write's callback. `done` is made once per stream, so a write costs no closure.
 */
export class StreamLatency {
  readonly #times = new ArrivalTimes();
  readonly #buckets: LatencyBuckets;

  constructor(buckets: LatencyBuckets) {
    this.#buckets = buckets;
  }

  written(at: number): void {
    this.#times.push(at);
  }

  readonly done = (error?: Error | null): void => {
    const at = this.#times.shift();
    // A write that failed (the stream was destroyed) was never accepted: no latency to count.
    if (error == null && !Number.isNaN(at)) this.#buckets.record((performance.now() - at) / 1000);
  };
}

/** A link's latency buckets per direction, emitted every `intervalMs` while anything passes. */
export class LinkLatency {
  readonly toPrinter = new LatencyBuckets();
  readonly toTill = new LatencyBuckets();
  readonly #link: string;
  readonly #emit: (event: AgentEventMap['passthrough.latency']) => void;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(link: string, emit: (event: AgentEventMap['passthrough.latency']) => void, intervalMs = 1_000) {
    this.#link = link;
    this.#emit = emit;
    this.#intervalMs = intervalMs;
  }

  start(): void {
    this.#timer ??= setInterval(() => this.flush(), this.#intervalMs);
    this.#timer.unref();
  }

  /** Emits what was counted since the last flush. */
  flush(): void {
    for (const [direction, buckets] of [['toPrinter', this.toPrinter], ['toTill', this.toTill]] as const) {
      if (buckets.count > 0) this.#emit({ link: this.#link, direction, ...buckets.take() });
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.flush();
  }
}
