// The forwarding thread: runs the ForwardingService (service.ts) for the daemon and answers its messages.
// Started by ForwardThread (forward-thread.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { log } from '../log.js';
import { ForwardingService } from './service.js';
import type { ForwardSettings, FromForward, ToForward } from './thread-protocol.js';

const port = parentPort;
if (port === null) throw new Error('thread-entry.ts runs as a worker thread');

const STATUS_EVERY_MS = 2_000;
const STOP_MS = 10_000;

function post(message: FromForward): void {
  port!.postMessage(message);
}

let service: ForwardingService;
try {
  service = new ForwardingService(workerData as ForwardSettings, log, (event) => post({ t: 'batch', event }));
} catch (error) {
  post({ t: 'fatal', message: (error as Error).message });
  process.exit(1);
}
service.start();
const statusTimer = setInterval(() => post({ t: 'status', status: service.status() }), STATUS_EVERY_MS);
post({ t: 'status', status: service.status() });

port.on('message', (message: ToForward) => {
  switch (message.t) {
    case 'wake':
      service.wake();
      break;
    case 'drift':
      service.setDrift(message.notices);
      break;
    case 'probe':
      void service.probe().then((results) => post({ t: 'probe', id: message.id, results }));
      break;
    case 'stop':
      clearInterval(statusTimer);
      void service.stop(STOP_MS).then(() => {
        post({ t: 'stopped' });
        port!.close();
      });
      break;
  }
});
