import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decode } from '../../agent/decode/index.js';
import type { PrintedDocument, Span, TextStyle } from '../../agent/decode/document.js';
import { documentHtml, escapeHtml, htmlHead, htmlTail, renderHtml } from '../../agent/render/html.js';
import { readJson, renderJson } from '../../agent/render/json.js';
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
const doc = (blocks: PrintedDocument['blocks'], issues: PrintedDocument['issues'] = []): PrintedDocument => ({
  start: 0, end: 10, paperWidth: 576, gridDots: 12, columns: 48, blocks, issues,
});
const FIXTURE = 'test/fixtures/render/receipt.bin';

/** Width, height and 1-bit rows of a PNG written by encodePng1 (single IDAT chunk). */
function readPng1(png: Buffer): { width: number; height: number; rows: number[][] } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idat = png.indexOf('IDAT');
  const raw = zlib.inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
  const stride = Math.ceil(width / 8) + 1;
  const rows = Array.from({ length: height }, (_, y) => [...raw.subarray(y * stride, (y + 1) * stride)]);
  return { width, height, rows };
}

describe('renderText', () => {
  it('lays spans out at their columns; double-width text prints once, padded to the columns it covers', () => {
    const d = doc([
      { kind: 'text', align: 'left', spans: [span('Milk', 0), span('1.20', 44)] },
      { kind: 'text', align: 'center', spans: [span('TOTAL 31,10', 10, { width: 2, height: 2 }), span('9.99', 40)] },
      { kind: 'text', align: 'right', spans: [span('thanks', 42)] },
    ]);
    const text = renderText(d);
    expect(text).toBe(`Milk${' '.repeat(40)}1.20\n${' '.repeat(10)}TOTAL 31,10${' '.repeat(19)}9.99\n${' '.repeat(42)}thanks\n`);
    // Searchable and copyable as printed, and the next column keeps its place.
    expect(text).toContain('TOTAL 31,10');
    expect(text.split('\n')[1]!.indexOf('9.99')).toBe(40);
  });

  it('a double-width span with nothing after it leaves no trailing padding', () => {
    expect(renderText(doc([{ kind: 'text', align: 'left', spans: [span('TOTAL', 0, { width: 2 })] }]))).toBe('TOTAL\n');
  });

  it('cuts a line at the print area and marks it, whatever columns the spans claim', () => {
    const far = doc([{ kind: 'text', align: 'left', spans: [span('A', 0), span('beyond the paper', 5000)] }]);
    expect(renderText(far)).toBe('A…\n');
    const long = doc([{ kind: 'text', align: 'left', spans: [span('x'.repeat(4096), 0)] }]);
    // 576 dots hold at most 72 characters of the narrowest font.
    expect(renderText(long)).toBe('x'.repeat(72) + '…\n');
  });

  it('moves an overlapping span right instead of overwriting', () => {
    expect(renderText(doc([{ kind: 'text', align: 'left', spans: [span('Long description', 0), span('2.00', 5)] }]))).toBe(
      'Long description 2.00\n',
    );
  });

  it('shows codes, images, events and decode issues; no mark for initialize', () => {
    const d = doc(
      [
        { kind: 'event', event: 'initialize', command: 'ESC @' },
        { kind: 'barcode', symbology: 'EAN13', data: '5012345678900', hri: 'below', height: 80, moduleWidth: 2, align: 'center' },
        { kind: '2d', symbology: 'QR', data: 'https://r.example/1', settings: {}, align: 'center' },
        { kind: 'image', source: 'GS v 0', width: 16, height: 2, bits: new Uint8Array(4), truncated: false, scaleX: 1, scaleY: 1, align: 'left' },
        { kind: 'image', source: 'GS v 0', width: 4000, height: 9000, bits: new Uint8Array(0), truncated: true, scaleX: 1, scaleY: 1, align: 'left' },
        { kind: 'event', event: 'status-request', command: 'DLE EOT', detail: { n: 1 } },
        { kind: 'event', event: 'cut', command: 'GS V', detail: { mode: 'partial' } },
      ],
      [{ offset: 7, message: 'unknown command ESC 0x99' }],
    );
    expect(renderText(d)).toBe(
      '[BARCODE EAN13: 5012345678900]\n[QR: https://r.example/1]\n[IMAGE 16x2]\n[IMAGE 4000x9000 truncated]\n' +
        '[status-request DLE EOT n=1]\n--- cut (GS V mode=partial) ---\n[issue at byte 7: unknown command ESC 0x99]\n',
    );
  });
});

