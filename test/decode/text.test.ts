// Text layout: spans, columns, positioning, styles, alignment, margins, code pages and Kanji.
import { describe, expect, it } from 'vitest';
import { decode } from '../../agent/decode/index.js';
import { ESC, FS, GS, HT, LF, bytes, decodeSplit, doc, event, line, span, style, toJson } from './helpers.js';
import type { Span } from '../../agent/decode/document.js';

const INIT = event('initialize', 'ESC @');
/** Blocks of the single document decoded from `input`. */
function blocksOf(...parts: Parameters<typeof bytes>): unknown[] {
  const docs = decode(bytes(...parts));
  expect(docs).toHaveLength(1);
  return [...docs[0]!.blocks];
}

describe('text lines and spans', () => {
  it('decodes initialize, text and line feed into an exact document', () => {
    expect(decode(bytes(ESC, '@', 'Hello', LF))).toEqual([doc(0, 8, [INIT, line([span('Hello', 0)])])]);
  });

  it('ignores CR (CR LF makes one line) and prints an empty line for a bare LF', () => {
    expect(blocksOf('A', 0x0d, LF, LF)).toEqual([line([span('A', 0)]), line([])]);
  });

  it('splits a run at 2+ spaces, keeps single spaces inside a span and drops outer spaces but moves x', () => {
    expect(blocksOf('  Item one    4.00  ', LF)).toEqual([
      line([span('Item one', 24), span('4.00', 14 * 12)]),
    ]);
  });

  it('moves to default tab stops every 8 characters with HT', () => {
    expect(blocksOf('A', HT, 'B', HT, HT, 'C', LF)).toEqual([line([span('A', 0), span('B', 96), span('C', 288)])]);
  });

  it('sets tab stops with ESC D (positions in characters) and clears them with ESC D NUL', () => {
    // Past the last stop HT is ignored, so 'D' follows 'C' directly.
    expect(blocksOf(ESC, 'D', 10, 20, 0, 'A', HT, 'B', HT, 'C', HT, 'D', LF)).toEqual([
      line([span('A', 0), span('B', 120), span('CD', 240)]),
    ]);
    // No stops: HT does nothing, the text runs on.
    expect(blocksOf(ESC, 'D', 0, 'A', HT, 'B', LF)).toEqual([line([span('AB', 0)])]);
  });

  it('places text at ESC $ absolute positions as separate spans even after one space', () => {
    expect(blocksOf('Total', ESC, '$', 0x90, 0x01, '9.99', LF)).toEqual([line([span('Total', 0), span('9.99', 400)])]);
  });

  it('moves by ESC \\ relative positions, forwards and backwards', () => {
    expect(blocksOf('AB', ESC, '\\', 24, 0, 'C', LF)).toEqual([line([span('AB', 0), span('C', 48)])]);
    expect(blocksOf('AB', ESC, '\\', 0xf4, 0xff, 'C', LF)).toEqual([line([span('AB', 0), span('C', 12)])]);
  });

  it('wraps at the print area like the printer does', () => {
    const x = 'x'.repeat(50);
    expect(blocksOf(x, LF)).toEqual([line([span('x'.repeat(48), 0)]), line([span('xx', 0)])]);
  });

  it('wraps at a single space between words as at any character: a space that fits is kept only if what follows fits', () => {
    // A 120-dot area holds 10 Font A characters.
    const blocks = (text: string): unknown[] => [...decode(bytes(text, LF), { paperWidth: 120 })[0]!.blocks];
    expect(blocks('ABCDEFGH IJ')).toEqual([line([span('ABCDEFGH I', 0)]), line([span('J', 0)])]);
    expect(blocks('ABCDEFGHI J')).toEqual([line([span('ABCDEFGHI', 0)]), line([span('J', 0)])]);
    expect(blocks('ABCDEFG H IJ')).toEqual([line([span('ABCDEFG H', 0)]), line([span('IJ', 0)])]);
  });

  it('feeds lines with ESC d, feeds dots with ESC J and notes reverse feeds', () => {
    expect(blocksOf('A', ESC, 'd', 3)).toEqual([line([span('A', 0)]), line([]), line([])]);
    expect(blocksOf('A', ESC, 'J', 40, ESC, 'J', 40)).toEqual([line([span('A', 0)])]);
    expect(blocksOf(ESC, 'e', 2)).toEqual([event('feed', 'ESC e', { lines: -2 })]);
  });

  it('ignores line spacing commands (ESC 2, ESC 3) in the text', () => {
    expect(blocksOf(ESC, '3', 60, 'A', LF, ESC, '2', 'B', LF)).toEqual([line([span('A', 0)]), line([span('B', 0)])]);
  });
});

