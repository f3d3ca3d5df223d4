// Where captured bytes wait when the processing worker is behind: a flood of print data that arrives faster than
// the worker can journal it is written to a spill file instead of being held in memory (the worker's message queue),
// so the daemon's memory stays bounded however many tills send at once. Memory, not durability: spilled bytes are
// not yet journalled — a till's close still waits for its bytes to be durable in the store — and a crash loses what
// the spill held, as it would have lost the same bytes held in memory.
//
// The bytes are the till's as sent, card numbers and all (masking is the journal's, in the worker), so no card number
// may reach the disk in clear: each chunk is encrypted with AES-256-CTR under a key made at start-up that lives only
// in this process's memory (and its worker's), with a fresh random IV per chunk, so even a rewound file never reuses
// a keystream. The file is made 0600, emptied at every start and removed at stop; without the key its content is
// noise, and the key goes with the process.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, ftruncate, openSync, readSync, rmSync, write } from 'node:fs';
import { join } from 'node:path';

const CIPHER = 'aes-256-ctr';

/** Where one spilled chunk is, and the IV it was encrypted with. */
export interface SpillRef {
  readonly position: number;
  readonly length: number;
  readonly iv: Uint8Array;
}

/** What the worker needs to read the spill back: the file and the key (handed over in workerData, never stored). */
export interface SpillAccess {
  readonly file: string;
  readonly key: Uint8Array;
}

export function spillFileIn(dataDir: string): string {
  return join(dataDir, 'capture-spill.bin');
}

/**
 * The passthrough thread's end: appends encrypted chunks (the writes run on libuv's pool, never blocking the
 * thread) and rewinds to the start once everything spilled has been read back, so the file is only as long as the
 * largest backlog.
 */
export class SpillWriter {
  readonly access: SpillAccess;
  readonly #fd: number;
  /** Where the next chunk goes. */
  #end = 0;
  /** Bytes written or being written and not yet read back (released). */
  #outstanding = 0;
  #closed = false;

  private constructor(file: string, fd: number) {
    this.#fd = fd;
    this.access = { file, key: new Uint8Array(randomBytes(32)) };
  }

  /** Opens the data folder's spill file, emptied (what a crashed daemon left cannot be read without its key). */
  static open(dataDir: string): SpillWriter {
    const file = spillFileIn(dataDir);
    return new SpillWriter(file, openSync(file, 'w+', 0o600));
  }

  /** Bytes spilled and not yet read back. */
  get outstandingBytes(): number {
    return this.#outstanding;
  }

  /** Encrypts and appends `bytes`; resolves once they are in the file (rejects on a write error: the chunk is lost). */
  write(bytes: Uint8Array): Promise<SpillRef> {
    const iv = new Uint8Array(randomBytes(16));
    // A stream cipher: update() gives every byte at once, final() nothing more.
    const sealed = createCipheriv(CIPHER, this.access.key, iv).update(bytes);
    const position = this.#end;
    this.#end += sealed.length;
    this.#outstanding += sealed.length;
    return new Promise((resolve, reject) => {
      write(this.#fd, sealed, 0, sealed.length, position, (error, written) => {
        if (error !== null || written !== sealed.length) {
          this.release(sealed.length);
          reject(error ?? new Error(`spill file: wrote ${written} of ${sealed.length} bytes`));
        } else resolve({ position, length: sealed.length, iv });
      });
    });
  }

  /** The worker has read `length` bytes back (or they will never be read): once none are left, start again at 0. */
  release(length: number): void {
    this.#outstanding = Math.max(0, this.#outstanding - length);
    if (this.#outstanding === 0 && this.#end > 0 && !this.#closed) {
      this.#end = 0;
      // Gives the disk back; a failure only leaves the file longer than it needs to be.
      ftruncate(this.#fd, 0, () => undefined);
    }
  }

  /** Closes and removes the file. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
    rmSync(this.access.file, { force: true });
  }
}

/** The worker's end: reads a chunk back and decrypts it. */
export class SpillReader {
  readonly #access: SpillAccess;
  #fd: number | undefined;

  constructor(access: SpillAccess) {
    this.#access = access;
  }

  read(ref: SpillRef): Buffer {
    this.#fd ??= openSync(this.#access.file, 'r');
    const sealed = Buffer.allocUnsafe(ref.length);
    const got = readSync(this.#fd, sealed, 0, ref.length, ref.position);
    if (got !== ref.length) throw new Error(`spill file: read ${got} of ${ref.length} bytes at ${ref.position}`);
    return createDecipheriv(CIPHER, this.#access.key, ref.iv).update(sealed);
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