describe('renderJson', () => {
  it('round-trips a decoded capture, image bits as base64', () => {
    const docs = decode(readFileSync(FIXTURE));
    expect(docs).toHaveLength(2);
    for (const d of docs) {
      const text = renderJson(d);
      expect(text).not.toContain('\n');
      expect(readJson(text)).toEqual(d);
    }
    const image = JSON.parse(renderJson(docs[0]!)).blocks.find((b: { kind: string }) => b.kind === 'image');
    expect(Buffer.from(image.bits, 'base64')).toEqual(Buffer.from([0xff, 0xaa, 0xff, 0x55, 0xff, 0xaa, 0xff, 0x55]));
  });
});

describe('renderHtml', () => {
  it('escapes receipt text everywhere it appears', () => {
    const hostile = '<script>alert(1)</script> & "x" \'y\'';
    const d = doc(
      [
        { kind: 'text', align: 'left', spans: [span(hostile, 0, { bold: true })] },
        { kind: '2d', symbology: 'QR', data: '"><img src=x onerror=alert(1)>', settings: {}, align: 'center' },
      ],
      [{ offset: 1, message: '<b>issue</b>' }],
    );
    const html = renderHtml([d], '</title><script>');
    expect(html).not.toMatch(/<script>|<img src=x|<b>issue/);
    expect(html).toContain(escapeHtml(hostile));
    expect(html).toContain('&lt;/title&gt;&lt;script&gt;');
    expect(html).toContain('font-weight:bold');
  });

  it('styles spans: position on the grid, double size, underline, invert, upside down', () => {
    const html = documentHtml(
      doc([
        {
          kind: 'text',
          align: 'left',
          spans: [span('BIG', 4, { width: 2, height: 2 }), span('u', 20, { underline: 2 }), span('inv', 30, { invert: true, upsideDown: true })],
        },
      ]),
      'job',
    );
    expect(html).toContain('left:4ch;transform:scale(2,2)');
    expect(html).toContain('text-decoration:underline 2px');
    expect(html).toContain('background:#000;color:#fff;transform:rotate(180deg)');
    expect(html).toContain('height:4ch'); // a double-height line is twice as tall
  });

  it('shows an image as a PNG at its printed size, and a cut as a torn edge', () => {
    const d = doc([
      { kind: 'image', source: 'GS v 0', width: 8, height: 2, bits: new Uint8Array([0xf0, 0x0f]), truncated: false, scaleX: 2, scaleY: 1, align: 'center' },
      { kind: 'event', event: 'cut', command: 'GS V' },
    ]);
    const html = documentHtml(d, 'job 1');
    const img = /<img [^>]*style="([^"]*)" src="data:image\/png;base64,([^"]+)">/.exec(html);
    expect(img?.[1]).toBe('width:1.333ch;height:0.167ch');
    const png = readPng1(Buffer.from(img![2]!, 'base64'));
    expect(png).toMatchObject({ width: 8, height: 2 });
    expect(png.rows).toEqual([[0, 0x0f], [0, 0xf0]]); // filter byte, then bits inverted (PNG 0 = black)
    expect(html).toContain('class="paper cut"');
  });

  it('streams as head, documents and tail, equal to the whole page', () => {
    const docs = decode(readFileSync(FIXTURE));
    expect(htmlHead() + docs.map((d, i) => documentHtml(d, `job ${i + 1}`)).join('') + htmlTail()).toBe(renderHtml(docs));
  });
});

describe('encodePng1', () => {
  it('writes one filter byte and the inverted bits per row, rows padded to whole bytes', () => {
    const png = readPng1(encodePng1(10, 2, new Uint8Array([0b1010_0000, 0b1100_0000, 0xff, 0xc0])));
    expect(png).toEqual({ width: 10, height: 2, rows: [[0, 0b0101_1111, 0b0011_1111], [0, 0, 0b0011_1111]] });
  });

  it('closes every chunk with its CRC-32', () => {
    const png = encodePng1(10, 3, new Uint8Array([1, 2, 3, 4, 5, 6]));
    expect(png.subarray(-8)).toEqual(Buffer.from([0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82])); // IEND's fixed CRC
    const { crc32 } = zlib as { crc32?: (data: Uint8Array) => number }; // Node >= 20.15 has a reference
    for (let at = 8; at < png.length && crc32 !== undefined; ) {
      const length = png.readUInt32BE(at);
      expect(png.readUInt32BE(at + 8 + length)).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
      at += 12 + length;
    }
  });
});