describe('character styles', () => {
  it('applies ESC ! font, emphasis, double height/width and underline', () => {
    expect(blocksOf(ESC, '!', 0x38, 'Hi', ESC, '!', 0x00, LF)).toEqual([
      line([span('Hi', 0, { style: { bold: true, width: 2, height: 2 } })]),
    ]);
    expect(blocksOf(ESC, '!', 0x81, 'Hi', LF)).toEqual([
      line([span('Hi', 0, { width: 18, style: { font: 'B', underline: 1 } })]),
    ]);
  });

  it('splits spans where ESC E changes emphasis mid-line', () => {
    expect(blocksOf('A', ESC, 'E', 1, 'B', ESC, 'E', 0, 'C', LF)).toEqual([
      line([span('A', 0), span('B', 12, { style: { bold: true } }), span('C', 24)]),
    ]);
  });

  it('treats ESC G double-strike as bold and ESC - as underline (1 and 2 dots, digits too)', () => {
    expect(blocksOf(ESC, 'G', 1, 'A', ESC, 'G', 0, ESC, '-', 2, 'B', ESC, '-', '1', 'C', ESC, '-', '0', 'D', LF)).toEqual([
      line([
        span('A', 0, { style: { bold: true } }),
        span('B', 12, { style: { underline: 2 } }),
        span('C', 24, { style: { underline: 1 } }),
        span('D', 36),
      ]),
    ]);
  });

  it('sets width and height multipliers with GS ! (up to 8x)', () => {
    expect(blocksOf(GS, '!', 0x11, 'AB', GS, '!', 0x70, 'C', LF)).toEqual([
      line([span('AB', 0, { style: { width: 2, height: 2 } }), span('C', 48, { style: { width: 8 } })]),
    ]);
  });

  it('applies GS B invert, ESC { upside-down, ESC V rotation and ESC M font B', () => {
    expect(blocksOf(GS, 'B', 1, ESC, '{', 1, ESC, 'V', 1, ESC, 'M', 1, 'ab', LF)).toEqual([
      line([span('ab', 0, { width: 18, style: { invert: true, upsideDown: true, rotated: true, font: 'B' } })]),
    ]);
  });

  it('adds ESC SP right-side spacing to every character', () => {
    expect(blocksOf(ESC, ' ', 4, 'AB', LF)).toEqual([line([span('AB', 0, { width: 32 })])]);
  });
});

describe('alignment, margins and print area', () => {
  it('centers and right-aligns using the line width', () => {
    expect(blocksOf(ESC, 'a', 1, 'Hi', LF, ESC, 'a', '2', 'Hi', LF, ESC, 'a', 0, 'Hi', LF)).toEqual([
      line([span('Hi', 276)], 'center'),
      line([span('Hi', 552)], 'right'),
      line([span('Hi', 0)]),
    ]);
  });

  it('offsets by the GS L left margin and aligns within the GS W print area', () => {
    expect(blocksOf(GS, 'L', 24, 0, 'A', LF)).toEqual([line([span('A', 24)])]);
    expect(blocksOf(GS, 'W', 0x80, 0x01, ESC, 'a', 2, 'A', LF)).toEqual([line([span('A', 372)], 'right')]);
    // A 64-dot area holds 5 Font A characters: the rest wraps.
    expect(blocksOf(GS, 'L', 0x00, 0x02, 'abcdefg', LF)).toEqual([line([span('abcde', 512)]), line([span('fg', 512)])]);
  });

  it('uses the configured paper width and grid for columns', () => {
    const docs = decode(bytes('A', ESC, '$', 90, 0, 'B', LF), { paperWidth: 384, gridDots: 9 });
    expect(docs).toEqual([
      doc(0, 7, [line([span('A', 0, { grid: 9 }), span('B', 90, { grid: 9 })])], [], { paperWidth: 384, gridDots: 9 }),
    ]);
  });
});

describe('code pages', () => {
  it('decodes ESC t tables to Unicode: £ ü é in PC437, € in WPC1252 and PC858', () => {
    expect(blocksOf(0x9c, 0x81, 0x82, ESC, 't', 16, 0x80, ESC, 't', 19, 0xd5, LF)).toEqual([
      line([span('£üé€€', 0)]),
    ]);
  });

  it('keeps a line that turns from Latin-1 to wider characters mid-word whole, however the bytes are split', () => {
    // WPC1252: "Café" is Latin-1, then € (U+20AC) and box drawing from PC437 after ESC t 0, in two spans.
    const input = bytes(ESC, 't', 16, 'Caf', 0xe9, ' 3,50', 0x80, '  ', ESC, 't', 0, 0xc9, 0xcd, 0xbb, ' ok', LF, 'plain', LF);
    const expected = [line([span('Café 3,50€', 0), span('╔═╗ ok', 144)]), line([span('plain', 0)])];
    expect(blocksOf(...input)).toEqual(expected);
    for (let cut = 1; cut < input.length; cut++) {
      expect(decodeSplit(input, [cut]).flatMap((d) => d.blocks)).toEqual(expected);
    }
  });

  it('starts from the codePage option and returns to it on ESC @', () => {
    const docs = decode(bytes(0x80, ESC, 't', 0, 0x80, ESC, '@', 0x80, LF), { codePage: 16 });
    expect(docs[0]!.blocks).toEqual([line([span('€Ç', 0)]), INIT, line([span('€', 0)])]);
  });

  it('overlays the ESC R international character set', () => {
    expect(blocksOf(ESC, 'R', 2, '[]~', ESC, 'R', 0, '[', LF)).toEqual([line([span('ÄÜß[', 0)])]);
  });
});

