import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decode } from '../../agent/decode/index.js';
import type { PrintedDocument, Span, TextStyle } from '../../agent/decode/document.js';
import { escapeHtml, renderHtml } from '../../agent/render/html.js';
import { renderJson } from '../../agent/render/json.js';
import { encodePng1 } from '../../agent/render/png.js';
import { renderText } from '../../agent/render/text.js';

const plain: TextStyle = { bold: false, underline: 0, width: 1, height: 1, invert: false, font: 'A', upsideDown: false, rotated: false };
const span = (text: string, column: number, style: Partial<TextStyle> = {}): Span => ({
  text,
  column,
  x: column * 12,
  width: text.length * 12 * (style.width ?? 1),
  style: { ...plain, ...style },
});
const doc = (blocks: PrintedDocument['blocks']): PrintedDocument => ({
  start: 0, end: 10, paperWidth: 576, gridDots: 12, columns: 48, blocks, issues: [],
});

describe('renderText', () => {
  it('lays spans out at their columns', () => {
    const d = doc([
      { kind: 'text', align: 'left', spans: [span('Milk', 0), span('1.20', 44)] },
      { kind: 'text', align: 'center', spans: [span('TOTAL', 10, { width: 2 }), span('9.99', 40)] },
    ]);
    expect(renderText(d)).toBe(`Milk${' '.repeat(40)}1.20\n${' '.repeat(10)}T O T A L${' '.repeat(21)}9.99\n`);
  });

  it('moves an overlapping span right instead of overwriting', () => {
    expect(renderText(doc([{ kind: 'text', align: 'left', spans: [span('Long description', 0), span('2.00', 5)] }]))).toBe(
      'Long description 2.00\n',
    );
  });

  it('shows codes, images and events', () => {
    const d = doc([
      { kind: 'barcode', symbology: 'EAN13', data: '5012345678900', hri: 'below', height: 80, moduleWidth: 2, align: 'center' },
      { kind: '2d', symbology: 'QR', data: 'https://r.example/1', settings: {}, align: 'center' },
      { kind: 'image', source: 'GS v 0', width: 16, height: 2, bits: new Uint8Array(4), truncated: false, scaleX: 1, scaleY: 1, align: 'left' },
      { kind: 'event', event: 'cut', command: 'GS V', detail: { mode: 'partial' } },
    ]);
    expect(renderText(d)).toBe('[BARCODE EAN13: 5012345678900]\n[QR: https://r.example/1]\n[IMAGE 16x2]\n--- cut (GS V mode=partial) ---\n');
  });
});

describe('renderJson', () => {
  it('round-trips with image bits as base64', () => {
    const bits = new Uint8Array([0xff, 0x00, 0x81, 0x7e]);
    const d = doc([{ kind: 'image', source: 'GS v 0', width: 16, height: 2, bits, truncated: false, scaleX: 1, scaleY: 1, align: 'left' }]);
    const back = JSON.parse(renderJson(d));
    expect(Buffer.from(back.blocks[0].bits, 'base64')).toEqual(Buffer.from(bits));
    expect(back.columns).toBe(48);
  });
});

describe('renderHtml', () => {
  it('escapes receipt text and shows images as PNG', () => {
    const d = doc([
      { kind: 'text', align: 'left', spans: [span('<script>alert(1)</script> & "x"', 0, { bold: true })] },
      { kind: 'image', source: 'GS v 0', width: 8, height: 1, bits: new Uint8Array([0xf0]), truncated: false, scaleX: 1, scaleY: 1, align: 'center' },
    ]);
    const html = renderHtml([d]);
    expect(html).not.toContain('<script>alert');
    expect(html).toContain(escapeHtml('<script>alert(1)</script> & "x"'));
    expect(html).toContain('font-weight:bold');
    expect(html).toMatch(/<img [^>]*src="data:image\/png;base64,/);
  });

  it('encodes a 1-bit PNG whose pixels match the bits', () => {
    const png = encodePng1(8, 1, new Uint8Array([0b1010_0000]));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const idat = png.indexOf('IDAT');
    const length = png.readUInt32BE(idat - 4);
    const raw = inflateSync(png.subarray(idat + 4, idat + 4 + length));
    expect([...raw]).toEqual([0, 0b0101_1111]); // filter byte, then inverted bits (PNG 0 = black)
  });
});

describe('posbridge parse (built CLI)', () => {
  const fixture = 'test/fixtures/escpos-php/receipt-with-logo.bin';
  const cli = (...args: string[]) => execFileSync('node', ['bin/posbridge.js', 'parse', ...args], { encoding: 'utf8' });

  it('prints columns as text by default', () => {
    const out = cli(fixture);
    expect(out).toMatch(/^Example item #1 {29}4\.00$/m);
    expect(out).toContain('[IMAGE 300x236]');
    expect(out).toMatch(/job 1\/2/);
  });

  it('prints one document per line as JSON, equal to the library decode', () => {
    const lines = cli('--format', 'json', fixture).trim().split('\n');
    const expected = decode(readFileSync(fixture)).map(renderJson);
    expect(lines).toEqual(expected);
  });

  it('writes an HTML preview', () => {
    const html = cli('--format', 'html', fixture);
    expect(html).toContain('<!doctype html>');
    expect(html).toContain('Example item #1');
  });

  it('reports a missing file and goes on with the others', () => {
    const run = spawnSync('node', ['bin/posbridge.js', 'parse', 'no/such.bin', fixture], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no/such.bin');
    expect(run.stdout).toContain('Example item #1');
  });
});
