// Unknown and truncated commands, bounded output for hostile input, options validation and the stream API.
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { Decoder, DecodeStream, DecoderOptionsError, decode } from '../../agent/decode/index.js';
import type { PrintedDocument } from '../../agent/decode/document.js';
import { DLE, ESC, FS, GS, LF, bytes, doc, line, span } from './helpers.js';

describe('unknown commands resynchronise', () => {
  it('takes an unknown ESC / GS / FS command as two bytes and a stray DLE as one', () => {
    const input = bytes(ESC, 0x01, 'a', GS, 0x02, 'b', FS, 0x03, 'c', DLE, 'd', LF);
    expect(decode(input)).toEqual([
      doc(0, input.length, [line([span('abcd', 0)])], [
        { offset: 0, message: 'unknown command ESC 0x01 skipped' },
        { offset: 3, message: 'unknown command GS 0x02 skipped' },
        { offset: 6, message: 'unknown command FS 0x03 skipped' },
        { offset: 9, message: 'stray DLE before d ignored' },
      ]),
    ]);
  });

  it('skips unknown functions of length-prefixed families by their length', () => {
    const input = bytes(ESC, '(', 'Z', 2, 0, 'xx', GS, '(', 'Z', 3, 0, 'yyy', FS, '(', 'Z', 1, 0, 'z', GS, '8', 'Z', 1, 0, 0, 0, 'w', 'ok', LF);
    expect(decode(input)[0]).toEqual(
      doc(0, input.length, [line([span('ok', 0)])], [
        { offset: 0, message: 'unknown command ESC ( Z skipped (2 bytes)' },
        { offset: 7, message: 'unknown command GS ( Z skipped (3 bytes)' },
        { offset: 15, message: 'unknown command FS ( Z skipped (1 bytes)' },
        { offset: 21, message: 'unknown command GS 8 Z skipped (1 bytes)' },
      ]),
    );
  });

  it('skips every known configuration family silently', () => {
    const families: [number, string][] = [
      [GS, 'A'], [GS, 'C'], [GS, 'D'], [GS, 'E'], [GS, 'K'], [GS, 'M'], [GS, 'N'], [GS, 'P'], [GS, 'Q'], [GS, 'z'],
      [FS, 'A'], [FS, 'C'], [FS, 'E'], [FS, 'L'], [ESC, 'Y'],
    ];
    const parts = families.map(([prefix, y]) => bytes(prefix, '(', y, 3, 0, 'ABC'));
    const input = bytes(...parts.flatMap((p) => [...p]), 'ok', LF);
    expect(decode(input)).toEqual([doc(0, input.length, [line([span('ok', 0)])])]);
  });

  it('skips the other fixed-length commands without issues', () => {
    const input = bytes(
      ESC, 'c', '3', 0, ESC, 'c', '5', 1, ESC, 'f', 1, 2, ESC, 'T', 1, ESC, 'U', 1, ESC, 'r', 0, ESC, '<',
      GS, 'P', 180, 180, GS, 'T', 1, GS, 'b', 1, GS, 'f', 0, GS, 'E', 1, GS, '^', 1, 1, 0, GS, 'z', '0', 1, 1,
      GS, ':', GS, 'c', GS, 'C', '0', 1, 2, GS, 'C', '1', 1, 0, 2, 0, 1, 1, GS, 'C', '2', 5, 0,
      FS, '!', 4, FS, '-', 1, FS, 'S', 1, 1, FS, 'W', 1, FS, '?', 0xa1, 0xa1, FS, '2', 0xa1, 0xa1, new Array<number>(72).fill(0),
      FS, 'g', '1', 0, 0, 0, 0, 0, 3, 0, 'abc',
      'ok', LF,
    );
    expect(decode(input)).toEqual([doc(0, input.length, [line([span('ok', 0)])])]);
  });

  it('notes stray control codes and goes on', () => {
    expect(decode(bytes('a', 0x01, 'b', 0, LF))).toEqual([
      doc(0, 5, [line([span('ab', 0)])], [{ offset: 1, message: 'control code 0x01 ignored' }]),
    ]);
  });

  it('drops text while the printer is deselected with ESC =', () => {
    expect(decode(bytes(ESC, '=', 2, 'hidden', LF, ESC, '=', 1, 'shown', LF))[0]!.blocks).toEqual([
      line([span('shown', 0)]),
    ]);
  });
});

