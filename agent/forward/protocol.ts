// Messages between the daemon's ForwardingHandle (handle.ts, main thread) and forwarding's host (host.ts, on the
// processing worker), over a port of their own.
import type { ForwardConfig } from '../config.js';
import type { DriftNotice, RawJobPrinterSetup } from '../model/index.js';
import type { DeadLetter, SinkBacklog } from '../store/outbox.js';
import type { BatchEvent } from './forwarder.js';

export interface ForwardSettings {
  readonly dataDir: string;
  readonly baseDir: string;
  readonly agentId: string;
  readonly storeId: string | null;
  /** Each link's printer setup, sent with its raw jobs (BatchContext.printerSetups). */
  readonly printerSetups: Readonly<Record<string, RawJobPrinterSetup>>;
  readonly forward: ForwardConfig;
}

export interface ForwardStatus {
  readonly sinks: readonly (SinkBacklog & { readonly configured: boolean; readonly running: boolean })[];
  readonly deadLetters: readonly DeadLetter[];
  readonly diskBytes: number;
  readonly lastPrune: { readonly at: string; readonly prunedJobs: number; readonly keptBytes: number; readonly undeliveredBytes: number } | null;
  readonly updatedAt: string;
  readonly error: string | null;
}

export interface ProbeResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export type ToForward =
  | { readonly t: 'wake' }
  | { readonly t: 'drift'; readonly notices: readonly DriftNotice[] }
  | { readonly t: 'probe'; readonly id: number }
  | { readonly t: 'stop' };

export type FromForward =
  | { readonly t: 'status'; readonly status: ForwardStatus }
  | { readonly t: 'batch'; readonly event: BatchEvent }
  | { readonly t: 'probe'; readonly id: number; readonly results: readonly ProbeResult[] }
  | { readonly t: 'fatal'; readonly message: string }
  | { readonly t: 'stopped' };
