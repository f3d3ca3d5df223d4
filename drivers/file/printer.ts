// Printer side writing jobs to files: one file per job in a folder, or every job appended to one file.
// In folder mode a job is written under a ".partial" name and renamed when it ends, so a spool reader
// (the file till side) never picks up half a job. A job whose stream was destroyed before it ended (the daemon
// stopping mid-job, the till gone) is not a whole job: it is kept as ".incomplete", never given the final
// name. ".partial" files a crashed run left behind become ".incomplete" when the side starts.
import { mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../agent/model/index.js';
import { TransportError, errorText } from '../shared/errors.js';
import { SinkStream } from '../shared/sink-stream.js';
import { Turns } from '../shared/turns.js';
import type { PrinterSide } from '../types.js';
import type { FileConfig } from './config.js';

const PARTIAL = '.partial';
/** A ".partial" file untouched for this long belongs to no live writer. */
const LEFTOVER_AFTER_MS = 60_000;

function incompleteName(partial: string): string {
  return `${partial.slice(0, -PARTIAL.length)}.incomplete`;
}

export class FilePrinterSide implements PrinterSide {
  readonly kind = 'file';
  readonly #config: FileConfig;
  readonly #appendTurns = new Turns();
  readonly #open = new Set<SinkStream>();
  readonly #log;
  #counter = 0;

  constructor(config: FileConfig, logger: Logger) {
    this.#config = config;
    this.#log = logger.child({ path: config.path });
  }

  async open(): Promise<Duplex> {
    const stream = this.#config.mode === 'append' ? await this.#openAppend() : await this.#openJobFile();
    this.#open.add(stream);
    stream.once('close', () => this.#open.delete(stream));
    // A full disk must not take the daemon down if nobody listens for the error.
    stream.on('error', (error) => this.#log.warn({ reason: errorText(error) }, 'cannot write a job'));
    return stream;
  }

  async start(): Promise<void> {
    if (this.#config.mode === 'folder') await this.#tidyLeftovers();
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
      finish: async (completed) => {
        await handle.close();
        // A connection that carried nothing (a till probing whether its printer is there) is not a job.
        if (bytes === 0) await unlink(partial);
        else if (completed) await rename(partial, final);
        else {
          const kept = incompleteName(partial);
          await rename(partial, kept);
          this.#log.warn({ file: basename(kept), bytes }, 'job cut short before it ended: kept as .incomplete, not as a job file');
        }
      },
    });
  }

  /** ".partial" files nobody has written to for a while were left by a run that crashed mid-job. */
  async #tidyLeftovers(): Promise<void> {
    const folder = this.#config.path;
    const names = await readdir(folder).catch(() => [] as string[]);
    const before = Date.now() - LEFTOVER_AFTER_MS;
    const tidied: string[] = [];
    for (const name of names.filter((n) => n.endsWith(PARTIAL))) {
      const path = join(folder, name);
      try {
        if ((await stat(path)).mtimeMs > before) continue; // another writer may still be at it
        await rename(path, incompleteName(path));
        tidied.push(name);
      } catch (error) {
        this.#log.warn({ file: name, reason: errorText(error) }, 'cannot tidy a half-written job file');
      }
    }
    if (tidied.length > 0) {
      this.#log.warn({ files: tidied.length, first: tidied[0] }, 'half-written job files from an earlier run kept as .incomplete');
    }
  }

  async #createJobFile(folder: string): Promise<{ handle: FileHandle; partial: string; final: string }> {
    try {
      await mkdir(folder, { recursive: true });
      for (;;) {
        const name = `${timestamp(new Date())}-${String(++this.#counter).padStart(6, '0')}`;
        const partial = join(folder, `${name}${PARTIAL}`);
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
