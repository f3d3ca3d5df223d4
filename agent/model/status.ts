// The daemon's status() as its readers see it: `posbridge status`, the admin endpoint, doctor. The forwarder
import type { StoreHealth } from './store-health.js';
// (agent/forward) adds `forward`; until it runs, the field is absent and readers treat forwarding as not configured.
export interface SinkStatusView {
  /** The sink's name in the outbox (agent/store/outbox.ts SinkBacklog). */
  readonly sink: string;
  readonly pending: number;
  readonly inFlight: number;
  readonly dead: number;
  readonly oldestPendingAt: string | null;
  readonly lastDeliveryAt: string | null;
  readonly lastError: string | null;
}

export interface LinkStatusView {
  readonly name: string;
  readonly tillId: string;
  readonly till: string;
  readonly printer: string;
  readonly running: boolean;
  readonly activeSessions: number;
  readonly jobs: number;
  readonly baskets: number;
  readonly lowConfidence: number;
  readonly lastJobAt: string | null;
  /** Whether the printer opened the last time it was tried; null before the first try. */
  readonly printerReachable: boolean | null;
  readonly printerProblem: string | null;
}

export interface AgentStatusView {
  readonly pid: number;
  readonly startedAt: string;
  readonly uptimeSeconds: number;
  readonly config: string;
  readonly dataDir: string;
  readonly capture: {
    readonly workerRunning: boolean;
    readonly backlogBytes: number;
    /** Of the backlog, the bytes waiting in the spill file (a flood the worker is behind on). */
    readonly spilledBytes: number;
    readonly shedBytes: number;
    readonly lostBytes: number;
    /** Why captured jobs cannot be stored now (held in memory and retried), null while they can. */
    readonly storeProblem: string | null;
  };
  readonly links: readonly LinkStatusView[];
  /** Where the admin endpoint answers; absent when it is switched off or could not start. */
  readonly admin?: { readonly url: string };
  readonly forward?: { readonly sinks: readonly SinkStatusView[] };
  readonly store?: StoreHealth;
  /** The OCR queue (agent/ocr/service.ts OcrStatus), null until the worker reports it. */
  readonly ocr?: unknown;
}