describe('Kanji mode', () => {
  it('decodes double-byte characters between FS & and FS . (GBK by default)', () => {
    // Same style and no gap: one span, 24 dots per double-byte character and 12 for the ASCII one.
    expect(blocksOf(FS, '&', 0xd6, 0xd0, 0xce, 0xc4, FS, '.', 'A', LF)).toEqual([line([{ ...span('中文A', 0), width: 60 }])]);
  });

  it('follows FS C to Shift JIS and to the JIS code system', () => {
    expect(blocksOf(FS, 'C', 1, FS, '&', 0x93, 0xfa, 0x96, 0x7b, LF)).toEqual([line([{ ...span('日本', 0), width: 48 }])]);
    expect(blocksOf(FS, 'C', 0, FS, '&', 0x46, 0x7c, LF)).toEqual([line([{ ...span('日', 0), width: 24 }])]);
  });

  it('reads the Kanji encoding from the options', () => {
    const docs = decode(bytes(FS, '&', 0xa4, 0xa4, LF), { kanjiEncoding: 'big5' });
    expect(docs[0]!.blocks).toEqual([line([{ ...span('中', 0), width: 24 }])]);
  });
});

describe('user-defined characters', () => {
  it('counts ESC & glyph data exactly and prints defined codes as U+FFFD while ESC % is on', () => {
    const glyph = (x: number) => [x, ...new Array<number>(3 * x).fill(0xaa)];
    const input = bytes(ESC, '&', 3, 'A', 'B', glyph(12), glyph(5), ESC, '%', 1, 'AB C', LF, ESC, '?', 'A', 'AB', LF, ESC, '%', 0, 'AB', LF);
    const docs = decode(input);
    expect(docs[0]!.blocks).toEqual([line([span('\ufffd\ufffd C', 0)]), line([span('A\ufffd', 0)]), line([span('AB', 0)])]);
    expect(docs[0]!.issues).toEqual([{ offset: 61, message: 'user-defined characters printed: shown as U+FFFD' }]);
  });
});

describe('style state is reset by ESC @', () => {
  it('returns to Font A, no emphasis, left alignment and no margin', () => {
    expect(blocksOf(ESC, 'E', 1, GS, '!', 0x11, ESC, 'a', 1, GS, 'L', 12, 0, ESC, '@', 'A', LF)).toEqual([
      INIT,
      line([span('A', 0)]),
    ]);
    expect(style()).toEqual(style({}));
  });
});

describe('span text made a batch of lines at a time', () => {
  // Item lines of two spans, 'ITEM nnnn ...' and a price; every tenth has PC437 0xC4 (U+2500), which makes that
  // line UTF-16, and every seventh an 0x82 (é, still Latin-1). 400 lines are several batches of text.
  const itemLine = (n: number): { bytes: Uint8Array; spans: Span[] } => {
    const name = `ITEM ${String(n).padStart(4, '0')} ${n % 7 === 0 ? 'CAF\x82' : 'TEA'}${n % 10 === 0 ? ' \xc4\xc4' : ''}`;
    const price = `${n}.99`;
    const text = name.replace(/\x82/g, 'é').replace(/\xc4/g, '─');
    return { bytes: bytes(name, '    ', price, LF), spans: [span(text, 0), span(price, (name.length + 4) * 12)] };
  };
  const items = Array.from({ length: 400 }, (_, n) => itemLine(n));
  const input = bytes(...items.map((l) => l.bytes), GS, 'V', 0);

  it('gives every span of a long document its own text, whichever buffer its line was in', () => {
    const docs = decode(input);
    expect(docs).toHaveLength(1);
    expect(docs[0]!.blocks).toEqual([...items.map((l) => line(l.spans)), event('cut', 'GS V', { mode: 'full' })]);
  });

  it('decodes the long document the same however the bytes are split', () => {
    const whole = toJson(decode(input));
    for (let cut = 1; cut < input.length; cut += 997) expect(toJson(decodeSplit(input, [cut, cut + 13, cut + 500]))).toBe(whole);
  });

  it('keeps the text of a line a document split ended in the middle of (the line goes on in the next one)', () => {
    // maxBlocks 16: the BEL event is block 16, so the document ends while 'CD' is open and 'AB' closed.
    const blank = new Array<number>(15).fill(LF);
    const docs = decode(bytes('x', LF, ...blank.slice(1), 'AB  CD', 0x07, 'EF', LF, 'GH', LF), { maxBlocks: 16 });
    expect(docs.map((d) => d.blocks.length)).toEqual([16, 2]);
    expect(docs[0]!.blocks[0]).toEqual(line([span('x', 0)]));
    expect(docs[1]!.blocks).toEqual([line([span('AB', 0), span('CDEF', 48)]), line([span('GH', 0)])]);
  });
});
