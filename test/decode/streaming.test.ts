// The decoder's output must not depend on how the stream is cut into chunks, and it must never throw.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode } from '../../agent/decode/index.js';
import { HT, LF, decodeSplit, toJson } from './helpers.js';

const FIXTURES = join(import.meta.dirname, '../fixtures');
const CORPUS = [
  ...readdirSync(join(FIXTURES, 'escpos-php')).filter((f) => f.endsWith('.bin')).map((f) => join(FIXTURES, 'escpos-php', f)),
  ...readdirSync(join(FIXTURES, 'decode')).filter((f) => f.endsWith('.bin')).map((f) => join(FIXTURES, 'decode', f)),
];

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

describe('every command family split at every byte', () => {
  const ESC = 0x1b;
  const GS = 0x1d;
  const FS = 0x1c;
  const DLE = 0x10;
  const b = (...xs: (number | string)[]): number[] => xs.flatMap((x) => (typeof x === 'string' ? [...Buffer.from(x, 'latin1')] : [x]));
  const gsk = (...body: number[]) => b(GS, '(', 'k', body.length, 0, ...body);
  const gsL = (...body: number[]) => b(GS, '(', 'L', body.length, 0, ...body);
  // One sample of each command shape: fixed lengths, NUL-terminated, length-prefixed (2 and 4 bytes),
  // record-structured (ESC &, FS q), real-time, dialects, Kanji, UTF-8, page mode, text and cuts.
  const zoo: number[][] = [
    b(ESC, '@', 'Item  ', ESC, '!', 0x38, 'A', ESC, '!', 0, HT, 'x', ESC, '$', 0x90, 1, '9.99', LF),
    b(ESC, 'D', 4, 8, 0, 'a', HT, 'b', ESC, '\\', 0xf4, 0xff, 'c', ESC, ' ', 2, ESC, '-', 1, ESC, 'E', 1, ESC, 'G', 0, LF),
    b(GS, '!', 0x11, GS, 'B', 1, ESC, '{', 1, ESC, 'V', 1, ESC, 'M', 1, ESC, 'a', 1, GS, 'L', 8, 0, GS, 'W', 0, 2, 'z', LF),
    b(ESC, 't', 16, 0x80, ESC, 'R', 2, '[', FS, '&', 0xd6, 0xd0, FS, 'C', 1, 0x93, 0xfa, FS, '.', LF),
    b(FS, '(', 'C', 2, 0, 48, 2, 0xc2, 0xa3, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x8d, 0x95, 0xe2, 0x82, 'x', LF, FS, '(', 'C', 2, 0, 48, 1, 0xa3),
    b(ESC, '&', 3, 'A', 'B', 2, 1, 2, 3, 4, 5, 6, 1, 7, 8, 9, ESC, '%', 1, 'AB', ESC, '?', 'A', ESC, '%', 0, LF),
    b(GS, 'h', 50, GS, 'w', 2, GS, 'H', 2, GS, 'k', 4, 'ABC', 0, GS, 'k', 73, 5, '{B', 'xyz'),
    [...gsk(49, 65, 50, 0), ...gsk(49, 67, 5), ...gsk(49, 69, 49), ...gsk(49, 80, 48, 0x41, 0x42), ...gsk(49, 81, 48)],
    b(GS, 'v', '0', 0, 2, 0, 2, 0, 1, 2, 3, 4, ESC, '*', 0, 2, 0, 0x80, 1, LF, ESC, '*', 33, 1, 0, 1, 2, 3, ESC, 'J', 0),
    [...gsL(48, 112, 48, 1, 1, 49, 8, 0, 1, 0, 0xff), ...gsL(48, 50), ...gsL(48, 67, 48, 65, 49, 1, 8, 0, 1, 0, 49, 0xf0), ...gsL(48, 69, 65, 49, 1, 1), ...gsL(1)],
    b(GS, '8', 'L', 12, 0, 0, 0, 48, 112, 48, 1, 1, 49, 8, 0, 1, 0, 0x0f, 0xaa),
    b(GS, '*', 1, 1, 1, 2, 3, 4, 5, 6, 7, 8, GS, '/', 0, FS, 'q', 1, 1, 0, 1, 0, 8, 7, 6, 5, 4, 3, 2, 1, FS, 'p', 1, 0),
    b(ESC, 'L', ESC, 'W', 0, 0, 0, 0, 0x40, 2, 0, 2, GS, '$', 40, 0, 'lo', GS, '\\', 0xf0, 0xff, 'hi', ESC, 0x0c, 0x18, 0x0c),
    b(DLE, 4, 1, DLE, 4, 7, 1, DLE, 5, 2, DLE, 0x14, 1, 0, 5, DLE, 0x14, 8, 1, 3, 20, 1, 6, 2, 8, GS, 'a', 1, GS, 'r', 1),
    b(GS, '(', 'H', 6, 0, 48, 48, 1, 2, 3, 4, ESC, '(', 'A', 4, 0, 48, 51, 3, 10, GS, 'g', '2', 0, 1, 0, GS, 'C', '1', 1, 0, 2, 0, 1, 1),
    b(FS, 'g', '1', 0, 0, 0, 0, 0, 2, 0, 'ab', FS, '2', 0xa1, 0xa1, ...new Array<number>(72).fill(0x55), ESC, 'p', 0, 25, 50),
    b(ESC, 'E', 'x', ESC, 'F', ESC, 'j', '1', ESC, 'w', 1, ESC, 0x81, 4, 0, 4, 'M', 'qr', GS, 0xf9, '5', '0', ESC, 'v', 9, GS, 0xf9, '5', '1'),
    b(GS, 'k', 'Q', 2, 8, 0, 1, 5, 0, 'qr', 0, GS, 'o', 0, 4, 0, 2, 0x0e, 'W', 0x14, 0x07, ESC, 0x01, GS, 0x02, FS, 0x03, DLE, 'd'),
    b(GS, '(', 'L', 1, 0, 'A', GS, '(', 'k', 1, 0, 49, ESC, '(', 'Z', 2, 0, 1, 2, GS, 'V', 66, 3, 'next', ESC, 'i', ESC, 'm', GS, 'V', 0),
  ];
  const input = Uint8Array.from(zoo.flat());

  it('decodes the same whether whole or split in two at any byte', () => {
    const whole = toJson(decode(input));
    for (let cut = 1; cut < input.length; cut++) {
      expect(toJson(decodeSplit(input, [cut])), `split at ${cut}`).toBe(whole);
    }
  });

  it('decodes the same fed one byte at a time', () => {
    expect(toJson(decodeSplit(input, Array.from({ length: input.length }, (_, i) => i)))).toBe(toJson(decode(input)));
  });
});
