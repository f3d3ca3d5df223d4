// StarPRNT page mode (ESC GS P n) laid out into the document by the shared page-mode layout: a third-party
// landscape receipt (test/fixtures/star-pagemode/, see its README) reads in its lines' order, and each command
// does what the StarPRNT specification says.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode } from '../../agent/decode/index.js';
import type { PrintedDocument, TextLine } from '../../agent/decode/document.js';
import { bytes, decodeSplit, ESC, GS, LF, line, printedLines as lines, span, toJson } from './helpers.js';

const DIR = join(import.meta.dirname, '../fixtures/star-pagemode');


describe.each(readdirSync(DIR).filter((f) => f.endsWith('.bin')).map((f) => f.slice(0, -4)))('Star page-mode fixture %s', (name) => {
  const job = new Uint8Array(readFileSync(join(DIR, `${name}.bin`)));
  const source = JSON.parse(readFileSync(join(DIR, `${name}.source.json`), 'utf8')) as { direction: number; lines: string[]; cuts: number };
  const docs = decode(job, { dialect: 'auto' });

  it('reads its lines in order, without an issue, and says the page was turned', () => {
    expect(docs[0]!.dialect?.name).toMatch(/^star-/);
    expect(lines(docs)).toEqual(source.lines);
    expect(docs.flatMap((d) => d.issues)).toEqual([]);
    expect(docs[0]!.blocks).toContainEqual({ kind: 'event', event: 'page-mode', command: 'ESC GS P 2', detail: { direction: source.direction } });
  });

  it('keeps the columns: amounts end at the right edge of the 576-dot line', () => {
    const bananas = docs[0]!.blocks.find((b): b is TextLine => b.kind === 'text' && b.spans[0]?.text === 'Bananas')!;
    expect(bananas.spans.map((s) => [s.text, s.x, s.x + s.width])).toEqual([
      ['Bananas', 0, 84],
      ['1.15', 528, 576],
    ]);
  });

  it('ends with the cut after the page, in one document', () => {
    expect(docs[0]!.blocks.at(-1)).toMatchObject({ kind: 'event', event: 'cut' });
    expect(docs.filter((d) => d.blocks.some((b) => b.kind === 'event' && b.event === 'cut'))).toHaveLength(source.cuts);
  });

  it('decodes identically at every split', () => {
    const whole = toJson(docs);
    for (let at = 0; at <= job.length; at += 3) expect(toJson(decodeSplit(job, [at], { dialect: 'auto' })), `split at ${at}`).toBe(whole);
  });
});

