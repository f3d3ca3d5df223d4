// Real captures written by a third-party generator (escpos-php, MIT: test/fixtures/escpos-php/LICENSE.md),
// checked for what they print.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode } from '../../agent/decode/index.js';
import type { Block, ImageBlock, PrintedDocument, TextLine } from '../../agent/decode/document.js';

const DIR = join(import.meta.dirname, '../fixtures/escpos-php');
const load = (name: string): PrintedDocument[] => decode(readFileSync(join(DIR, name)));
const all = (docs: PrintedDocument[]): Block[] => docs.flatMap((d) => [...d.blocks]);
const texts = (blocks: Block[]): TextLine[] => blocks.filter((b): b is TextLine => b.kind === 'text');
const plain = (l: TextLine): string => l.spans.map((s) => s.text).join(' ');
const images = (blocks: Block[]): ImageBlock[] => blocks.filter((b): b is ImageBlock => b.kind === 'image');
const cuts = (blocks: Block[]): number => blocks.filter((b) => b.kind === 'event' && b.event === 'cut').length;

/** Pixel (x, y) of a 1 bpp image. */
const dot = (img: ImageBlock, x: number, y: number): number =>
  (img.bits[y * ((img.width + 7) >> 3) + (x >> 3)]! >> (7 - (x & 7))) & 1;

