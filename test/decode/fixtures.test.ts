// escpos-buffer fixtures (test/fixtures/decode/, made by generate.ts) for Epson and other dialects: the decoded
// documents must match the reviewed golden JSON and print what the generator asked for.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode, type DecoderOptions } from '../../agent/decode/index.js';
import type { Block, TextLine } from '../../agent/decode/document.js';
import type { FixtureSource } from '../fixtures/decode/generate.js';
import { renderText } from '../../agent/render/text.js';
import { toJson } from './helpers.js';

const DIR = join(import.meta.dirname, '../fixtures/decode');

const FIXTURES: { file: string; opts?: DecoderOptions }[] = [
  { file: 'tm-t20' },
  { file: 'tm-t88' },
  // Bematech's Font C fits 50 columns on the paper: decode with a 50-column (600-dot) line.
  { file: 'mp-4200-th', opts: { paperWidth: 600 } },
  { file: 'dr800' },
  { file: 'pos-80' },
  { file: 'i9' },
];

/** The line as characters on the grid: each span's text at its column. */
function gridText(line: TextLine): string {
  let out = '';
  for (const s of line.spans) out = out.padEnd(s.column) + s.text;
  return out;
}

describe.each(FIXTURES)('escpos-buffer fixture $file', ({ file, opts }) => {
  const bin = readFileSync(join(DIR, `${file}.bin`));
  const source = JSON.parse(readFileSync(join(DIR, `${file}.source.json`), 'utf8')) as FixtureSource;
  const docs = decode(bin, opts);
  const blocks: Block[] = docs.flatMap((d) => [...d.blocks]);

  it('matches the golden document JSON', () => {
    const golden = join(DIR, `${file}.json`);
    const json = JSON.stringify(JSON.parse(toJson(docs)), null, 1) + '\n';
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, json);
    expect(existsSync(golden), `${golden} missing: review and create it with UPDATE_GOLDEN=1`).toBe(true);
    expect(json).toBe(readFileSync(golden, 'utf8'));
  });

  it('matches the golden text render', () => {
    const golden = join(DIR, `${file}.txt`);
    const text = docs.map(renderText).join('=== next job ===\n');
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, text);
    expect(existsSync(golden), `${golden} missing: review and create it with UPDATE_GOLDEN=1`).toBe(true);
    expect(text).toBe(readFileSync(golden, 'utf8'));
  });

  it('prints every line the generator wrote, right column included', () => {
    const printed = blocks.filter((b): b is TextLine => b.kind === 'text' && b.spans.length > 0);
    const written = source.lines.filter((l) => l.trim().length > 0);
    expect(printed).toHaveLength(written.length);
    printed.forEach((line, i) => {
      const text = gridText(line);
      // Centred lines sit at an offset the generator left to the printer.
      expect(line.align === 'center' ? text.trim() : text).toBe(written[i]!.trimEnd());
    });
    const total = blocks.find((b): b is TextLine => b.kind === 'text' && b.spans[0]?.text === 'TOTAL')!;
    expect(total.spans[0]!.style.bold).toBe(true);
    expect(total.spans.at(-1)!.column + '15.15'.length).toBe(source.columns);
  });

  it('has the QR code, logo, cut and drawer pulse the generator sent, with no issues but known dialect gaps', () => {
    const qr = blocks.filter((b) => b.kind === '2d').map((b) => b.kind === '2d' && b.data);
    expect(qr).toEqual(source.qr === null ? [] : [source.qr]);
    const img = blocks.filter((b) => b.kind === 'image');
    expect(img.map((b) => b.kind === 'image' && [b.source, b.width, b.height])).toEqual(
      source.image === null ? [] : [['ESC *', source.image.width, source.image.height]],
    );
    const events = blocks.filter((b) => b.kind === 'event').map((b) => b.kind === 'event' && b.event);
    expect(events.filter((e) => e === 'cut')).toHaveLength(source.cuts);
    // Daruma's drawer command is a bare ESC p, which Epson's 5-byte ESC p cannot read: noted as truncated.
    const darumaDrawer = file === 'dr800';
    expect(events.filter((e) => e === 'drawer-pulse')).toHaveLength(darumaDrawer ? 0 : source.drawerPulses);
    const issues = docs.flatMap((d) => d.issues.map((i) => i.message));
    expect(issues).toEqual(darumaDrawer ? ['command truncated at end of stream (ESC p, 2 bytes)'] : []);
  });
});
