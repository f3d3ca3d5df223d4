// Importing raw jobs captured elsewhere (a printer journal, a capture file, another till's export): the bytes are
// cut into jobs the way live capture cuts them (capture/framer.ts), read into baskets the way live jobs are
// (job-baskets.ts), and stored like captured ones, so they can be re-parsed and backfilled the same way. Ids come
// from the bytes, so importing the same file twice stores it once.
import { createHash } from 'node:crypto';
import { JobFramer } from '../capture/framer.js';
import { jobIdFrom } from '../capture/job-id.js';
import type { FramedJob } from '../capture/types.js';
import { Decoder, type DecoderOptions } from '../decode/index.js';
import type { SavedJob, Store } from '../store/index.js';
import { basketsOfJob, type ExtractionSettings } from './job-baskets.js';

export interface ImportSource {
  /** Names the source in the job's peer column ("import <name>"). */
  readonly name: string;
  readonly bytes: Uint8Array;
  /** When the jobs were captured, as far as is known (the file's modification time). */
  readonly capturedAt: Date;
}

export interface ImportSettings extends ExtractionSettings {
  readonly link: string;
  readonly tillId: string;
  readonly printerSetup?: DecoderOptions | undefined;
  readonly maxJobBytes: number;
}

export interface ImportResult {
  readonly jobs: number;
  /** Jobs the store already had (an earlier import of the same bytes). */
  readonly alreadyStored: number;
  readonly baskets: number;
}

/** Cuts one source into jobs, extracts their baskets and stores them in one transaction. */
export function importJobs(store: Store, source: ImportSource, settings: ImportSettings): ImportResult {
  const framed: FramedJob[] = [];
  const framer = new JobFramer(
    { link: settings.link, tillId: settings.tillId, peer: `import ${source.name}` },
    // No idle gaps in a file: only cuts and the size limit end a job.
    { idleGapMs: Number.MAX_SAFE_INTEGER, maxJobBytes: settings.maxJobBytes, newDecoder: () => new Decoder(settings.printerSetup) },
    (job) => framed.push(job),
  );
  const at = source.capturedAt.getTime();
  framer.data(Buffer.from(source.bytes.buffer, source.bytes.byteOffset, source.bytes.byteLength), at);
  framer.end('session-end');

  const fileDigest = createHash('sha256').update(source.bytes).digest();
  const saved: SavedJob[] = [];
  let alreadyStored = 0;
  let baskets = 0;
  framed.forEach((job, index) => {
    const seed = createHash('sha256').update(fileDigest).update(String(index)).digest();
    // One millisecond apart, so the jobs of a file keep their order in capture-time sorts.
    const id = jobIdFrom(at + index, seed);
    if (store.job(id) !== undefined) {
      alreadyStored++;
      return;
    }
    const jobBaskets = basketsOfJob({ id, tillId: settings.tillId }, job.documents, settings);
    baskets += jobBaskets.length;
    saved.push({
      job: {
        id,
        link: job.link,
        tillId: job.tillId,
        peer: job.peer,
        capturedAt: new Date(at + index),
        endedBy: job.endedBy,
        bytes: job.bytes,
        decodeError: job.decodeError,
      },
      baskets: jobBaskets,
    });
  });
  if (saved.length > 0) store.saveJobs(saved);
  return { jobs: framed.length, alreadyStored, baskets };
}