describe('truncated input', () => {
  it('notes a command header cut by the end of the stream', () => {
    const tails: (string | number)[][] = [[ESC], [GS, 'v', '0', 0, 1], [GS, '(', 'k', 3], [DLE, 0x04]];
    for (const tail of tails) {
      const input = bytes('Hi', LF, ...tail);
      const docs = decode(input);
      expect(docs).toHaveLength(1);
      expect(docs[0]!.blocks).toEqual([line([span('Hi', 0)])]);
      expect(docs[0]!.issues.map((i) => i.offset)).toEqual([3]);
      expect(docs[0]!.issues[0]!.message).toMatch(/^command truncated at end of stream/);
    }
  });

  it('keeps the size of an image whose data was cut off, with no bits', () => {
    const docs = decode(bytes(GS, 'v', '0', 0, 10, 0, 10, 0, 1, 2, 3));
    expect(docs[0]!.blocks).toEqual([
      { kind: 'image', source: 'GS v 0', width: 80, height: 10, bits: new Uint8Array(0), truncated: true, scaleX: 1, scaleY: 1, align: 'left' },
    ]);
    expect(docs[0]!.issues).toEqual([{ offset: 0, message: 'GS v 0 raster image truncated at end of stream' }]);
  });

  it('survives a GS v 0 header claiming 4 GB and a GS 8 L claiming 4 GB', () => {
    const docs = decode(bytes(GS, 'v', '0', 0, 0xff, 0xff, 0xff, 0xff, 1, 2, 3));
    expect(docs[0]!.blocks).toEqual([]);
    expect(docs[0]!.issues[0]!.message).toMatch(/^GS v 0 raster image of 65535 bytes x 65535 rows: more than this printer takes/);
    const graphics = decode(bytes(GS, '8', 'L', 0xff, 0xff, 0xff, 0xff, 48, 112, 48, 1, 1, 49, 0xff, 0xff, 0xff, 0xff, 1));
    expect(graphics[0]!.issues.map((i) => i.message)).toEqual([
      'GS 8 L function 112 image of 65535x65535 dots: more than this printer takes, header skipped and length not trusted',
      'control code 0x01 ignored',
    ]);
  });
});

describe('short length-prefixed functions split across chunks', () => {
  it('decodes bytes a command looked at but did not use exactly once, wherever the chunk boundary falls', () => {
    // k = 1: the header needs 6 bytes to learn the function but the command is 6 bytes long in total.
    const input = bytes(GS, '(', 'L', 1, 0, 'A', 'B', GS, '(', 'k', 1, 0, 49, 'C', LF);
    const whole = decode(input);
    expect(whole[0]!.blocks).toEqual([line([span('BC', 0)])]);
    for (let cut = 1; cut < input.length; cut++) {
      const d = new Decoder();
      expect([...d.write(input.subarray(0, cut)), ...d.write(input.subarray(cut)), ...d.end()]).toEqual(whole);
    }
  });
});

