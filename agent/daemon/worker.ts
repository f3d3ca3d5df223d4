// The processing worker thread: journals, frames, decodes, extracts and stores captured jobs, so none of that can
// delay the passthrough on the main thread. Started by ProcessingWorker (processing-worker.ts).
//
// Bytes are journalled (card numbers masked) the moment they arrive and committed in the next turn, whatever the
// decoder's backlog: a till's close waits on that commit (`sync` → `durable`), not on decoding. Decoding runs from
// a queue in slices, so commits and durable answers keep coming while a flood is decoded.
import { parentPort, workerData } from 'node:worker_threads';
import { loadProfiles, type LayoutProfile } from '../extract/index.js';
import { hostForwarding } from '../forward/host.js';
import { log } from '../log.js';
import { OcrService, recoverPendingOcr } from '../ocr/index.js';
import { JobWriter, Store, type JournalledSession } from '../store/index.js';
import { CaptureJournal, replaySession, type JournalChunk } from './capture-journal.js';
import { SpillReader } from './capture-spill.js';
import { collectorOfCapturedBytes } from './heap-tuning.js';
import { faultyDecoderFactory, parseFaults } from './faults.js';
import { logJob } from './job-log.js';
import { JobProcessor, jobSummary, type ProcessorSettings } from './job-processor.js';
import type { FromWorker, ToWorker, WorkerSettings } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('worker.ts runs as a worker thread');

/** How long one slice of decoding may hold the thread before journal commits get their turn. */
const SLICE_MS = 20;
/**
 * Bytes waiting for the decoder kept in memory; past this (a flood the decoder cannot keep up with) the queue only
 * points at the journal and reads them back when their turn comes, so memory stays bounded however far behind.
 */
const QUEUED_BYTES_IN_MEMORY = 2 * 1024 * 1024;
/** Captured bytes held for the next commit beyond which they are committed at once (JobWriter flushAtBytes). */
const COMMIT_AT_BYTES = 1024 * 1024;

function post(message: FromWorker): void {
  port!.postMessage(message);
}

function processorSettings(settings: WorkerSettings): ProcessorSettings {
  let profiles: LayoutProfile[] = [];
  if (settings.profilesDir !== undefined) {
    try {
      profiles = loadProfiles([settings.profilesDir]);
    } catch (error) {
      // The main thread validated them; a file changed since then is reported and the generic rules used.
      post({ t: 'warn', message: `layout profiles not loaded, using the generic rules: ${(error as Error).message}` });
    }
  }
  return { storeId: settings.storeId, timezone: settings.timezone, currency: settings.currency, profiles, links: settings.links };
}

/** Jobs from the last week still waiting for OCR (the daemon stopped before it finished) go back in its queue. */
function recoverOcr(store: Store, ocr: OcrService, processor: JobProcessor, settings: WorkerSettings): void {
  try {
    const queued = recoverPendingOcr(store, ocr, {
      sinceMs: 7 * 24 * 3600_000,
      limit: 1_000,
      decoderFor: (link) => settings.links[link]?.printerSetup,
      contextFor: (job, index) => processor.contextFor(job, index),
    });
    if (queued > 0) log.info({ queued }, 'stored jobs still waiting for OCR queued again');
  } catch (error) {
    post({ t: 'warn', message: `stored jobs waiting for OCR not looked up: ${(error as Error).message}` });
  }
}

/** Work for the processor, in arrival order. A data item without bytes reads them back from the journal. */
type Work =
  | { readonly t: 'data'; readonly session: number; readonly chunk: Omit<JournalChunk, 'bytes'>; readonly length: number; bytes: Buffer | undefined }
  | { readonly t: 'replay'; readonly session: number; readonly journalled: JournalledSession }
  | { readonly t: 'lost'; readonly session: number; readonly byteCount: number }
  | { readonly t: 'end'; readonly session: number; readonly reason: 'session-end' | 'shutdown' };

