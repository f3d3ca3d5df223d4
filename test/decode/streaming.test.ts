// The decoder's output must not depend on how the stream is cut into chunks, and it must never throw.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decoder, decode } from '../../agent/decode/index.js';
import type { PrintedDocument } from '../../agent/decode/document.js';
import { toJson } from './helpers.js';

const FIXTURES = join(import.meta.dirname, '../fixtures');
const CORPUS = [
  ...readdirSync(join(FIXTURES, 'escpos-php')).filter((f) => f.endsWith('.bin')).map((f) => join(FIXTURES, 'escpos-php', f)),
  ...readdirSync(join(FIXTURES, 'decode')).filter((f) => f.endsWith('.bin')).map((f) => join(FIXTURES, 'decode', f)),
];

function decodeSplit(bytes: Uint8Array, cuts: number[]): PrintedDocument[] {
  const decoder = new Decoder();
  const out: PrintedDocument[] = [];
  let from = 0;
  for (const at of [...cuts].sort((a, b) => a - b)) {
    out.push(...decoder.write(bytes.subarray(from, at)));
    from = at;
  }
  out.push(...decoder.write(bytes.subarray(from)));
  out.push(...decoder.end());
  return out;
}

/** Bytes that hit command parsing often: prefixes, command letters, small numbers and text. */
const escposish = fc.uint8Array({ maxLength: 3000 }).chain((raw) =>
  fc.constant(
    raw.map((b, i) => {
      const pick = (b * 7 + i) % 10;
      if (pick === 0) return [0x1b, 0x1d, 0x1c, 0x10, 0x0a, 0x09][b % 6]!;
      if (pick === 1) return [0x28, 0x6b, 0x4c, 0x76, 0x30, 0x56, 0x2a, 0x26, 0x44, 0x38][b % 10]!;
      if (pick === 2) return b & 0x07;
      return b;
    }),
  ),
);

describe('chunking invariance', () => {
  it.each(CORPUS.map((f) => [f.slice(FIXTURES.length + 1), f]))('%s decodes the same however it is split', (_name, file) => {
    const bytes = new Uint8Array(readFileSync(file));
    const whole = toJson(decode(bytes));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 24 }), (cuts) => {
        expect(toJson(decodeSplit(bytes, cuts))).toBe(whole);
      }),
      { numRuns: 25, seed: 4711 },
    );
  });

  it('gives the same result one byte at a time on every corpus file', () => {
    for (const file of CORPUS) {
      const bytes = new Uint8Array(readFileSync(file));
      const cuts = Array.from({ length: bytes.length }, (_, i) => i);
      expect(toJson(decodeSplit(bytes, cuts)), file).toBe(toJson(decode(bytes)));
    }
  });

  it('never throws on random bytes and splits them invariantly', () => {
    fc.assert(
      fc.property(escposish, fc.array(fc.nat(), { maxLength: 16 }), (bytes, rawCuts) => {
        const cuts = rawCuts.map((c) => c % (bytes.length + 1));
        expect(toJson(decodeSplit(bytes, cuts))).toBe(toJson(decode(bytes)));
      }),
      { numRuns: 400, seed: 42 },
    );
  });

  it('covers the whole stream with document byte ranges', () => {
    fc.assert(
      fc.property(escposish, (bytes) => {
        const docs = decode(bytes);
        let at = 0;
        for (const d of docs) {
          expect(d.start).toBe(at);
          expect(d.end).toBeGreaterThanOrEqual(d.start);
          at = d.end;
        }
        expect(at).toBe(bytes.length);
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
