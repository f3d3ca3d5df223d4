// The worker's side of the capture journal (JournalEntry in store.ts): every session's bytes, card numbers masked
// (PanMasker), go to the store before they are decoded, so a crash at any moment loses none the till sent; what a
// crash leaves is replayed into jobs at the next start. Masking happens here, first, so no clear card number
// reaches the disk: the journal, the jobs and their re-parses all see the same masked bytes.
import { randomUUID } from 'node:crypto';
import type { SessionInfo } from '../capture/types.js';
import { PanMasker } from '../extract/privacy.js';
import type { JobWriter, JournalledSession, Store } from '../store/index.js';
import type { JobProcessor } from './job-processor.js';

interface OpenSession {
  readonly key: string;
  readonly masker: PanMasker;
  /** Masked bytes journalled so far: the stream offset of the next chunk. */
  offset: number;
  /** How far the session's bytes are known to be in saved jobs. */
  settled: number;
}

/** A chunk as journalled: where to read it back from once it is no longer held in memory. */
export interface JournalChunk {
  readonly key: string;
  readonly offset: number;
  readonly at: number;
  readonly bytes: Buffer;
}

export class CaptureJournal {
  readonly #writer: JobWriter;
  /** Keys are unique per worker start: a restarted worker's framers begin their streams afresh. */
  readonly #boot = randomUUID();
  readonly #sessions = new Map<number, OpenSession>();

  constructor(writer: JobWriter) {
    this.#writer = writer;
  }

  open(session: number, info: SessionInfo): void {
    const key = `${this.#boot}:${session}`;
    this.#sessions.set(session, { key, masker: new PanMasker(), offset: 0, settled: 0 });
    this.#writer.journal({ t: 'open', key, info, openedAt: Date.now() });
  }

  /** Masks and journals one chunk; returns the masked bytes settled so far (a card number may be held back). */
  data(session: number, bytes: Uint8Array, at: number): JournalChunk | undefined {
    const state = this.#sessions.get(session);
    if (state === undefined) return undefined;
    return this.#append(state, state.masker.write(bytes), at);
  }

  /** The till has sent everything: journals whatever the masker held back and returns it. */
  finish(session: number): JournalChunk | undefined {
    const state = this.#sessions.get(session);
    if (state === undefined) return undefined;
    return this.#append(state, state.masker.end(), Date.now());
  }

  /** The processor has saved jobs up to `offset` of the session's stream: their bytes leave the journal. */
  settled(session: number, offset: number | undefined): void {
    const state = this.#sessions.get(session);
    if (state === undefined || offset === undefined || offset <= state.settled) return;
    state.settled = offset;
    this.#writer.journal({ t: 'consumed', key: state.key, offset });
  }

  /** The session's last job is saved: forget it (in that job's transaction). */
  close(session: number): void {
    const state = this.#sessions.get(session);
    if (state === undefined) return;
    this.#sessions.delete(session);
    this.#writer.journal({ t: 'close', key: state.key });
  }

  /** Sessions journalled and not closed yet. */
  get sessions(): number[] {
    return [...this.#sessions.keys()];
  }

  #append(state: OpenSession, masked: Buffer, at: number): JournalChunk | undefined {
    if (masked.length === 0) return undefined;
    const chunk = { key: state.key, offset: state.offset, at, bytes: masked };
    this.#writer.journal({ t: 'chunk', ...chunk });
    state.offset += masked.length;
    return chunk;
  }
}

/**
 * Turns one session the journal still holds (a daemon killed before storing its jobs) into jobs, through the same
 * processor as live bytes, as session number `session` (negative, so it never meets a live one); the session is
 * forgotten in its last job's transaction. Returns the bytes recovered.
 */
export function replaySession(store: Store, processor: JobProcessor, writer: JobWriter, session: number, journalled: JournalledSession): number {
  const { key, info, consumed } = journalled;
  let bytes = 0;
  processor.open(session, info);
  let position = consumed;
  for (const chunk of store.journalledChunks(key)) {
    const end = chunk.offset + chunk.bytes.length;
    if (end <= position) continue;
    // A gap: the journal's copy was shed during a long outage; the job records the loss.
    if (chunk.offset > position) processor.lost(session, chunk.offset - position);
    const fresh = chunk.bytes.subarray(Math.max(0, position - chunk.offset));
    processor.data(session, fresh, chunk.at);
    bytes += fresh.length;
    position = end;
  }
  processor.end(session, 'shutdown');
  writer.journal({ t: 'close', key });
  return bytes;
}
