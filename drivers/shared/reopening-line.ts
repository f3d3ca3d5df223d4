// Keeps a line device open: opens it, notices when it vanishes, and reopens it with exponential backoff.
// Logs once per change of state (open, lost, a new reason for failing to open), never once per attempt,
// so an unplugged printer over a weekend leaves a few log lines, not thousands.
import type { Logger } from '../../agent/model/index.js';
import { TransportError, errorText } from './errors.js';
import type { LineDevice, LineEvents, OpenLineDevice } from './line-device.js';

/** Who currently receives the device's bytes and hears about its loss. */
export interface LineSink {
  deliver(chunk: Buffer): void;
  /** The device is gone (error) or the line was stopped (undefined). */
  lose(error?: Error): void;
}

export interface ReopenTiming {
  reopenMinMs: number;
  reopenMaxMs: number;
}

export class ReopeningLine {
  /** Names the line in messages, e.g. 'serial /dev/ttyUSB0'. */
  readonly name: string;
  /** Called with every newly opened device. */
  onOpen: ((device: LineDevice) => void) | undefined;

  readonly #openDevice: OpenLineDevice;
  readonly #timing: ReopenTiming;
  /** The line's logger, for the streams handed out over it. */
  readonly log: Logger;
  #running = false;
  #device: LineDevice | undefined;
  #sink: LineSink | undefined;
  #timer: NodeJS.Timeout | undefined;
  #attempt: Promise<void> | undefined;
  #delayMs: number;
  #lastFailure: unknown;
  #lastLogged: string | undefined;
  /** open() calls waiting for the device: called with it, or with undefined when the line stops. */
  readonly #openWaiters = new Set<(device: LineDevice | undefined) => void>();

  constructor(name: string, openDevice: OpenLineDevice, timing: ReopenTiming, logger: Logger) {
    this.name = name;
    this.#openDevice = openDevice;
    this.#timing = timing;
    this.log = logger;
    this.#delayMs = timing.reopenMinMs;
  }

  get device(): LineDevice | undefined {
    return this.#device;
  }

  /** Why the last attempt to open failed, while the device is not open. */
  get lastFailure(): unknown {
    return this.#device === undefined ? this.#lastFailure : undefined;
  }

  /** Starts keeping the device open; resolves after the first attempt, whether or not it succeeded. */
  start(): Promise<void> {
    if (this.#running) return Promise.resolve();
    this.#running = true;
    return this.#tryOpen();
  }

  /** Resolves with the open device, waiting up to timeoutMs for it to (re)appear. */
  whenOpen(timeoutMs: number): Promise<LineDevice> {
    const device = this.#device;
    if (device) return Promise.resolve(device);
    if (!this.#running) return Promise.reject(new Error(`${this.name}: line is stopped`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#openWaiters.delete(onOpen);
        reject(new TransportError(`${this.name}: not available`, this.#lastFailure ?? new Error(`not open after ${timeoutMs} ms`)));
      }, timeoutMs);
      const onOpen = (opened: LineDevice | undefined): void => {
        clearTimeout(timer);
        if (opened) resolve(opened);
        else reject(new Error(`${this.name}: line stopped`));
      };
      this.#openWaiters.add(onOpen);
    });
  }

  /** Routes the current device's bytes to sink until it is detached or the device is lost. */
  attach(sink: LineSink): void {
    this.#sink = sink;
  }

  detach(sink: LineSink): void {
    if (this.#sink !== sink) return;
    this.#sink = undefined;
    // Nobody reads now; a paused device would otherwise hold stale replies for the next reader.
    this.#device?.resume();
  }

  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const waiter of this.#openWaiters) waiter(undefined);
    this.#openWaiters.clear();
    await this.#attempt;
    const device = this.#device;
    const sink = this.#sink;
    this.#device = undefined;
    this.#sink = undefined;
    sink?.lose();
    await device?.close();
    this.log.info('closed');
  }

  #tryOpen(): Promise<void> {
    this.#timer = undefined;
    let opened: LineDevice | undefined;
    let lostWhileOpening: Error | undefined;
    const events: LineEvents = {
      onData: (chunk) => {
        if (opened !== undefined && opened === this.#device) this.#sink?.deliver(chunk);
      },
      onLost: (error) => {
        if (opened === undefined) lostWhileOpening = error;
        else this.#lost(opened, error);
      },
    };
    const attempt = this.#openDevice(events).then(
      (device) => {
        opened = device;
        if (!this.#running) return device.close();
        this.#device = device;
        if (lostWhileOpening) {
          this.#lost(device, lostWhileOpening);
          return undefined;
        }
        this.#delayMs = this.#timing.reopenMinMs;
        this.#lastFailure = undefined;
        this.#note('info', 'open', 'opened');
        this.onOpen?.(device);
        for (const waiter of this.#openWaiters) waiter(device);
        this.#openWaiters.clear();
        return undefined;
      },
      (error: unknown) => {
        if (!this.#running) return;
        this.#lastFailure = error;
        const reason = errorText(error);
        this.#note('warn', `failed: ${reason}`, 'cannot open; retrying with backoff', { reason });
        this.#retryLater();
      },
    );
    this.#attempt = attempt.finally(() => {
      this.#attempt = undefined;
    });
    return this.#attempt;
  }

  #lost(device: LineDevice, error: Error): void {
    if (device !== this.#device) return;
    this.#device = undefined;
    this.#lastFailure = error;
    const sink = this.#sink;
    this.#sink = undefined;
    this.#note('warn', 'lost', 'device lost; reopening', { reason: errorText(error) });
    sink?.lose(new TransportError(`${this.name}: device lost`, error));
    device.close().catch((closeError: unknown) => this.log.debug({ reason: errorText(closeError) }, 'close after loss failed'));
    if (this.#running) this.#retryLater();
  }

  #retryLater(): void {
    const delay = this.#delayMs;
    this.#delayMs = Math.min(delay * 2, this.#timing.reopenMaxMs);
    this.#timer = setTimeout(() => void this.#tryOpen(), delay);
  }

  /** Logs only when the state differs from the last one logged. */
  #note(level: 'info' | 'warn', state: string, message: string, details: Record<string, unknown> = {}): void {
    if (state === this.#lastLogged) return;
    this.#lastLogged = state;
    this.log[level](details, message);
  }
}
