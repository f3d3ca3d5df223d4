// Small stream helpers shared by driver and capture tests.
import { once } from 'node:events';
import type { Readable } from 'node:stream';

/** Everything a readable produces until it ends (or closes, for sockets destroyed by the peer). */
export function readAll(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('close', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

/** What a stream produced before it closed, and the error it closed with (a reset connection), if any. */
export function readUntilClose(stream: Readable): Promise<{ data: Buffer; error: Error | undefined }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let error: Error | undefined;
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', (err) => {
      error = err;
    });
    stream.once('close', () => resolve({ data: Buffer.concat(chunks), error }));
  });
}

/**
 * Resolves with exactly the next `count` bytes from a flowing stream (extra bytes are kept for the next call
 * through the returned reader). Rejects if the stream ends first or nothing arrives within timeoutMs.
 */
export function byteReader(stream: Readable): (count: number, timeoutMs?: number) => Promise<Buffer> {
  let buffered = Buffer.alloc(0);
  let waiter: (() => void) | undefined;
  let ended = false;
  stream.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    waiter?.();
  });
  const onEnd = (): void => {
    ended = true;
    waiter?.();
  };
  stream.once('end', onEnd);
  stream.once('close', onEnd);
  return (count, timeoutMs = 5_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiter = undefined;
        reject(new Error(`timed out waiting for ${count} bytes (have ${buffered.length})`));
      }, timeoutMs);
      const check = (): void => {
        if (buffered.length >= count) {
          clearTimeout(timer);
          waiter = undefined;
          const head = buffered.subarray(0, count);
          buffered = buffered.subarray(count);
          resolve(head);
        } else if (ended) {
          clearTimeout(timer);
          waiter = undefined;
          reject(new Error(`stream ended after ${buffered.length} of ${count} bytes`));
        }
      };
      waiter = check;
      check();
    });
}

/** Polls `condition` every few milliseconds until it holds; rejects after timeoutMs with `what`. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Resolves when the emitter emits `event` (re-exported so tests need one import). */
export { once };
