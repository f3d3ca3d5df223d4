// Till side replaying captured jobs from files: each job file is one session whose end is a job boundary.
// A single file is read once; a folder is read in name order, once or (watch) continuously as a spool.
// Sessions are handed out one at a time so jobs reach the pipeline in file order.
import { createReadStream } from 'node:fs';
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Duplex, Writable } from 'node:stream';
import type { Logger } from '../../agent/model/index.js';
import { TransportError, errorText } from '../shared/errors.js';
import type { TillSession, TillSide } from '../types.js';
import type { FileConfig } from './config.js';

export class FileTillSide implements TillSide {
  readonly kind = 'file';
  readonly #config: FileConfig;
  readonly #log;
  /** Files already handed out (or being), so a kept file is not replayed on the next scan. */
  readonly #taken = new Set<string>();
  /** Size and mtime seen on the previous scan, to take only files that stopped growing. */
  readonly #lastSeen = new Map<string, string>();
  #onSession: ((session: TillSession) => void) | undefined;
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  #current: Duplex | undefined;
  #work: Promise<void> = Promise.resolve();

  constructor(config: FileConfig, logger: Logger) {
    this.#config = config;
    this.#log = logger.child({ path: config.path });
  }

  /** Resolves once every file present now has been handed out and read (watch mode keeps going after). */
  get idle(): Promise<void> {
    return this.#work;
  }

  async start(onSession: (session: TillSession) => void): Promise<void> {
    const { path, watch } = this.#config;
    let isFolder: boolean;
    try {
      isFolder = (await stat(path)).isDirectory();
    } catch (error) {
      throw new TransportError(`file till side ${path}: cannot read`, error);
    }
    this.#onSession = onSession;
    this.#running = true;
    if (!isFolder) {
      this.#work = this.#replay(path);
      return;
    }
    this.#work = this.#scan(!watch);
  }

  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#current?.destroy();
    await this.#work;
  }

  async #scan(takeAll: boolean): Promise<void> {
    const { path, extension, watch, pollMs } = this.#config;
    try {
      const names = (await readdir(path)).filter((name) => name.endsWith(extension)).sort();
      for (const name of names) {
        if (!this.#running) return;
        const file = join(path, name);
        if (this.#taken.has(file)) continue;
        if (!takeAll && !(await this.#settled(file))) continue;
        this.#taken.add(file);
        this.#lastSeen.delete(file);
        await this.#replay(file);
      }
    } catch (error) {
      this.#log.warn({ reason: errorText(error) }, 'cannot scan the folder');
    }
    if (watch && this.#running) {
      this.#timer = setTimeout(() => {
        this.#work = this.#scan(false);
      }, pollMs);
    }
  }

  /** True once a file shows the same size and mtime on two scans in a row: its writer is done. */
  async #settled(file: string): Promise<boolean> {
    const info = await stat(file).catch(() => undefined);
    if (!info) return false;
    const signature = `${info.size}:${info.mtimeMs}`;
    const settled = this.#lastSeen.get(file) === signature;
    this.#lastSeen.set(file, signature);
    return settled;
  }

  /** Hands one file out as a session and resolves when its bytes have all been read (or it was dropped). */
  #replay(file: string): Promise<void> {
    const onSession = this.#onSession;
    if (!onSession || !this.#running) return Promise.resolve();
    return new Promise((resolve) => {
      const stream = Duplex.from({
        readable: createReadStream(file),
        // Replies to a till that is only a file go nowhere.
        writable: new Writable({ write: (_chunk, _encoding, done) => done() }),
      });
      this.#current = stream;
      let readFully = false;
      stream.once('end', () => {
        readFully = true;
      });
      const finished = (): void => {
        stream.off('end', finished);
        stream.off('close', finished);
        if (this.#current === stream) this.#current = undefined;
        if (readFully && this.#config.afterRead === 'delete') {
          unlink(file).then(resolve, (error: unknown) => {
            this.#log.warn({ file, reason: errorText(error) }, 'cannot delete a replayed job file');
            resolve();
          });
          return;
        }
        if (!readFully) this.#log.warn({ file }, 'job file was not read to the end; it is kept');
        resolve();
      };
      stream.once('end', finished);
      stream.once('close', finished);
      stream.on('error', (error) => this.#log.warn({ file, reason: errorText(error) }, 'cannot read a job file'));
      onSession({ stream, peer: `file ${file}`, endIsJobBoundary: true });
    });
  }
}
