// Star commands whose data length comes from the job: a damaged length (one past the command's documented
// maximum for the paper) is reported and not trusted, so the text and the cut after it still decode instead of
// being swallowed as image or code data.
import { describe, expect, it } from 'vitest';
import { decode, type DecoderOptions } from '../../agent/decode/index.js';
import { bytes, cutCount as cuts, decodeSplit, ESC, GS, issueMessages as issues, LF, printedLines as lines, toJson } from './helpers.js';


/** What follows every damaged command: a line of text and a full cut, which must both survive. */
const TAIL = ['TOTAL 9.99', LF, ESC, 'd', 0] as const;
/** Filler long enough that a trusted 64 KiB length would swallow the tail. */
const filler = (n: number): Uint8Array => new Uint8Array(n).fill(0x55);

function expectTailSurvives(job: Uint8Array, opts: DecoderOptions, issue: RegExp): void {
  const docs = decode(job, opts);
  expect(lines(docs)).toContain('TOTAL 9.99');
  expect(cuts(docs)).toBe(1);
  expect(issues(docs).some((m) => issue.test(m)), issues(docs).join('\n')).toBe(true);
}

describe('damaged Star lengths are bounded and decoding resynchronises', () => {
  const line: DecoderOptions = { dialect: 'star-line' };
  const prnt: DecoderOptions = { dialect: 'star-prnt' };

  it('ESC GS y D 1: QR data longer than a QR code holds', () => {
    expectTailSurvives(bytes(ESC, GS, 'y', 'D', '1', 0, 0xff, 0xff, 'https://r.example', ESC, GS, 'y', 'P', ...TAIL), line, /ESC GS y D/);
  });

  it('ESC GS x D: PDF417 data longer than a PDF417 symbol holds', () => {
    expectTailSurvives(bytes(ESC, GS, 'x', 'D', 0xff, 0xff, 'data', ESC, GS, 'x', 'P', ...TAIL), line, /ESC GS x D/);
  });

  it.each([
    ['K', 1],
    ['L', 1],
    ['X', 3],
    ['k', 3],
  ])('ESC %s n1 n2: a bit image wider than the paper', (letter) => {
    expectTailSurvives(bytes(ESC, letter, 0xff, 0xff, filler(300), LF, ...TAIL), line, new RegExp(`ESC ${letter}`));
  });

  it('ESC K at the paper width is an image, one column more is damage', () => {
    const ok = decode(bytes(ESC, 'K', 576 & 0xff, 576 >> 8, filler(576), LF, ...TAIL), line);
    expect(ok[0]!.blocks[0]).toMatchObject({ kind: 'image', width: 576, height: 8 });
    expect(issues(ok)).toEqual([]);
    const narrow = decode(bytes(ESC, 'K', 385 & 0xff, 385 >> 8, filler(385), LF, ...TAIL), { ...line, paperWidth: 384 });
    expect(issues(narrow).join()).toMatch(/ESC K/);
  });

  it('b n1 n2 in raster mode: a raster row wider than the paper', () => {
    const job = bytes(ESC, '*', 'r', 'A', 'b', 0xff, 0xff, filler(72), ESC, '*', 'r', 'B', ...TAIL);
    expectTailSurvives(job, line, /raster row/);
  });

  it('ESC GS S: a raster image row wider than the paper (within the 128 bytes Star allows)', () => {
    expectTailSurvives(bytes(ESC, GS, 'S', 1, 100, 0, 0xff, 0x00, 0, filler(100), LF, ...TAIL), prnt, /ESC GS S/);
  });

  it('ESC GS S: a height past any image a receipt prints (a damaged yH) does not swallow the rest of the job', () => {
    expectTailSurvives(bytes(ESC, GS, 'S', 1, 72, 0, 0xff, 0xf0, 0, filler(200), LF, ...TAIL), prnt, /ESC GS S claims 61695 rows/);
  });

  it('ESC b: barcode data that never meets its RS', () => {
    const docs = decode(bytes(ESC, 'b', 6, 2, 2, 50, filler(600), LF, ...TAIL), line);
    expect(lines(docs)).toContain('TOTAL 9.99');
    expect(cuts(docs)).toBe(1);
    expect(issues(docs).join()).toMatch(/ESC b barcode data without RS/);
  });

  it('ESC FS q: NV logo definitions are read record by record, a damaged size is not trusted', () => {
    // One 16 x 8 logo (xL xH yL yH in units of 8 dots), then a second whose size claims 65535 x 65535 x 8 bytes.
    const logo = bytes(ESC, 0x1c, 'q', 1, 2, 0, 1, 0, filler(16), 'after logo', LF, ...TAIL);
    const good = decode(logo, line);
    expect(lines(good)).toEqual(['after logo', 'TOTAL 9.99']);
    expect(issues(good)).toEqual([]);
    expectTailSurvives(bytes(ESC, 0x1c, 'q', 1, 0xff, 0xff, 0xff, 0xff, filler(100), LF, ...TAIL), line, /ESC FS q/);
  });

  it('ESC GS ) and ESC GS ( settings with a length past what any setting takes', () => {
    expectTailSurvives(bytes(ESC, GS, ')', 'I', 0xff, 0xff, 1, ...TAIL), prnt, /ESC GS \)/);
    // A well-formed one is skipped whole, its parameters never print.
    const ok = decode(bytes(ESC, GS, ')', 'I', 1, 0, 'A', ...TAIL), prnt);
    expect(lines(ok)).toEqual(['TOTAL 9.99']);
  });

  it('the bound holds however the stream is split', () => {
    const job = bytes(ESC, GS, 'y', 'D', '1', 0, 0xff, 0xff, 'https://r.example', ESC, GS, 'y', 'P', ESC, 'K', 0xff, 0xff, 1, 2, 3, ...TAIL);
    const whole = toJson(decode(job, line));
    for (let at = 1; at < job.length; at++) expect(toJson(decodeSplit(job, [at], line)), `split at ${at}`).toBe(whole);
  });
});