describe('StarPRNT page-mode commands', () => {
  const prnt = (...parts: (number | string)[]): PrintedDocument[] => decode(bytes(...parts), { dialect: 'star-prnt' });

  it('ESC GS P 1 leaves page mode unprinted, and its issue names it', () => {
    const docs = prnt(ESC, GS, 'P', '0', 'never printed', LF, ESC, GS, 'P', '1', 'standard', LF);
    expect(docs[0]!.issues.map((i) => i.message)).toEqual(['ESC GS P 1 discarded a page of 1 unprinted lines']);
  });
  const P = (n: number, ...params: number[]) => [ESC, GS, 'P', 0x30 + n, ...params] as const;

  it('orders what was laid out by vertical position and merges what shares a line (ESC GS P 4, ESC GS A)', () => {
    // ESC GS P 4 moves down only: the horizontal position carries on, so each line starts with ESC GS A.
    const docs = prnt(...P(0), ...P(4, 100, 0), 'Bottom', ...P(4, 0, 0), ESC, GS, 'A', 0, 0, 'Top', ...P(4, 100, 0), ESC, GS, 'A', 0x2c, 0x01, 'Right', ...P(7), 'standard', LF);
    expect(docs[0]!.blocks).toEqual([line([span('Top', 0)]), line([span('Bottom', 0), span('Right', 300)]), line([span('standard', 0)])]);
  });

  it('ESC GS P 5 moves down relatively; LF moves by the line spacing (ESC 0: 24 dots)', () => {
    const docs = prnt(ESC, '0', ...P(0), ...P(4, 50, 0), 'b', ...P(5, 0xf6, 0xff), 'a', LF, 'c', ...P(7));
    // 'a' is 10 dots above 'b'; 'c' one line (24 dots) below 'a', so below 'b' too.
    expect(lines(docs)).toEqual(['a', 'b', 'c']);
  });

  it('ESC GS P 3 sets the area: its left edge is where lines start; ESC GS P 7 gives the paper back', () => {
    const docs = prnt(...P(0), ...P(3, 24, 0, 0, 0, 0, 1, 0, 1), 'in area', LF, ...P(7), ...P(0), 'whole paper', LF, ...P(7));
    expect(docs[0]!.blocks).toEqual([line([span('in area', 24)]), line([span('whole paper', 0)])]);
  });

  it('ESC GS P 6 prints and stays in page mode; ESC GS P 8 erases; ESC GS P 1 leaves, discarding with an issue', () => {
    const docs = prnt(...P(0), 'one', LF, ...P(6), 'erased', ...P(8), 'two', LF, ...P(7), ...P(0), 'lost', LF, ...P(1), 'kept', LF);
    expect(lines(docs)).toEqual(['one', 'two', 'kept']);
    expect(docs[0]!.issues.map((i) => i.message)).toEqual([expect.stringMatching(/discarded a page of 1 unprinted lines/)]);
  });

  // STAR Line Mode Command Specifications, 3.16 Page Mode Command Details: ESC GS P 6 "Lump-prints data expanded
  // to the entire print region in page mode ... After printing, the following information is maintained: a.
  // Expanded data, b. ... (ESC GS P 2), c. ... (ESC GS P 3), d. Character expansion position"; ESC GS P 7 prints
  // and recovers to standard mode: "All expanded data is erased after printing. Print region set by ESC GS P 3 ...
  // is initialized." The StarPRNT specification has the same page-mode commands.
  it('ESC GS P 6 keeps the page and its area: ESC GS P 7 prints it again with what was added, then erases it', () => {
    const input = bytes(...P(0), ...P(3, 24, 0, 0, 0, 0, 1, 0, 1), 'one', LF, ...P(6), 'two', LF, ...P(7), ...P(7), ...P(0), 'next', LF, ...P(7));
    const docs = decode(input, { dialect: 'star-prnt' });
    expect(docs[0]!.blocks).toEqual([
      line([span('one', 24)]),
      line([span('one', 24)]),
      line([span('two', 24)]),
      line([span('next', 0)]),
    ]);
    const whole = toJson(docs);
    for (let at = 0; at <= input.length; at++) expect(toJson(decodeSplit(input, [at], { dialect: 'star-prnt' })), `split at ${at}`).toBe(whole);
  });

  it('a cut in page mode prints the page first; a page left open prints at the end with an issue', () => {
    const cut = prnt(...P(0), 'page', LF, ESC, 'd', 0, 'next', LF);
    expect(cut.map((d) => lines([d]))).toEqual([['page'], ['next']]);
    expect(cut[0]!.blocks.at(-1)).toMatchObject({ event: 'cut' });
    const open = prnt(...P(0), 'open');
    expect(lines(open)).toEqual(['open']);
    expect(open[0]!.issues[0]!.message).toMatch(/page mode data never printed/);
  });

  it('an unknown direction or page command is reported, never printed', () => {
    const docs = prnt(...P(0), ...P(2, 9), ...P(9), 'x', ...P(7));
    expect(lines(docs)).toEqual(['x']);
    expect(docs[0]!.issues.map((i) => i.message)).toEqual(['ESC GS P 2 with unknown direction 9 ignored', 'unknown command ESC GS P 57 skipped']);
  });
});
