// Till side over a persistent line (serial port): every time the device opens, it becomes one long session
// that lasts until the device is lost or the side is stopped. Its end is not a job boundary.
import type { TillSession, TillSide } from '../types.js';
import { errorText } from './errors.js';
import { LineStream } from './line-stream.js';
import type { ReopeningLine } from './reopening-line.js';

export class LineTillSide implements TillSide {
  readonly kind: string;
  readonly #line: ReopeningLine;

  constructor(kind: string, line: ReopeningLine) {
    this.kind = kind;
    this.#line = line;
  }

  start(onSession: (session: TillSession) => void): Promise<void> {
    this.#line.onOpen = (device) => {
      const stream = new LineStream(device);
      stream.on('error', (error) => this.#line.log.debug({ reason: errorText(error) }, 'till session ended'));
      this.#line.attach(stream);
      stream.once('close', () => this.#line.detach(stream));
      onSession({ stream, peer: this.#line.name, endIsJobBoundary: false });
    };
    return this.#line.start();
  }

  stop(): Promise<void> {
    return this.#line.stop();
  }
}
