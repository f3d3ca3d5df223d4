// Opens a USB printer's character device (usblp) once as a line device, with plain node:fs.
//
// libuv cannot poll a usblp device, and a blocking read would pin a thread-pool thread until the printer
// speaks, so the device is opened non-blocking: reads that find nothing (EAGAIN) retry after pollMs; writes
// the device cannot take yet (EAGAIN, short writes) continue shortly after, backing off up to pollMs.
// EIO/ENODEV mean the printer went away: the device reports itself lost and the line reopens it once the
// path is back.
import { close, constants, open, read, write } from 'node:fs';
import { watchDevicePresence } from '../shared/device-presence.js';
import type { LineDevice, LineEvents, OpenLineDevice } from '../shared/line-device.js';
import type { UsbConfig } from './config.js';

const READ_SIZE = 4096;
const TRY_AGAIN = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);
// O_NOCTTY: if the path is a terminal (a pty in tests, a USB-serial bridge), never make it ours.
const OPEN_FLAGS = constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOCTTY;

export function usbDeviceOpener(config: UsbConfig): OpenLineDevice {
  return async (events) => {
    const fd = await new Promise<number>((resolve, reject) => {
      open(config.path, OPEN_FLAGS, (error, opened) => (error ? reject(error) : resolve(opened)));
    });
    const device = new UsbDevice(fd, config.pollMs, events);
    // A replaced device file (or a hung-up pty in tests) can read as "nothing" rather than fail.
    device.stopWatching = await watchDevicePresence(config.path, config.presenceCheckMs, (error) => device.fail(error));
    return device;
  };
}

class UsbDevice implements LineDevice {
  readonly #fd: number;
  readonly #pollMs: number;
  readonly #events: LineEvents;
  readonly #readBuffer = Buffer.allocUnsafe(READ_SIZE);
  #paused = false;
  #reading = false;
  #writing = false;
  #closed = false;
  #lost = false;
  #readTimer: NodeJS.Timeout | undefined;
  #onIdle: (() => void) | undefined;
  stopWatching: () => void = () => undefined;

  constructor(fd: number, pollMs: number, events: LineEvents) {
    this.#fd = fd;
    this.#pollMs = pollMs;
    this.#events = events;
    this.#readSoon(0);
  }

  write(chunk: Buffer, done: (error?: Error | null) => void): void {
    this.#writing = true;
    // A full device buffer (EAGAIN) usually drains within a millisecond or two: retry soon, then back off
    // to pollMs for a printer that is really stalled (paper out, cover open).
    let retryMs = 1;
    const writeFrom = (offset: number): void => {
      if (this.#closed) {
        this.#writeEnded(done, Object.assign(new Error('device closed'), { code: 'EBADF' }));
        return;
      }
      write(this.#fd, chunk, offset, chunk.length - offset, null, (error, written) => {
        if (error) {
          if (TRY_AGAIN.has(error.code ?? '')) {
            setTimeout(writeFrom, retryMs, offset);
            retryMs = Math.min(retryMs * 2, this.#pollMs);
            return;
          }
          this.fail(error);
          this.#writeEnded(done, error);
          return;
        }
        retryMs = 1;
        const next = offset + written;
        if (next < chunk.length) writeFrom(next);
        else this.#writeEnded(done, null);
      });
    };
    writeFrom(0);
  }

  pause(): void {
    this.#paused = true;
    clearTimeout(this.#readTimer);
    this.#readTimer = undefined;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#readSoon(0);
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.stopWatching();
    clearTimeout(this.#readTimer);
    // The fd must outlive reads and writes still in the thread pool, or they could hit a reused fd number.
    return new Promise((resolve) => {
      const closeFd = (): void => {
        if (this.#reading || this.#writing) return;
        this.#onIdle = undefined;
        close(this.#fd, () => resolve());
      };
      this.#onIdle = closeFd;
      closeFd();
    });
  }

  #readSoon(delayMs: number): void {
    if (this.#paused || this.#closed || this.#lost || this.#reading || this.#readTimer) return;
    this.#readTimer = setTimeout(() => {
      this.#readTimer = undefined;
      this.#readOnce();
    }, delayMs);
  }

  #readOnce(): void {
    if (this.#paused || this.#closed || this.#lost) return;
    this.#reading = true;
    read(this.#fd, this.#readBuffer, 0, READ_SIZE, null, (error, bytesRead) => {
      this.#reading = false;
      if (this.#closed) {
        this.#onIdle?.();
        return;
      }
      if (error) {
        if (TRY_AGAIN.has(error.code ?? '')) this.#readSoon(this.#pollMs);
        else this.fail(error);
        return;
      }
      if (bytesRead === 0) {
        // usblp reports "nothing from the printer" as a zero-length read as well as EAGAIN.
        this.#readSoon(this.#pollMs);
        return;
      }
      // Copy: the read buffer is reused for the next read.
      this.#events.onData(Buffer.from(this.#readBuffer.subarray(0, bytesRead)));
      this.#readSoon(0);
    });
  }

  #writeEnded(done: (error?: Error | null) => void, error: Error | null): void {
    this.#writing = false;
    if (this.#closed) this.#onIdle?.();
    done(error);
  }

  /** Reports the device lost (once); the line then closes it and reopens the path when it is back. */
  fail(error: Error): void {
    if (this.#lost || this.#closed) return;
    this.#lost = true;
    this.#events.onLost(error);
  }
}
