// The processing worker thread: journals, frames, decodes, extracts and stores captured jobs, so none of that can
// delay the passthrough on the main thread. Started by ProcessingWorker (processing-worker.ts).
//
// Bytes are journalled (card numbers masked) the moment they arrive and committed in the next turn, whatever the
// decoder's backlog: a till's close waits on that commit (`sync` → `durable`), not on decoding. Decoding runs from
// a queue in slices, so commits and durable answers keep coming while a flood is decoded.
import { parentPort, workerData } from 'node:worker_threads';
import { loadProfiles, type LayoutProfile } from '../extract/index.js';
import { JobWriter, Store } from '../store/index.js';
import { CaptureJournal, replayJournal } from './capture-journal.js';
import { faultyDecoderFactory, parseFaults } from './faults.js';
import { logJob } from './job-log.js';
import { JobProcessor, type ProcessorSettings } from './job-processor.js';
import type { FromWorker, ToWorker, WorkerSettings } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('worker.ts runs as a worker thread');

/** How long one slice of decoding may hold the thread before journal commits get their turn. */
const SLICE_MS = 20;

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

/** Work for the processor, in arrival order; `ackBytes` is what the main thread counts as in flight for it. */
type Work =
  | { readonly t: 'data'; readonly session: number; readonly bytes: Buffer; readonly at: number; readonly ackBytes: number }
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
  const writer = new JobWriter(store, { onHealth: (health) => post({ t: 'store', health }) });
  const journal = new CaptureJournal(writer);
  const newDecoder = faultyDecoderFactory(parseFaults(process.env.POSBRIDGE_FAULTS));
  // Set by the main thread when it starts draining: whatever is still queued is then stored raw, fast.
  const hurry = (): boolean => Atomics.load(settings.draining, 0) === 1;
  const queue: Work[] = [];
  let head = 0;
  /** Bytes captured before the oldest still queued are all with the processor. */
  const capturedUpTo = (): number => {
    for (let i = head; i < queue.length; i++) {
      const item = queue[i]!;
      if (item.t === 'data') return item.at;
    }
    return Date.now();
  };
  const processor = new JobProcessor(processorSettings(settings), writer, (summary) => {
    logJob(summary);
    post({ t: 'job', summary });
  }, { newDecoder, hurry, capturedUpTo });

  const recovered = replayJournal(store, processor, writer);
  if (recovered.sessions > 0) {
    writer.flush();
    post({ t: 'warn', message: `recovered ${recovered.sessions} capture sessions (${recovered.bytes} bytes) from the journal of a daemon that stopped without storing them` });
  }

  let scheduled = false;
  const work = (item: Work): void => {
    queue.push(item);
    if (!scheduled) {
      scheduled = true;
      setImmediate(runSlice);
    }
  };
  const perform = (item: Work): void => {
    switch (item.t) {
      case 'data':
        processor.data(item.session, item.bytes, item.at);
        journal.settled(item.session, processor.settledOffset(item.session));
        post({ t: 'ack', byteCount: item.ackBytes });
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
  const runUntil = (deadline: number): void => {
    while (head < queue.length && performance.now() < deadline) perform(queue[head++]!);
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

  port!.on('message', (message: ToWorker) => {
    switch (message.t) {
      case 'open':
        journal.open(message.session, message.info);
        processor.open(message.session, message.info);
        break;
      case 'data': {
        const bytes = message.bytes;
        const masked = journal.data(message.session, bytes, message.at);
        work({ t: 'data', session: message.session, bytes: masked, at: message.at, ackBytes: bytes.byteLength });
        break;
      }
      case 'sync': {
        const rest = journal.finish(message.session);
        if (rest.length > 0) work({ t: 'data', session: message.session, bytes: rest, at: Date.now(), ackBytes: 0 });
        const token = message.token;
        writer.whenDurable(() => post({ t: 'durable', token }));
        break;
      }
      case 'lost':
        work({ t: 'lost', session: message.session, byteCount: message.byteCount });
        break;
      case 'end': {
        const rest = journal.finish(message.session);
        if (rest.length > 0) work({ t: 'data', session: message.session, bytes: rest, at: Date.now(), ackBytes: 0 });
        work({ t: 'end', session: message.session, reason: message.reason });
        break;
      }
      case 'configure':
        processor.configure(processorSettings(message.settings));
        break;
      case 'drain': {
        runUntil(Infinity);
        // Sessions still open end here: their held-back bytes, their last jobs, and their journal with them.
        for (const session of journal.sessions) {
          const rest = journal.finish(session);
          if (rest.length > 0) processor.data(session, rest, Date.now());
        }
        processor.shutdown();
        for (const session of journal.sessions) journal.close(session);
        writer.flush();
        post({ t: 'drained', pendingJobs: writer.pending, droppedJobs: writer.dropped });
        writer.close();
        store.close();
        port!.close();
        break;
      }
    }
  });
  post({ t: 'ready' });
}

start(workerData as WorkerSettings & { draining: Int32Array });