describe('bounded output', () => {
  it('force-splits a document that never cuts after maxBlocks blocks, with an issue', () => {
    const input = new Uint8Array(20).fill(LF);
    const docs = decode(input, { maxBlocks: 16 });
    expect(docs.map((d) => [d.start, d.end, d.blocks.length])).toEqual([
      [0, 16, 16],
      [16, 20, 4],
    ]);
    expect(docs[0]!.issues).toEqual([{ offset: 16, message: 'document reached 16 blocks without a cut; split here' }]);
  });

  it('keeps at most maxIssues issues, the last one counting the rest', () => {
    const input = bytes(...new Array<number[]>(10).fill([ESC, 0x01]).flat());
    const docs = decode(input, { maxIssues: 3 });
    expect(docs[0]!.issues).toEqual([
      { offset: 0, message: 'unknown command ESC 0x01 skipped' },
      { offset: 2, message: 'unknown command ESC 0x01 skipped' },
      { offset: 18, message: '8 further issues not kept' },
    ]);
  });

  it('caps the text of one line (overprinting with ESC \\ cannot grow it without limit)', () => {
    const back = bytes(ESC, '\\', 0xf4, 0xff);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 5000; i++) parts.push(bytes('x', back));
    const docs = decode(bytes(...parts.flatMap((p) => [...p]), LF));
    const text = docs[0]!.blocks[0]!;
    expect(text.kind).toBe('text');
    const units = text.kind === 'text' ? text.spans.reduce((n, s) => n + s.text.length, 0) : 0;
    expect(units).toBe(512);
    expect(docs[0]!.issues).toEqual([{ offset: 25001, message: 'line too long: 4488 characters not kept' }]);
  });

  it('decodes 10 MB of raster images streamed in chunks without keeping bits above the image limit', () => {
    const decoder = new Decoder({ imageLimitBytes: 64 * 1024 });
    // Full-width 80 mm images of the most rows GS v 0 takes: 72 bytes x 4095 rows each.
    const xBytes = 72;
    const rows = 4095;
    const images = Math.ceil((10 * 1024 * 1024) / (xBytes * rows));
    const data = new Uint8Array(xBytes * rows).fill(0x55);
    const out: PrintedDocument[] = [];
    for (let n = 0; n < images; n++) {
      out.push(...decoder.write(bytes(GS, 'v', '0', 0, xBytes, 0, rows & 0xff, rows >> 8)));
      for (let at = 0; at < data.length; at += 64 * 1024) out.push(...decoder.write(data.subarray(at, at + 64 * 1024)));
    }
    out.push(...decoder.write(bytes(GS, 'V', 0)));
    out.push(...decoder.end());
    expect(out).toHaveLength(1);
    const blocks = out[0]!.blocks;
    expect(blocks).toHaveLength(images + 1);
    expect(blocks[0]).toMatchObject({ kind: 'image', width: 576, height: rows, truncated: true });
    expect(blocks.at(-1)).toMatchObject({ kind: 'event', event: 'cut' });
  });
});

describe('options and API', () => {
  it('validates options once, with a clear error', () => {
    expect(() => new Decoder({ paperWidth: -1 })).toThrow(DecoderOptionsError);
    expect(() => new Decoder({ paperWidth: -1 })).toThrow(/paperWidth/);
    expect(() => new Decoder({ bogus: 1 } as never)).toThrow(DecoderOptionsError);
    expect(() => new Decoder({ kanjiEncoding: 'utf-8' as never })).toThrow(/kanjiEncoding/);
  });

  it('returns documents from write as cuts complete them and the rest from end', () => {
    const decoder = new Decoder();
    expect(decoder.write(bytes('a', LF))).toEqual([]);
    expect(decoder.write(bytes(GS, 'V'))).toEqual([]);
    const [first] = decoder.write(bytes(0, 'b'));
    expect(first?.end).toBe(5);
    expect(decoder.end()).toEqual([doc(5, 6, [line([span('b', 0)])])]);
    expect(decoder.end()).toEqual([]);
    expect(() => decoder.write(bytes('c'))).toThrow(/after end/);
  });

  it('DecodeStream turns byte chunks into document objects', async () => {
    const docs: PrintedDocument[] = [];
    await pipeline(
      Readable.from([bytes('one', LF, GS), bytes('V', 0, 'tw'), bytes('o', LF)]),
      new DecodeStream(),
      new Writable({
        objectMode: true,
        write(d: PrintedDocument, _e, cb) {
          docs.push(d);
          cb();
        },
      }),
    );
    expect(docs.map((d) => [d.start, d.end, d.blocks.length])).toEqual([
      [0, 7, 2],
      [7, 11, 1],
    ]);
  });
});

