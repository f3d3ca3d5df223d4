// Messages between the passthrough thread and the processing worker (worker.ts). Plain data only.
import type { SessionInfo } from '../capture/types.js';
import type { LinkSettings, JobSummary } from './job-processor.js';

/** Settings the worker builds its processor from; profiles are loaded from profilesDir in the worker. */
export interface WorkerSettings {
  readonly dataDir: string;
  readonly storeId?: string | undefined;
  readonly timezone: string;
  readonly currency?: string | undefined;
  readonly profilesDir?: string | undefined;
  readonly links: Readonly<Record<string, LinkSettings>>;
}

export type ToWorker =
  | { readonly t: 'open'; readonly session: number; readonly info: SessionInfo }
  | { readonly t: 'data'; readonly session: number; readonly bytes: Uint8Array; readonly at: number }
  | { readonly t: 'lost'; readonly session: number; readonly byteCount: number }
  | { readonly t: 'end'; readonly session: number; readonly reason: 'session-end' | 'shutdown' }
  | { readonly t: 'configure'; readonly settings: WorkerSettings }
  | { readonly t: 'drain' };

export type FromWorker =
  | { readonly t: 'ready' }
  | { readonly t: 'fatal'; readonly message: string }
  | { readonly t: 'warn'; readonly message: string }
  /** The store started failing (problem) or is writable again (null). */
  | { readonly t: 'store'; readonly problem: string | null }
  | { readonly t: 'ack'; readonly byteCount: number }
  | { readonly t: 'job'; readonly summary: JobSummary }
  | { readonly t: 'drained'; readonly pendingJobs: number; readonly droppedJobs: number };
