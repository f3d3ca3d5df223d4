// Damaged lengths of length-prefixed ESC/POS commands: a header whose length (or size) is past what the command
// can carry on this printer (the Epson reference's ranges, the paper width) is taken as its header alone, with an
// issue, and decoding goes on right after it, so the text and the cuts that follow are kept, however split.
import { describe, expect, it } from 'vitest';
import type { PrintedDocument } from '../../agent/decode/document.js';
import { decode } from '../../agent/decode/index.js';
import { ESC, FS, GS, LF, bytes, decodeSplit, toJson } from './helpers.js';

const printed = (docs: PrintedDocument[]): string[] =>
  docs.flatMap((d) => d.blocks.flatMap((b) => (b.kind === 'text' ? [b.spans.map((s) => s.text).join(' ')] : [])));
const cuts = (docs: PrintedDocument[]): number =>
  docs.filter((d) => d.blocks.some((b) => b.kind === 'event' && b.event === 'cut')).length;
const issues = (docs: PrintedDocument[]): string[] => docs.flatMap((d) => d.issues.map((i) => i.message));

/** The damaged command, then a total and a cut, then a second job and its cut. */
const after = bytes('TOTAL 9.99', LF, GS, 'V', 0, 'next job', LF, GS, 'V', 0);

const damaged: [string, Uint8Array, RegExp][] = [
  ['GS v 0 raster 65535 bytes wide', bytes(GS, 'v', '0', 0, 0xff, 0xff, 10, 0), /^GS v 0 raster image of 65535 bytes x 10 rows/],
  ['GS v 0 raster 65535 rows tall', bytes(GS, 'v', '0', 0, 72, 0, 0xff, 0xff), /^GS v 0 raster image of 72 bytes x 65535 rows/],
  ['ESC * bit image 65535 columns wide', bytes(ESC, '*', 33, 0xff, 0xff), /^ESC \* bit image of 65535 columns/],
  ['GS * downloaded image 255x255', bytes(GS, '*', 255, 255), /^GS \* bit image of 255x255 bytes/],
  ['FS q NV image 65535x65535', bytes(FS, 'q', 1, 0xff, 0xff, 0xff, 0xff), /^FS q NV bit image 1 of 65535x65535 bytes/],
  ['GS ( k QR data of 65000 bytes', bytes(GS, '(', 'k', 0xe8, 0xfd, 49, 80, 48), /^GS \( k symbol data of 64997 bytes/],
  ['FS g 1 NV user memory write of 65535 bytes', bytes(FS, 'g', '1', 0, 0, 0, 0, 0, 0xff, 0xff), /^FS g 1 write of 65535 bytes/],
  [
    'GS 8 L raster store of 65535x65535 dots',
    bytes(GS, '8', 'L', 0xff, 0xff, 0xff, 0x7f, 48, 112, 48, 1, 1, 49, 0xff, 0xff, 0xff, 0xff),
    /^GS 8 L function 112 image of 65535x65535 dots/,
  ],
];

describe('a damaged length is bounded by what the command can carry, and decoding reads on', () => {
  for (const [name, command, issue] of damaged) {
    it(`${name}: the text and both cuts after it are kept, with an issue`, () => {
      const input = bytes(command, after);
      const docs = decode(input);
      expect(printed(docs)).toEqual(['TOTAL 9.99', 'next job']);
      expect(cuts(docs)).toBe(2);
      expect(issues(docs).some((m) => issue.test(m))).toBe(true);
      // The same however the bytes are split.
      for (let cut = 1; cut < input.length; cut += 3) expect(toJson(decodeSplit(input, [cut]))).toEqual(toJson(docs));
    });
  }

  it('keeps images at their documented sizes: a full-width 80 mm raster 4095 rows tall and a 1536-byte GS * image', () => {
    const raster = bytes(GS, 'v', '0', 0, 72, 0, 0xff, 0x0f, new Uint8Array(72 * 4095), 'ok', LF);
    expect(decode(raster)[0]!.blocks[0]).toMatchObject({ kind: 'image', width: 576, height: 4095 });
    expect(issues(decode(raster))).toEqual([]);
    const downloaded = bytes(GS, '*', 32, 48, new Uint8Array(32 * 48 * 8), GS, '/', 0, LF);
    expect(decode(downloaded)[0]!.blocks[0]).toMatchObject({ kind: 'image', source: 'GS /', width: 256, height: 384 });
    expect(issues(decode(downloaded))).toEqual([]);
  });

  it('judges image widths by the paper: a 58 mm printer takes no 1600-dot ESC * band', () => {
    const band = bytes(ESC, '*', 33, 0x40, 0x06);
    expect(printed(decode(bytes(band, after), { paperWidth: 384 }))).toEqual(['TOTAL 9.99', 'next job']);
  });
});