function start(settings: WorkerSettings & { draining: Int32Array }): void {
  let store: Store;
  try {
    store = Store.open(Store.fileIn(settings.dataDir));
  } catch (error) {
    post({ t: 'fatal', message: (error as Error).message });
    return;
  }
  const writer = new JobWriter(store, { flushAtBytes: COMMIT_AT_BYTES, onHealth: (health) => post({ t: 'store', health }) });
  const journal = new CaptureJournal(writer);
  const spill = settings.spill === undefined ? undefined : new SpillReader(settings.spill);
  const newDecoder = faultyDecoderFactory(parseFaults(process.env.POSBRIDGE_FAULTS));
  // Set by the main thread when it starts draining: whatever is still queued is then stored raw, fast.
  const hurry = (): boolean => Atomics.load(settings.draining, 0) === 1;
  const ocr = new OcrService(settings.ocr, writer, {
    logger: log,
    onStatus: (status) => post({ t: 'ocr', status }),
    onSaved: (job, baskets) => {
      const summary = jobSummary(job, baskets, { ocr: true });
      logJob(summary);
      post({ t: 'job', summary });
    },
  });
  const queue: Work[] = [];
  let head = 0;
  /** Bytes captured before the oldest still queued are all with the processor. */
  const capturedUpTo = (): number => {
    for (let i = head; i < queue.length; i++) {
      const item = queue[i]!;
      if (item.t === 'data') return item.chunk.at;
    }
    return Date.now();
  };
  const processor = new JobProcessor(processorSettings(settings), writer, (summary) => {
    logJob(summary);
    post({ t: 'job', summary });
  }, { newDecoder, hurry, capturedUpTo, ocr });
  recoverOcr(store, ocr, processor, settings);

  // This thread's copies of a flood's chunks (received, read back from the spill or the journal, masked) are
  // scavenged as the passthrough's are (heap-tuning.ts), also in the long synchronous store of a backlog at drain.
  const collectGarbage = collectorOfCapturedBytes();

  let scheduled = false;
  let queuedBytes = 0;
  const work = (item: Work): void => {
    if (item.t === 'data' && item.bytes !== undefined) {
      if (queuedBytes + item.length > QUEUED_BYTES_IN_MEMORY && writer.health.outage === null) item.bytes = undefined;
      else queuedBytes += item.length;
    }
    queue.push(item);
    if (!scheduled) {
      scheduled = true;
      setImmediate(runSlice);
    }
  };
  // What a daemon stopped without storing (kill -9, power cut) goes first, one session per work item, so each is
  // committed as soon as it is done and a second crash in the middle loses none of the progress.
  const journalled = store.journalledSessions();
  const replays = journalled.length;
  let replaysLeft = replays;
  let recoveredBytes = 0;

  const perform = (item: Work): void => {
    switch (item.t) {
      case 'data': {
        let bytes = item.bytes;
        if (bytes === undefined) bytes = readBack(item.chunk.key, item.chunk.offset);
        else queuedBytes -= item.length;
        if (bytes === undefined) processor.lost(item.session, item.length);
        else processor.data(item.session, bytes, item.chunk.at);
        collectGarbage(item.length);
        journal.settled(item.session, processor.settledOffset(item.session));
        break;
      }
      case 'replay':
        recoveredBytes += replaySession(store, processor, writer, item.session, item.journalled);
        if (--replaysLeft === 0) {
          post({ t: 'warn', message: `recovered ${replays} capture sessions (${recoveredBytes} bytes) from the journal of a daemon that stopped before storing them` });
        }
        break;
      case 'lost':
        processor.lost(item.session, item.byteCount);
        break;
      case 'end':
        processor.end(item.session, item.reason);
        journal.close(item.session);
        break;
    }
  };
  /** A queued chunk's bytes from the journal; committed first if the write is still pending. */
  const readBack = (key: string, offset: number): Buffer | undefined => {
    try {
      const bytes = store.journalledChunk(key, offset);
      if (bytes !== undefined) return bytes;
      writer.flush();
      return store.journalledChunk(key, offset);
    } catch (error) {
      post({ t: 'warn', message: `capture journal not readable: ${(error as Error).message}; the job records the loss` });
      return undefined;
    }
  };
  const runUntil = (deadline: number): void => {
    while (head < queue.length && performance.now() < deadline) {
      perform(queue[head++]!);
      // Between items every saved job is with its journal entries: a safe point to write a full batch.
      writer.commitIfFull();
    }
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    } else if (head > 1024) {
      queue.splice(0, head);
      head = 0;
    }
  };
  const runSlice = (): void => {
    scheduled = false;
    runUntil(performance.now() + SLICE_MS);
    if (queue.length > 0 && !scheduled) {
      scheduled = true;
      setImmediate(runSlice);
    }
  };

  const queueChunk = (session: number, chunk: JournalChunk | undefined): void => {
    if (chunk === undefined) return;
    const { bytes, ...where } = chunk;
    work({ t: 'data', session, chunk: where, length: bytes.length, bytes });
  };

  journalled.forEach((session, i) => work({ t: 'replay', session: -1 - i, journalled: session }));

  port!.on('message', (message: ToWorker) => {
    handle(message);
    if (message.t === 'data') collectGarbage(message.bytes.byteLength);
    else if (message.t === 'spilled') collectGarbage(message.ref.length);
    // A flood posted in one turn is journalled a few MiB at a time, not held whole until the turn ends.
    writer.commitIfFull();
  });
  const handle = (message: ToWorker): void => {
    switch (message.t) {
      case 'open':
        journal.open(message.session, message.info);
        processor.open(message.session, message.info);
        break;
      case 'data': {
        const bytes = message.bytes;
        queueChunk(message.session, journal.data(message.session, bytes, message.at));
        // In the journal's hands now (written this turn): no longer the passthrough's to count.
        post({ t: 'ack', byteCount: bytes.byteLength, spilled: false });
        break;
      }
      case 'spilled': {
        const { ref } = message;
        let bytes: Buffer | undefined;
        try {
          if (spill === undefined) throw new Error('no spill file was given to this worker');
          bytes = spill.read(ref);
        } catch (error) {
          post({ t: 'warn', message: `capture spill not readable: ${(error as Error).message}; the job records the loss` });
        }
        if (bytes === undefined) work({ t: 'lost', session: message.session, byteCount: ref.length });
        else queueChunk(message.session, journal.data(message.session, bytes, message.at));
        post({ t: 'ack', byteCount: ref.length, spilled: true });
        break;
      }
      case 'sync': {
        queueChunk(message.session, journal.finish(message.session));
        const token = message.token;
        writer.whenDurable(() => post({ t: 'durable', token }));
        break;
      }
      case 'lost':
        work({ t: 'lost', session: message.session, byteCount: message.byteCount });
        break;
      case 'end': {
        queueChunk(message.session, journal.finish(message.session));
        work({ t: 'end', session: message.session, reason: message.reason });
        break;
      }
      case 'configure':
        processor.configure(processorSettings(message.settings));
        ocr.configure(message.settings.ocr);
        break;
      case 'forward':
        hostForwarding(message.port, message.settings, log);
        break;
      case 'drain': {
        runUntil(Infinity);
        // Sessions still open end here: their held-back bytes, their last jobs, and their journal with them.
        for (const session of journal.sessions) {
          const rest = journal.finish(session);
          if (rest !== undefined) processor.data(session, rest.bytes, rest.at);
        }
        void ocr.stop();
        processor.shutdown();
        for (const session of journal.sessions) journal.close(session);
        writer.flush();
        post({ t: 'drained', pendingJobs: writer.pending, droppedJobs: writer.dropped });
        writer.close();
        store.close();
        spill?.close();
        port!.close();
        break;
      }
    }
  };
  post({ t: 'ready' });
}

start(workerData as WorkerSettings & { draining: Int32Array });
