// The processing worker thread: frames, decodes, extracts and stores captured jobs, so none of that can delay
// the passthrough on the main thread. Started by ProcessingWorker (processing-worker.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { loadProfiles, type LayoutProfile } from '../extract/index.js';
import { JobWriter, Store } from '../store/index.js';
import { faultyDecoderFactory, parseFaults } from './faults.js';
import { logJob } from './job-log.js';
import { JobProcessor, type ProcessorSettings } from './job-processor.js';
import type { FromWorker, ToWorker, WorkerSettings } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('worker.ts runs as a worker thread');

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

function start(settings: WorkerSettings & { draining: Int32Array }): void {
  let store: Store;
  try {
    store = Store.open(Store.fileIn(settings.dataDir));
  } catch (error) {
    post({ t: 'fatal', message: (error as Error).message });
    return;
  }
  const writer = new JobWriter(store, { onStoreState: (problem) => post({ t: 'store', problem }) });
  const newDecoder = faultyDecoderFactory(parseFaults(process.env.POSBRIDGE_FAULTS));
  // Set by the main thread when it starts draining: whatever is still queued is then stored raw, fast.
  const hurry = (): boolean => Atomics.load(settings.draining, 0) === 1;
  const processor = new JobProcessor(processorSettings(settings), writer, (summary) => {
    logJob(summary);
    post({ t: 'job', summary });
  }, { newDecoder, hurry });

  port!.on('message', (message: ToWorker) => {
    switch (message.t) {
      case 'open':
        processor.open(message.session, message.info);
        break;
      case 'data': {
        const bytes = message.bytes;
        processor.data(message.session, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), message.at);
        post({ t: 'ack', byteCount: bytes.byteLength });
        break;
      }
      case 'lost':
        processor.lost(message.session, message.byteCount);
        break;
      case 'end':
        processor.end(message.session, message.reason);
        break;
      case 'configure':
        processor.configure(processorSettings(message.settings));
        break;
      case 'drain': {
        processor.shutdown();
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