describe('damaged length-prefixed commands are bounded and decoding resynchronises', () => {
  const printed = (docs: PrintedDocument[]): string[] =>
    docs.flatMap((d) => d.blocks.flatMap((b) => (b.kind === 'text' ? [b.spans.map((s) => s.text).join(' ')] : [])));
  const endsWithCut = (d: PrintedDocument): boolean => d.blocks.at(-1)?.kind === 'event' && (d.blocks.at(-1) as { event: string }).event === 'cut';

  it('an unknown GS 8 x with a 4-byte length of 4 GB hides neither the text nor the cut after it', () => {
    const docs = decode(bytes(GS, '8', 'x', 0xff, 0xff, 0xff, 0xff, 'TOTAL 9.99', LF, GS, 'V', 0, 'next job', LF, GS, 'V', 0));
    expect(printed(docs)).toEqual(['TOTAL 9.99', 'next job']);
    expect(docs.filter(endsWithCut)).toHaveLength(2);
    expect(docs[0]!.issues[0]!.message).toMatch(/GS 8 x with a 4294967295-byte length: header skipped/);
  });

  it('a GS 8 L print function claiming gigabytes takes only its parameters', () => {
    const docs = decode(bytes(GS, '8', 'L', 0xff, 0xff, 0xff, 0x7f, 48, 50, 'after', LF, GS, 'V', 0));
    expect(printed(docs)).toEqual(['after']);
    expect(endsWithCut(docs[0]!)).toBe(true);
  });

  it('a GS 8 L image store claiming more than four planes of its size keeps the image and reads on', () => {
    // A 8x1 raster image (one byte per plane) whose length claims 16 MB.
    const docs = decode(bytes(GS, '8', 'L', 0, 0, 0, 1, 48, 112, 48, 1, 1, 49, 8, 0, 1, 0, 0xff, 0, 0, 0, 0, 0, 0, GS, '(', 'L', 2, 0, 48, 50, 'after', LF, GS, 'V', 0));
    expect(docs[0]!.blocks[0]).toMatchObject({ kind: 'image', source: 'GS 8 L', width: 8, height: 1 });
    expect(printed(docs)).toEqual(['after']);
    expect(endsWithCut(docs[0]!)).toBe(true);
  });
});

describe('text render stays bounded by the print area', () => {
  it('a left margin of 65535 dots and 2,000 lines render to at most the paper width each', async () => {
    const { renderText } = await import('../../agent/render/text.js');
    const parts: (number | string)[] = [GS, 'L', 0xff, 0xff];
    for (let n = 0; n < 2000; n++) parts.push('A', LF);
    const docs = decode(bytes(...parts));
    const text = docs.map(renderText).join('');
    // 576 dots hold at most 72 characters of the narrowest font, plus the cut mark and the newline.
    expect(text.length).toBeLessThanOrEqual(2000 * 74 + 200);
    expect(text.split('\n').every((l) => l.length <= 73)).toBe(true);
  });

  it('27 KB of random bytes render to no more than the lines the paper can hold', async () => {
    const { renderText } = await import('../../agent/render/text.js');
    let seed = 27;
    const random = new Uint8Array(27 * 1024).map(() => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff);
    for (const dialect of ['escpos', 'star-line'] as const) {
      const text = decode(random, { dialect }).map(renderText).join('');
      for (const l of text.split('\n')) if (!l.startsWith('[')) expect(l.length).toBeLessThanOrEqual(73);
      expect(text.length).toBeLessThan(4 * 1024 * 1024);
    }
  });
});