describe('posbridge parse (built CLI)', () => {
  const cli = (...args: string[]) => spawnSync('node', ['bin/posbridge.js', 'parse', ...args], { encoding: 'utf8' });

  it('prints each job as text in the printer columns (default format)', () => {
    const run = cli(FIXTURE);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(readFileSync('test/fixtures/render/receipt.txt', 'utf8'));
  });

  it('--model and --dialect name the printer; a Star receipt reads as printed either way', () => {
    const star = 'test/fixtures/star-receipts/coffee-rpe-star-tsp650ii.bin';
    const byModel = cli('--model', 'star-tsp650ii', star);
    expect(byModel.status).toBe(0);
    expect(byModel.stdout).toMatch(/^TOTAL {35}8\.90$/m);
    expect(byModel.stdout).toContain('--- cut (ESC d mode=full feed=false) ---');
    expect(cli('--dialect', 'star-line', star).stdout).toBe(byModel.stdout);
    // Without either, the dialect is recognised from the file.
    expect(cli(star).stdout).toBe(byModel.stdout);
    const json = cli('--format', 'json', '--model', 'star-tsp650ii', star).stdout.split('\n')[0]!;
    expect(readJson(json)).toMatchObject({ paperWidth: 576, dialect: { name: 'star-line', from: 'setup' } });
    // An unknown name is refused before anything is read, naming the choices.
    const bad = cli('--dialect', 'star-zz', star);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/star-line/);
    expect(cli('--model', 'acme-1', star).status).not.toBe(0);
  });

  it('prints one document per line as JSON, equal to the library decode', () => {
    const run = cli('--format', 'json', FIXTURE);
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    // parse reads the dialect from the file (auto), as a link does by default.
    expect(lines).toEqual(decode(readFileSync(FIXTURE), { dialect: 'auto' }).map(renderJson));
    expect(lines.map((l) => readJson(l).end)).toEqual([245, 264]);
  });

  it('writes one HTML page for all files, escaped, with the image as a PNG', () => {
    const run = cli('-f', 'html', FIXTURE, 'test/fixtures/escpos-php/receipt-with-logo.bin');
    expect(run.status).toBe(0);
    const html = run.stdout;
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.match(/<html>/g)).toHaveLength(1);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('€3.20');
    expect(html).toContain(`${FIXTURE} · job 2`);
    expect(html).toContain('test/fixtures/escpos-php/receipt-with-logo.bin · job 1');
    const pngs = [...html.matchAll(/src="data:image\/png;base64,([^"]+)"/g)].map((m) => readPng1(Buffer.from(m[1]!, 'base64')));
    expect(pngs.map((p) => `${p.width}x${p.height}`)).toEqual(['16x4', '300x236']);
    expect(html.match(/class="paper cut"/g)).toHaveLength(3);
  });

  it('reports a missing file and a directory, goes on with the others, and exits 1', () => {
    const run = cli('no/such.bin', 'test', FIXTURE);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('posbridge parse: no/such.bin: ENOENT');
    expect(run.stderr).toContain('posbridge parse: test: EISDIR');
    expect(run.stdout).toBe(readFileSync('test/fixtures/render/receipt.txt', 'utf8'));
  });

  it('rejects bad options before reading anything', () => {
    for (const args of [['--format', 'xml'], ['--paper-width', 'wide'], ['--paper-width', '10'], ['--kanji', 'utf8']]) {
      const run = cli(...args, FIXTURE);
      expect(run.status, args.join(' ')).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^error: /);
    }
  });

  it('starts in the printer\'s configured code page when the job selects none', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'posbridge-parse-')), 'no-esc-t.bin');
    writeFileSync(file, Buffer.from([0xd5, 0x31, 0x0a]));
    expect(cli(file).stdout).toContain('╒1');
    expect(cli('--code-page', '19', file).stdout).toContain('€1');
  });
});
