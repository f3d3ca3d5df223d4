// Images: GS v 0 raster, ESC * bands, GS ( L / GS 8 L graphics (buffer, NV and download), GS * / GS /,
// FS q / FS p — all converted to rows of 1 bpp, MSB left, 1 = black.
import { describe, expect, it } from 'vitest';
import { decode } from '../../agent/decode/index.js';
import type { ImageBlock } from '../../agent/decode/document.js';
import { ESC, FS, GS, LF, bytes, line, span } from './helpers.js';

function image(source: string, width: number, height: number, bits: number[], over: Partial<ImageBlock> = {}): ImageBlock {
  return {
    kind: 'image',
    source,
    width,
    height,
    bits: Uint8Array.from(bits),
    truncated: false,
    scaleX: 1,
    scaleY: 1,
    align: 'left',
    ...over,
  };
}

/** GS ( L pL pH m fn ... */
function gsL(fn: number, ...params: (number | string | number[])[]): Uint8Array {
  const body = bytes(48, fn, ...params);
  return bytes(GS, '(', 'L', body.length & 0xff, body.length >> 8, body);
}

const PRINT_BUFFER = bytes(GS, '(', 'L', 2, 0, 48, 50);

describe('GS v 0 raster images', () => {
  it('keeps rows as sent, with the scale of m', () => {
    expect(decode(bytes(GS, 'v', '0', 0, 1, 0, 2, 0, 0xf0, 0x0f))[0]!.blocks).toEqual([
      image('GS v 0', 8, 2, [0xf0, 0x0f]),
    ]);
    expect(decode(bytes(ESC, 'a', 1, GS, 'v', '0', 3, 2, 0, 1, 0, 0x80, 0x01))[0]!.blocks).toEqual([
      image('GS v 0', 16, 1, [0x80, 0x01], { scaleX: 2, scaleY: 2, align: 'center' }),
    ]);
  });

  it('keeps the size but not the bits of an image above the image limit', () => {
    const docs = decode(bytes(GS, 'v', '0', 0, 4, 0, 4, 0, new Array<number>(16).fill(0xff), 'ok', LF), { imageLimitBytes: 8 });
    expect(docs[0]!.blocks).toEqual([image('GS v 0', 32, 4, [], { truncated: true }), line([span('ok', 0)])]);
  });
});

describe('ESC * bit images', () => {
  it('converts an 8-dot column band to rows and merges consecutive bands of one image', () => {
    const band = bytes(ESC, '*', 0, 2, 0, 0x80, 0x01);
    const docs = decode(bytes(band, LF, band, LF, 'text', LF));
    const rows = [0x80, 0, 0, 0, 0, 0, 0, 0x40];
    expect(docs[0]!.blocks).toEqual([
      image('ESC *', 2, 16, [...rows, ...rows], { scaleX: 2, scaleY: 3 }),
      line([span('text', 0)]),
    ]);
  });

  it('converts a 24-dot double-density band', () => {
    const docs = decode(bytes(ESC, '*', 33, 1, 0, 0xff, 0x00, 0x01, LF));
    const rows = new Array<number>(24).fill(0);
    for (let y = 0; y < 8; y++) rows[y] = 0x80;
    rows[23] = 0x80;
    expect(docs[0]!.blocks).toEqual([image('ESC *', 1, 24, rows)]);
  });
});

describe('GS ( L and GS 8 L graphics', () => {
  it('stores raster graphics in the print buffer (fn 112) and prints them (fn 50)', () => {
    const input = bytes(gsL(112, 48, 1, 2, 49, 8, 0, 2, 0, 0xaa, 0x55), ESC, 'a', 2, PRINT_BUFFER);
    expect(decode(input)[0]!.blocks).toEqual([image('GS ( L', 8, 2, [0xaa, 0x55], { scaleY: 2, align: 'right' })]);
  });

  it('converts column-format graphics (fn 113) to rows', () => {
    const input = bytes(gsL(113, 48, 1, 1, 49, 2, 0, 8, 0, 0x80, 0x01), PRINT_BUFFER);
    expect(decode(input)[0]!.blocks).toEqual([image('GS ( L', 2, 8, [0x80, 0, 0, 0, 0, 0, 0, 0x40])]);
  });

  it('reads the 4-byte length of GS 8 L', () => {
    const body = bytes(48, 112, 48, 1, 1, 49, 8, 0, 1, 0, 0xff);
    const input = bytes(GS, '8', 'L', body.length, 0, 0, 0, body, PRINT_BUFFER);
    expect(decode(input)[0]!.blocks).toEqual([image('GS 8 L', 8, 1, [0xff])]);
  });

  it('defines NV and download graphics and prints them by key code', () => {
    const input = bytes(
      gsL(67, 48, 'A1', 1, 8, 0, 1, 0, 49, 0xff),
      gsL(83, 48, 'D1', 1, 8, 0, 2, 0, 49, 0x0f, 0xf0),
      gsL(69, 'A1', 1, 1),
      gsL(85, 'D1', 2, 2),
      gsL(69, 'Z9', 1, 1),
    );
    const docs = decode(input);
    expect(docs[0]!.blocks).toEqual([
      image('GS ( L stored', 8, 1, [0xff], { ref: 'A1' }),
      image('GS ( L stored', 8, 2, [0x0f, 0xf0], { ref: 'D1', scaleX: 2, scaleY: 2 }),
      image('GS ( L stored', 0, 0, [], { ref: 'Z9' }),
    ]);
    expect(docs[0]!.issues).toEqual([]);
  });

  it('skips settings, deletion and capacity functions by length', () => {
    const docs = decode(bytes(gsL(49, 51, 51), gsL(65, 'CLR'), gsL(48), 'ok', LF));
    expect(docs[0]!.blocks).toEqual([
      { kind: 'event', event: 'status-request', command: 'GS ( L', detail: { function: 48 } },
      line([span('ok', 0)]),
    ]);
  });

  it('notes a print with nothing stored', () => {
    const docs = decode(PRINT_BUFFER);
    expect(docs[0]!.blocks).toEqual([]);
    expect(docs[0]!.issues).toEqual([{ offset: 0, message: 'GS ( L print with no graphics stored' }]);
  });
});

describe('downloaded and NV bit images', () => {
  const diagonal = [0x80, 0x40, 0x20, 0x10, 0x08, 0x04, 0x02, 0x01];

  it('defines a GS * image (column format) and prints it with GS /', () => {
    const docs = decode(bytes(GS, '*', 1, 1, diagonal, GS, '/', 1));
    expect(docs[0]!.blocks).toEqual([image('GS /', 8, 8, diagonal, { scaleX: 2 })]);
  });

  it('defines FS q NV images and prints them with FS p', () => {
    const docs = decode(bytes(FS, 'q', 2, 1, 0, 1, 0, diagonal, 1, 0, 1, 0, new Array<number>(8).fill(0xff), FS, 'p', 2, 0, FS, 'p', 1, 3, FS, 'p', 3, 0));
    expect(docs[0]!.blocks).toEqual([
      image('FS p', 8, 8, new Array<number>(8).fill(0xff), { ref: '2' }),
      image('FS p', 8, 8, diagonal, { ref: '1', scaleX: 2, scaleY: 2 }),
      image('FS p', 0, 0, [], { ref: '3' }),
    ]);
  });
});
