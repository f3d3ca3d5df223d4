// What happens in the agent, as typed events: emitted where it happens (capture, the worker's job reports, the
// forwarder) and counted where it is watched (agent/admin/metrics.ts), so no class carries counters of its own.
// Types and a thin typed wrapper over node:events only; no logic lives here. Backlog size and age are not events:
// /metrics reads them from the forwarder's status when scraped. Passthrough latency is counted by capture into
// fixed buckets (agent/capture/latency.ts: no event per chunk on the hot path) and emitted once a second per link.
import { EventEmitter } from 'node:events';

/**
 * Upper bounds (seconds) of the passthrough latency buckets, shared by capture (which counts into them) and
 * /metrics (which shows them). A byte normally waits for one event loop turn (well under a millisecond); a
 * printer that stops reading (paper out, a slow serial line) shows in the seconds.
 */
export const PASSTHROUGH_LATENCY_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface AgentEventMap {
  /** A print job was framed and stored. */
  'job.captured': { link: string; bytes: number; endedBy: string };
  /** Bytes passed through a link, `toPrinter` from the till, `toTill` the printer's replies. */
  'bytes.passed': { link: string; direction: 'toPrinter' | 'toTill'; bytes: number };
  /**
   * Passthrough latency samples of one link and direction since its previous event: from bytes arriving from one
   * side to their being accepted by the other (toPrinter: till bytes taken by the printer stream; toTill: the
   * printer's replies taken by the till's). `buckets[i]` counts samples at or under PASSTHROUGH_LATENCY_BUCKETS[i]
   * (and above the bound before); the last entry counts those above every bound. `sum` is in seconds.
   */
  'passthrough.latency': { link: string; direction: 'toPrinter' | 'toTill'; buckets: readonly number[]; sum: number; count: number };
  /** A job could not be decoded (it is stored raw). */
  'decode.error': { link: string; reason: string };
  /** A receipt was extracted but its arithmetic does not reconcile (some check failed). */
  'extract.error': { link: string; layout: string; failedChecks: readonly string[] };
  /** Every receipt extracted, with the layout (profile name or "generic") that read it. */
  'basket.extracted': { link: string; layout: string; confidence: number; reconciled: boolean };
  /** A delivery attempt's outcome for one basket at one sink. */
  'delivery.delivered': { sink: string };
  'delivery.failed': { sink: string; reason: string };
  'delivery.dead': { sink: string; reason: string };
  /** Whether a link's printer could be opened the last time it was tried. */
  'printer.state': { link: string; reachable: boolean; reason: string | null };
  /** A layout's drift alarm was raised or cleared. */
  'drift.changed': { link: string; layout: string; alarm: boolean; reconciledShare: number };
}

export type AgentEventName = keyof AgentEventMap;

export class AgentEvents {
  readonly #emitter = new EventEmitter();

  constructor() {
    // Metrics, the status page and the drift monitor all listen; none of them is a leak.
    this.#emitter.setMaxListeners(50);
  }

  emit<Name extends AgentEventName>(name: Name, event: AgentEventMap[Name]): void {
    this.#emitter.emit(name, event);
  }

  on<Name extends AgentEventName>(name: Name, listener: (event: AgentEventMap[Name]) => void): () => void {
    this.#emitter.on(name, listener);
    return () => this.#emitter.off(name, listener);
  }
}
