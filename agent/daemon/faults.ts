// Fault injection for the decoder, read once by the processing worker from POSBRIDGE_FAULTS, e.g.
//   POSBRIDGE_FAULTS=decode-delay-ms=250         every decoder write blocks the worker thread for 250 ms
//   POSBRIDGE_FAULTS=decode-throw                 every decoder write throws
//   POSBRIDGE_FAULTS=worker-exit-once=PATH        the first decoder write ends the processing worker's thread, once
//                                                 (PATH is created then, so its restarted successor carries on)
// It exists to prove, against the real daemon, that a slow or failing decoder never touches printing
// (test/daemon/capture-isolation.test.ts, bench/passthrough.ts), and that what the worker hosts (forwarding) comes
// back with it (test/forward/end-to-end.test.ts). Unset in production; unknown names are refused.
import { existsSync, writeFileSync } from 'node:fs';
import { Decoder, type DecoderOptions, type PrintedDocument } from '../decode/index.js';
import type { StreamDecoder } from '../model/index.js';
import type { DecoderFactory } from './job-processor.js';

export interface DecoderFaults {
  delayMs: number;
  throws: boolean;
  /** A file whose absence means: create it and end this thread (process.exit in a worker ends only the thread). */
  exitOnceMarker?: string;
}

export function parseFaults(spec: string | undefined): DecoderFaults | undefined {
  if (spec === undefined || spec.trim() === '') return undefined;
  const faults: DecoderFaults = { delayMs: 0, throws: false };
  for (const item of spec.split(',')) {
    const [name, value] = item.trim().split('=');
    if (name === 'decode-delay-ms' && value !== undefined && /^\d+$/.test(value)) faults.delayMs = Number(value);
    else if (name === 'decode-throw' && value === undefined) faults.throws = true;
    else if (name === 'worker-exit-once' && value !== undefined && value !== '') faults.exitOnceMarker = value;
    else throw new Error(`POSBRIDGE_FAULTS: unknown fault "${item}" (known: decode-delay-ms=N, decode-throw, worker-exit-once=PATH)`);
  }
  return faults;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this thread, as a decoder stuck on a pathological job would. */
function block(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

class FaultyDecoder implements StreamDecoder {
  readonly #inner: Decoder;
  readonly #faults: DecoderFaults;

  constructor(faults: DecoderFaults, options: DecoderOptions | undefined) {
    this.#inner = new Decoder(options);
    this.#faults = faults;
  }

  write(chunk: Uint8Array): PrintedDocument[] {
    if (this.#faults.delayMs > 0) block(this.#faults.delayMs);
    if (this.#faults.throws) throw new Error('injected decoder fault (POSBRIDGE_FAULTS=decode-throw)');
    const marker = this.#faults.exitOnceMarker;
    if (marker !== undefined && !existsSync(marker)) {
      writeFileSync(marker, '');
      process.exit(70);
    }
    return this.#inner.write(chunk);
  }

  end(): PrintedDocument[] {
    return this.#inner.end();
  }
}

export function faultyDecoderFactory(faults: DecoderFaults | undefined): DecoderFactory | undefined {
  return faults === undefined ? undefined : (options) => new FaultyDecoder(faults, options);
}
