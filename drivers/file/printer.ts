// Printer side writing jobs to files: one file per job in a folder, or every job appended to one file.
// In folder mode a job is written under a ".partial" name and renamed when it ends, so a spool reader
// (the file till side) never picks up half a job.
import { mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { log } from '../../agent/log.js';
import { TransportError, errorText } from '../shared/errors.js';
import { SinkStream } from '../shared/sink-stream.js';
import { Turns } from '../shared/turns.js';
import type { PrinterSide } from '../types.js';
import type { FileConfig } from './config.js';

export class FilePrinterSide implements PrinterSide {
  readonly kind = 'file';
  readonly #config: FileConfig;
  readonly #appendTurns = new Turns();
  readonly #open = new Set<SinkStream>();
  readonly #log;
  #counter = 0;

  constructor(config: FileConfig) {
    this.#config = config;
    this.#log = log.child({ driver: 'file', side: 'printer', path: config.path });
  }

  async open(): Promise<Duplex> {
    const stream = this.#config.mode === 'append' ? await this.#openAppend() : await this.#openJobFile();
    this.#open.add(stream);
    stream.once('close', () => this.#open.delete(stream));
    // A full disk must not take the daemon down if nobody listens for the error.
    stream.on('error', (error) => this.#log.warn({ reason: errorText(error) }, 'cannot write a job'));
    return stream;
  }

  async close(): Promise<void> {
    const closing = [...this.#open].map((stream) => new Promise<void>((resolve) => {
      stream.once('close', () => resolve());
      stream.destroy();
    }));
    await Promise.all(closing);
  }

  async #openJobFile(): Promise<SinkStream> {
    const folder = this.#config.path;
    const { handle, partial, final } = await this.#createJobFile(folder);
    let bytes = 0;
    return new SinkStream({
      write: async (chunk) => {
        bytes += chunk.length;
        await handle.write(chunk);
      },
      finish: async () => {
        await handle.close();
        // A connection that carried nothing (a till probing whether its printer is there) is not a job.
        if (bytes === 0) await unlink(partial);
        else await rename(partial, final);
      },
    });
  }

  async #createJobFile(folder: string): Promise<{ handle: FileHandle; partial: string; final: string }> {
    try {
      await mkdir(folder, { recursive: true });
      for (;;) {
        const name = `${timestamp(new Date())}-${String(++this.#counter).padStart(6, '0')}`;
        const partial = join(folder, `${name}.partial`);
        try {
          const handle = await open(partial, 'wx');
          return { handle, partial, final: join(folder, `${name}${this.#config.extension}`) };
        } catch (error) {
          // Another writer (or an earlier run) already used this name: take the next counter.
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
      }
    } catch (error) {
      throw new TransportError(`file printer ${folder}: cannot create a job file`, error);
    }
  }

  async #openAppend(): Promise<SinkStream> {
    const file = this.#config.path;
    // Jobs arriving together are appended one after the other, never interleaved.
    const release = await this.#appendTurns.take();
    let handle: FileHandle;
    try {
      await mkdir(dirname(file), { recursive: true });
      handle = await open(file, 'a');
    } catch (error) {
      release();
      throw new TransportError(`file printer ${file}: cannot open for appending`, error);
    }
    this.#log.debug('appending a job');
    return new SinkStream({
      write: async (chunk) => {
        await handle.write(chunk);
      },
      finish: async () => {
        try {
          await handle.close();
        } finally {
          release();
        }
      },
    });
  }
}

/** 20261122-230715-123 (UTC, so names sort by time across DST changes); safe in file names on every OS. */
function timestamp(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `${date.getUTCFullYear()}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}-` +
    `${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}-` +
    String(date.getUTCMilliseconds()).padStart(3, '0')
  );
}
