// Forwarding's far end: runs the ForwardingService (service.ts) on whatever thread is given the port, and answers
// the daemon's ForwardingHandle (handle.ts) over it. The daemon hosts it in the processing worker (worker.ts)
// rather than on a thread of its own: each V8 isolate costs a till PC 15-30 MiB of resident memory, and delivery
// is asynchronous I/O that fits between the worker's decoding slices. Closing the port is how the handle learns
// that forwarding stopped, whether asked to, unable to start, or with its thread.
import type { MessagePort } from 'node:worker_threads';
import type { Logger } from '../log.js';
import { ForwardingService } from './service.js';
import type { ForwardSettings, FromForward, ToForward } from './protocol.js';

const STATUS_EVERY_MS = 2_000;
const STOP_MS = 10_000;

/** Runs forwarding for `settings` until the handle asks it to stop; the thread's other work goes on meanwhile. */
export function hostForwarding(port: MessagePort, settings: ForwardSettings, logger: Logger): void {
  const post = (message: FromForward): void => port.postMessage(message);
  let service: ForwardingService;
  try {
    service = new ForwardingService(settings, logger, (event) => post({ t: 'batch', event }));
  } catch (error) {
    post({ t: 'fatal', message: (error as Error).message });
    port.close();
    return;
  }
  service.start();
  const statusTimer = setInterval(() => post({ t: 'status', status: service.status() }), STATUS_EVERY_MS);
  statusTimer.unref();
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
          port.close();
        });
        break;
    }
  });
}
