// Star raster printing: raster graphics mode with its page-end modes (ESC * r E / F / e n NUL, ESC FF NUL / EOT /
// EM, ESC * r B) as the document's cuts and feeds, and images from third-party generators
// (test/fixtures/star-raster/, see its README) decoded to the pictures they drew.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode, Decoder } from '../../agent/decode/index.js';
import { JobFramer } from '../../agent/capture/framer.js';
import type { FramedJob } from '../../agent/capture/types.js';
import type { EventBlock, ImageBlock, PrintedDocument, TextLine } from '../../agent/decode/document.js';
import { bytes, decodeSplit, ESC, LF, toJson } from './helpers.js';

const DIR = join(import.meta.dirname, '../fixtures/star-raster');
const FF = 0x0c;
const EOT = 0x04;
const EM = 0x19;

interface RasterSource {
  generator: string;
  dialect: 'star-line' | 'star-prnt';
  text?: string[];
  images: { width: number; height: number; pattern: 'stripes' }[];
  cuts: number;
}

const blocks = (docs: readonly PrintedDocument[]) => docs.flatMap((d) => [...d.blocks]);
const images = (docs: readonly PrintedDocument[]): ImageBlock[] => blocks(docs).filter((b): b is ImageBlock => b.kind === 'image');
const events = (docs: readonly PrintedDocument[]): EventBlock[] => blocks(docs).filter((b): b is EventBlock => b.kind === 'event');
const lines = (docs: readonly PrintedDocument[]): string[] =>
  blocks(docs)
    .filter((b): b is TextLine => b.kind === 'text' && b.spans.length > 0)
    .map((l) => l.spans.map((s) => s.text).join(' '));

/**
 * The drawn picture's dots as found in a decoded image: `stripes` of `width` dots, right-aligned in the row, on
 * the first `height` rows; rows below are paper fed after it (ESC * r Y), blank.
 */
function stripesIn(image: ImageBlock, width: number, height: number): boolean {
  const stride = Math.ceil(image.width / 8);
  const first = stride - width / 8;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < stride; x++) {
      const want = x < first || y >= height ? 0 : (x - first) % 2 === 0 ? 0xff : 0x00;
      if (image.bits[y * stride + x] !== want) return false;
    }
  }
  return true;
}

describe.each(readdirSync(DIR).filter((f) => f.endsWith('.bin')).map((f) => f.slice(0, -4)))('Star raster fixture %s', (name) => {
  const job = new Uint8Array(readFileSync(join(DIR, `${name}.bin`)));
  const source = JSON.parse(readFileSync(join(DIR, `${name}.source.json`), 'utf8')) as RasterSource;
  const docs = decode(job, { dialect: 'auto' });

  it('is recognised as Star, decodes without an issue and keeps its text', () => {
    for (const doc of docs) expect(doc.dialect?.name).toMatch(/^star-/);
    expect(docs.flatMap((d) => d.issues)).toEqual([]);
    expect(lines(docs)).toEqual(source.text ?? []);
  });

  it('draws each picture as the generator drew it', () => {
    const found = images(docs);
    expect(found).toHaveLength(source.images.length);
    source.images.forEach((drawn, k) => {
      expect(found[k]!.height).toBeGreaterThanOrEqual(drawn.height);
      expect(found[k]!.truncated).toBe(false);
      expect(stripesIn(found[k]!, drawn.width, drawn.height), `image ${k}`).toBe(true);
    });
  });

  it('cuts where the generator cut, each cut ending a document', () => {
    const cuts = events(docs).filter((e) => e.event === 'cut');
    expect(cuts).toHaveLength(source.cuts);
    for (const doc of docs.slice(0, source.cuts)) expect(doc.blocks.at(-1)).toMatchObject({ kind: 'event', event: 'cut' });
  });

  it('decodes identically at every split', () => {
    const whole = toJson(docs);
    for (let at = 0; at <= job.length; at += 7) expect(toJson(decodeSplit(job, [at], { dialect: 'auto' })), `split at ${at}`).toBe(whole);
  });
});

