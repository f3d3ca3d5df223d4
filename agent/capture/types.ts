// What capture hands on: the link taps each till session's bytes into a CaptureSink, which frames them into jobs
// off the passthrough path (in the daemon, on a worker thread).
import type { PrintedDocument } from '../decode/index.js';

/** Why a job ended. */
export type JobEnd = 'cut' | 'session-end' | 'idle-gap' | 'max-bytes' | 'shutdown';

/** Where a session's bytes come from. */
export interface SessionInfo {
  readonly link: string;
  readonly tillId: string;
  readonly peer: string;
}

/**
 * One till session's tap. Called on the passthrough path, so implementations must return at once: no parsing,
 * no I/O, no awaiting. `bytes` may keep a reference to the chunk: stream chunks are never reused by Node.
 */
export interface SessionTap {
  bytes(chunk: Buffer): void;
  /**
   * The till has sent its last byte (a job-boundary session, before its close is passed on): resolves once every
   * byte tapped is durable, or after a bound, or at once when the store is known to be down. Never rejects.
   */
  durable?(): Promise<void>;
  end(reason: 'session-end' | 'shutdown'): void;
}

export interface CaptureSink {
  openSession(info: SessionInfo): SessionTap;
}

/** A captured job, framed and decoded. */
export interface FramedJob {
  /** UUIDv7 made from the capture time, so ids sort in capture order. */
  readonly id: string;
  readonly link: string;
  readonly tillId: string;
  readonly peer: string;
  /** When its first byte arrived. */
  readonly capturedAt: Date;
  readonly endedBy: JobEnd;
  /** The bytes the till sent, in order, every full card number masked in place by the worker (same length). */
  readonly bytes: Buffer;
  /** Its printed documents (one per cut, usually one); empty when it could not be decoded. */
  readonly documents: readonly PrintedDocument[];
  /** Why it was not (fully) decoded, or null. */
  readonly decodeError: string | null;
}
