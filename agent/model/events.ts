// What happens in the agent, as typed events: emitted where it happens (capture, the worker's job reports, the
// forwarder) and counted where it is watched (agent/admin/metrics.ts), so no class carries counters of its own.
// Types and a thin typed wrapper over node:events only; no logic lives here. Backlog size and age are not events:
// /metrics reads them from the forwarder's status when scraped. Passthrough latency is not one either: in the
// daemon a byte waits only for the event loop, so /metrics shows the loop's lag (posbridge_process_nodejs_eventloop_lag_*),
// and bench/ measures the latency a till sees end to end.
import { EventEmitter } from 'node:events';

export interface AgentEventMap {
  /** A print job was framed and stored. */
  'job.captured': { link: string; bytes: number; endedBy: string };
  /** Bytes passed through a link, `toPrinter` from the till, `toTill` the printer's replies. */
  'bytes.passed': { link: string; direction: 'toPrinter' | 'toTill'; bytes: number };
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