describe('raster graphics mode page ends', () => {
  const star = (...parts: (number | string)[]): PrintedDocument[] => decode(bytes(...parts), { dialect: 'star-line' });
  const row = ['b', 1, 0, 0xff] as const;
  const enter = [ESC, '*', 'r', 'A'] as const;
  const quit = [ESC, '*', 'r', 'B'] as const;
  const mode = (letter: string, n: number) => [ESC, '*', 'r', letter, String(n), 0] as const;
  const summary = (docs: PrintedDocument[]) => docs.map((d) => d.blocks.map((b) => (b.kind === 'event' ? `${b.event} ${b.command} ${JSON.stringify(b.detail ?? {})}` : b.kind)));

  it('ESC * r B runs the EOT mode: by default the cutter model partial cut after a feed', () => {
    expect(summary(star(...enter, ...row, ...quit))).toEqual([['image', 'cut ESC * r B {"mode":"partial","feed":true}']]);
  });

  it.each([
    [1, []],
    [2, ['feed ESC * r B {"to":"cutter"}']],
    [8, ['cut ESC * r B {"mode":"full","feed":false}']],
    [9, ['cut ESC * r B {"mode":"full","feed":true}']],
    [12, ['cut ESC * r B {"mode":"partial","feed":false}']],
    [13, ['cut ESC * r B {"mode":"partial","feed":true}']],
  ])('ESC * r E %i NUL sets what the end of the document does', (n, after) => {
    const docs = star(...enter, ...mode('E', n), ...row, ...quit, 'text', LF);
    expect(summary(docs)[0]).toEqual(['image', ...after, ...(after.some((a) => a.startsWith('cut')) ? [] : ['text'])]);
  });

  it('a tear-bar feed ends the receipt without a cut', () => {
    const docs = star(...enter, ...mode('E', 3), ...row, ...quit, 'next', LF);
    expect(summary(docs)).toEqual([['image', 'feed ESC * r B {"to":"tear-bar"}'], ['text']]);
  });

  it('ESC FF NUL runs the FF mode and ESC FF EOT the EOT mode, each only when rows wait to print', () => {
    const docs = star(...enter, ...mode('F', 8), ...mode('E', 12), ...row, ESC, FF, 0, ESC, FF, 0, ...row, ESC, FF, EOT, ...quit);
    expect(summary(docs)).toEqual([
      ['image', 'cut ESC FF NUL {"mode":"full","feed":false}'],
      ['image', 'cut ESC FF EOT {"mode":"partial","feed":false}'],
      // ESC * r B after the last cut: the bytes make a document of their own, as after any cut.
      [],
    ]);
  });

  it('ESC FF EM runs the EM mode even with nothing to print; ESC * r A resets the modes', () => {
    expect(summary(star(...enter, ...mode('e', 9), ESC, FF, EM))).toEqual([['cut ESC FF EM {"mode":"full","feed":true}']]);
    const docs = star(...enter, ...mode('E', 1), ...quit, ...enter, ...row, ...quit);
    expect(summary(docs)).toEqual([['image', 'cut ESC * r B {"mode":"partial","feed":true}']]);
  });

  it('an undefined mode is reported and the one before kept; ESC * r Y feeds blank rows into the image', () => {
    const docs = star(...enter, ...mode('E', 8), ...mode('E', 5), ...row, ESC, '*', 'r', 'Y', '3', 0, ...row, ...quit);
    expect(docs[0]!.issues.map((i) => i.message)).toEqual(['raster EOT mode 5 is not defined: kept 8']);
    expect(docs[0]!.blocks[0]).toMatchObject({ kind: 'image', width: 8, height: 5 });
    expect([...(docs[0]!.blocks[0] as ImageBlock).bits]).toEqual([0xff, 0, 0, 0, 0xff]);
    expect(docs[0]!.blocks[1]).toMatchObject({ event: 'cut', detail: { mode: 'full' } });
  });

  it('ESC FF outside raster mode prints and cuts nothing', () => {
    expect(summary(star('a', LF, ESC, FF, 0, ESC, FF, EOT))).toEqual([['text']]);
  });
});

describe('capture frames Star raster jobs on their page ends', () => {
  it('receiptline stargraphic: one job per ESC FF NUL / ESC * r B cut, every byte in one job, in order', () => {
    const job = readFileSync(join(DIR, 'stripes-receiptline-stargraphic.bin'));
    const jobs: FramedJob[] = [];
    const framer = new JobFramer(
      { link: 'star', tillId: 'T1', peer: 'test' },
      { idleGapMs: 1_000, maxJobBytes: 1 << 20, newDecoder: () => new Decoder({ dialect: 'auto' }) },
      (j) => jobs.push(j),
    );
    const stream = Buffer.concat([job, job]);
    for (let i = 0; i < stream.length; i += 100) framer.data(stream.subarray(i, i + 100), 1_700_000_000_000);
    framer.end('session-end');
    // Each copy cuts twice (at the paper-cut line and on leaving raster mode); the status request after the
    // second cut prints nothing, so it goes with the next job, and the last one is dropped.
    expect(jobs.map((j) => j.endedBy)).toEqual(['cut', 'cut', 'cut', 'cut']);
    expect(jobs.map((j) => images(j.documents).length)).toEqual([1, 1, 1, 1]);
    expect(Buffer.concat(jobs.map((j) => j.bytes))).toEqual(stream.subarray(0, stream.length - 3));
  });
});
