// Messages between the passthrough thread and the processing worker (worker.ts). Plain data, and the port that
// forwarding runs over.
import type { MessagePort } from 'node:worker_threads';
import type { SessionInfo } from '../capture/types.js';
import type { ForwardSettings } from '../forward/protocol.js';
import type { OcrConfig, OcrStatus } from '../ocr/index.js';
import type { StoreHealth } from '../model/store-health.js';
import type { SpillAccess, SpillRef } from './capture-spill.js';
import type { LinkSettings, JobSummary } from './job-processor.js';

/** Settings the worker builds its processor from; profiles are loaded from profilesDir in the worker. */
export interface WorkerSettings {
  readonly dataDir: string;
  readonly storeId?: string | undefined;
  readonly timezone: string;
  readonly currency?: string | undefined;
  readonly profilesDir?: string | undefined;
  readonly links: Readonly<Record<string, LinkSettings>>;
  readonly ocr: OcrConfig;
  /** Where captured bytes the worker fell behind on wait, encrypted (capture-spill.ts). */
  readonly spill?: SpillAccess | undefined;
}

export type ToWorker =
  | { readonly t: 'open'; readonly session: number; readonly info: SessionInfo }
  | { readonly t: 'data'; readonly session: number; readonly bytes: Uint8Array; readonly at: number }
  /** Like `data`, with the bytes in the spill file: posted while the worker was behind. */
  | { readonly t: 'spilled'; readonly session: number; readonly ref: SpillRef; readonly at: number }
  | { readonly t: 'lost'; readonly session: number; readonly byteCount: number }
  | { readonly t: 'end'; readonly session: number; readonly reason: 'session-end' | 'shutdown' }
  /** The till has sent its last byte: answer `durable` with the token once every byte of it is on disk. */
  | { readonly t: 'sync'; readonly session: number; readonly token: number }
  | { readonly t: 'configure'; readonly settings: WorkerSettings }
  /** Run forwarding here (forward/host.ts), answering over `port` until asked to stop. */
  | { readonly t: 'forward'; readonly port: MessagePort; readonly settings: ForwardSettings }
  | { readonly t: 'drain' };

export type FromWorker =
  | { readonly t: 'ready' }
  | { readonly t: 'fatal'; readonly message: string }
  | { readonly t: 'warn'; readonly message: string }
  /** The store started failing (problem) or is writable again (null). */
  /** The journal has these bytes (from a `spilled` message when `spilled`: their place in the file may be reused). */
  | { readonly t: 'ack'; readonly byteCount: number; readonly spilled: boolean }
  | { readonly t: 'job'; readonly summary: JobSummary }
  | { readonly t: 'ocr'; readonly status: OcrStatus }
  | { readonly t: 'durable'; readonly token: number }
  | { readonly t: 'store'; readonly health: StoreHealth }
  | { readonly t: 'drained'; readonly pendingJobs: number; readonly droppedJobs: number };