describe('escpos-php corpus', () => {
  it('receipt-with-logo: logo, items with prices in the right column, totals, one cut and a drawer pulse', () => {
    const docs = load('receipt-with-logo.bin');
    expect(docs).toHaveLength(2);
    const [receipt, drawer] = docs;
    expect(receipt!.issues).toEqual([]);
    const blocks = [...receipt!.blocks];
    const [logo] = images(blocks);
    expect(logo).toMatchObject({ source: 'GS ( L', width: 300, height: 236, truncated: false, align: 'center' });
    expect(logo!.bits.length).toBe(38 * 236);
    expect(logo!.bits.some((b) => b !== 0)).toBe(true);

    const lines = texts(blocks);
    const row = (label: string) => lines.find((l) => l.spans[0]?.text === label)!;
    expect(row('ExampleMart Ltd.').spans[0]!.style.width).toBe(2);
    expect(row('SALES INVOICE').spans[0]!.style.bold).toBe(true);
    for (const [item, price] of [
      ['Example item #1', '4.00'],
      ['Another thing', '3.50'],
      ['Something else', '1.00'],
      ['A final item', '4.45'],
      ['Subtotal', '12.95'],
      ['A local tax', '1.30'],
    ]) {
      const l = row(item!);
      expect(l.spans.map((s) => s.text)).toEqual([item, price]);
      // Prices end at the right edge of the 48-column line.
      expect(l.spans[1]!.column + price!.length).toBe(48);
      expect(l.spans[0]!.column).toBe(0);
    }
    const total = row('Total');
    expect(total.spans.map((s) => [s.text, s.style.width])).toEqual([
      ['Total', 2],
      ['$ 14.25', 2],
    ]);
    expect(lines.find((l) => plain(l).startsWith('Thank you'))).toMatchObject({ align: 'center' });
    expect(cuts(blocks)).toBe(1);
    expect(blocks.at(-1)).toMatchObject({ kind: 'event', event: 'cut', command: 'GS V' });
    expect(drawer!.blocks).toEqual([
      { kind: 'event', event: 'drawer-pulse', command: 'ESC p', detail: { pin: 2, onMs: 120, offMs: 240 } },
    ]);
  });

  it('barcode: every barcode carries the data its "Content:" caption announces', () => {
    const blocks = all(load('barcode.bin'));
    const barcodes = blocks.filter((b) => b.kind === 'barcode');
    expect(barcodes).toHaveLength(40);
    expect(new Set(barcodes.map((b) => b.symbology))).toEqual(
      new Set(['CODE39', 'EAN13', 'UPC-A', 'UPC-E', 'EAN8', 'ITF', 'CODABAR', 'CODE93', 'CODE128']),
    );
    let checked = 0;
    blocks.forEach((b, i) => {
      if (b.kind !== 'barcode') return;
      const caption = blocks[i - 1];
      if (caption?.kind !== 'text' || !plain(caption).startsWith('Content: ')) return;
      const announced = plain(caption).slice('Content: '.length).replace(/^\{[AB]/, '');
      if (announced.startsWith('{C')) expect(b.data).toBe('213243'); // chr(21) chr(32) chr(43) in code set C
      else expect(b.data).toBe(announced);
      checked++;
    });
    expect(checked).toBe(21);
    // 15 CODE39 at several heights and widths, then the four HRI positions.
    expect(barcodes.slice(15, 19).map((b) => b.kind === 'barcode' && b.hri)).toEqual(['none', 'above', 'below', 'both']);
  });

  it('qr-code and pdf417-code: data and settings of every symbol', () => {
    const blocks = all(load('qr-code.bin'));
    const qr = blocks.filter((b) => b.kind === '2d');
    expect(qr).toHaveLength(19);
    expect(qr.every((b) => b.symbology === 'QR')).toBe(true);
    expect(qr.map((b) => b.data)).toContain('0123456789012345678901234567890123456789');
    // Each symbol is followed by a caption naming what it demonstrates: the settings must agree.
    let captions = 0;
    blocks.forEach((b, i) => {
      const next = blocks[i + 1];
      if (b.kind !== '2d' || next?.kind !== 'text') return;
      const caption = plain(next);
      const size = /^Pixel size (\d+)/.exec(caption);
      const level = /^Error correction ([LMQH])$/.exec(caption);
      const model = /^QR Model (\d)/.exec(caption);
      if (size) expect(b.settings.moduleSize).toBe(Number(size[1]));
      else if (level) expect(b.settings.errorCorrection).toBe(level[1]);
      else if (model) expect(b.settings.model).toBe(model[1]);
      else return;
      captions++;
    });
    expect(captions).toBe(13);
    const pdf = all(load('pdf417-code.bin')).filter((b) => b.kind === '2d');
    expect(pdf.length).toBeGreaterThan(10);
    expect(pdf.every((b) => b.symbology === 'PDF417' && b.data === 'Testing 123')).toBe(true);
    expect(pdf.map((b) => b.settings.errorCorrection).slice(2, 7)).toEqual(['10%', '50%', '100%', '200%', '400%']);
  });

  it('bit-image and graphics: the same logo, dot for dot, through GS v 0 and GS ( L at four scales', () => {
    const raster = images(all(load('bit-image.bin')));
    const graphics = images(all(load('graphics.bin')));
    expect(raster.map((i) => [i.source, i.width, i.height, i.scaleX, i.scaleY])).toEqual([
      ['GS v 0', 128, 148, 1, 1],
      ['GS v 0', 128, 148, 2, 1],
      ['GS v 0', 128, 148, 1, 2],
      ['GS v 0', 128, 148, 2, 2],
    ]);
    expect(graphics.map((i) => [i.source, i.width, i.height, i.scaleX, i.scaleY])).toEqual([
      ['GS ( L', 125, 148, 1, 1],
      ['GS ( L', 125, 148, 2, 1],
      ['GS ( L', 125, 148, 1, 2],
      ['GS ( L', 125, 148, 2, 2],
    ]);
    const a = raster[0]!;
    const b = graphics[0]!;
    let ink = 0;
    for (let y = 0; y < 148; y++) {
      for (let x = 0; x < 125; x++) {
        expect(dot(a, x, y)).toBe(dot(b, x, y));
        ink += dot(a, x, y);
      }
    }
    expect(ink).toBeGreaterThan(1000);
  });

  it('demo: jobs split on every cut, with text, barcodes, QR codes, images and the drawer pulse', () => {
    const docs = load('demo.bin');
    const blocks = all(docs);
    expect(cuts(blocks)).toBe(14);
    expect(docs).toHaveLength(15);
    expect(docs.every((d) => d.issues.length === 0)).toBe(true);
    // Byte ranges tile the stream.
    docs.forEach((d, i) => expect(d.start).toBe(i === 0 ? 0 : docs[i - 1]!.end));
    expect(docs.at(-1)!.end).toBe(readFileSync(join(DIR, 'demo.bin')).length);
    expect(texts(blocks).map(plain)).toContain('A man a plan a canal panama');
    const justified = texts(blocks).filter((l) => plain(l) === 'A man a plan a canal panama');
    expect(justified.map((l) => [l.align, l.spans[0]!.x])).toEqual([
      ['left', 0],
      ['center', 126],
      ['right', 252],
    ]);
    const imgs = images(blocks);
    expect(imgs.map((i) => `${i.source} ${i.width}x${i.height}`)).toEqual([
      ...new Array<string>(4).fill('GS ( L 300x236'),
      ...new Array<string>(4).fill('GS v 0 304x236'),
    ]);
    expect(blocks.filter((b) => b.kind === '2d').map((b) => b.kind === '2d' && b.settings.model)).toEqual(['1', '2', 'micro']);
    expect(blocks.at(-1)).toMatchObject({ kind: 'event', event: 'drawer-pulse' });
  });

  it('character-encodings: every language decodes to its expected text across ESC t switches', () => {
    const expected = JSON.parse(readFileSync(join(DIR, 'character-encodings.expected.json'), 'utf8')) as Record<string, string>;
    const lines = texts(all(load('character-encodings.bin'))).map(plain);
    const squash = (s: string) => s.replace(/\s+/g, '');
    for (const [language, text] of Object.entries(expected)) {
      const at = lines.indexOf(`${language}:`);
      expect(at, language).toBeGreaterThanOrEqual(0);
      const want = squash(text);
      let got = '';
      for (let i = at + 1; i < lines.length && got.length < want.length; i++) got += squash(lines[i]!);
      expect(got, language).toBe(want);
    }
  });

  it('text-size: every width multiple from 1 to 8', () => {
    const lines = texts(all(load('text-size.bin')));
    const sizes = lines.find((l) => l.spans.length === 8)!;
    expect(sizes.spans.map((s) => [s.text, s.style.width])).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8].map((n) => [String(n), n]),
    );
  });

  it('margins-and-spacing: GS L left margins move the text, GS W narrows the area', () => {
    const lines = texts(all(load('margins-and-spacing.bin')));
    const margin = (n: number) => lines.find((l) => plain(l) === `left margin ${n}`)!.spans[0]!.x;
    expect([1, 2, 4, 8, 16, 32, 64, 128, 256].map(margin)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256]);
    expect(lines.find((l) => plain(l) === 'page width 256')).toMatchObject({ align: 'right' });
    expect(lines.find((l) => plain(l) === 'page width 256')!.spans[0]!.x).toBe(256 - 14 * 12);
  });

  it('unifont-print-buffer: user-defined glyphs are noted, not taken for their code points', () => {
    const [d] = load('unifont-print-buffer.bin');
    const lines = texts([...d!.blocks]);
    // Two lines of five glyphs each (the first defined for the space code), the second upside down.
    expect(lines.map((l) => l.spans.map((s) => [s.text, s.style.upsideDown]))).toEqual([
      [['\ufffd'.repeat(5), false]],
      [['\ufffd'.repeat(5), true]],
    ]);
    expect(d!.issues.map((i) => i.message)).toEqual(['user-defined characters printed: shown as U+FFFD']);
  });

  it('character-tables: one heading per table, each decoded without issues', () => {
    const [d] = load('character-tables.bin');
    const headings = texts([...d!.blocks]).map(plain).filter((t) => t.startsWith('Table '));
    expect(headings[0]).toBe('Table 0: CP437');
    expect(headings).toContain('Table 16: CP1252');
    expect(d!.issues).toEqual([]);
    const cp1252 = texts([...d!.blocks]).map(plain);
    const idx = cp1252.indexOf('Table 16: CP1252');
    expect(cp1252[idx + 1]!.startsWith('8 €')).toBe(true);
  });
});
