// Page mode: content is collected and emitted on FF / ESC FF as lines in vertical order.
import { describe, expect, it } from 'vitest';
import { decode } from '../../agent/decode/index.js';
import { ESC, GS, LF, bytes, decodeSplit, issueMessages, line, printedLines, span, toJson } from './helpers.js';

describe('page mode', () => {
  it('orders lines by vertical position and merges spans printed at the same position', () => {
    const input = bytes(
      ESC, 'L',
      ESC, 'W', 0, 0, 0, 0, 0x40, 0x02, 0x00, 0x02,
      GS, '$', 100, 0, 'Bottom',
      GS, '$', 0, 0, 'Top',
      ESC, '$', 0x2c, 0x01, GS, '$', 100, 0, 'Right',
      0x0c,
      'standard', LF,
    );
    expect(decode(input)[0]!.blocks).toEqual([
      line([span('Top', 72)]),
      line([span('Bottom', 0), span('Right', 300)]),
      line([span('standard', 0)]),
    ]);
  });

  it('advances by line spacing on LF and uses the ESC W area as the left edge', () => {
    const input = bytes(ESC, 'L', ESC, 'W', 24, 0, 0, 0, 0, 1, 0, 1, 'one', LF, 'two', LF, 0x0c);
    expect(decode(input)[0]!.blocks).toEqual([line([span('one', 24)]), line([span('two', 24)])]);
  });

  // Epson, ESC FF: "After printing, the printer does not clear the buffered data, the print position, or values
  // set by other commands ... used when the data in page mode is printed repeatedly." FF (in page mode): "The
  // data is deleted in the print area after being printed. This command returns the values set by ESC W to the
  // default values."
  it('ESC FF prints the page and keeps it: the next print puts it on paper again, below it what was added', () => {
    const input = bytes(ESC, 'L', ESC, 'W', 24, 0, 0, 0, 0, 1, 0, 1, 'one', LF, ESC, 0x0c, 'two', LF, ESC, 0x0c, 0x0c, 'standard', LF);
    const docs = decode(input);
    expect(docs[0]!.blocks).toEqual([
      line([span('one', 24)]),
      line([span('one', 24)]),
      line([span('two', 24)]),
      line([span('one', 24)]),
      line([span('two', 24)]),
      line([span('standard', 0)]),
    ]);
    const whole = toJson(docs);
    for (let at = 0; at <= input.length; at++) expect(toJson(decodeSplit(input, [at])), `split at ${at}`).toBe(whole);
  });

  it('FF prints the page, erases it and gives the whole paper back to the next page', () => {
    const input = bytes(ESC, 'L', ESC, 'W', 24, 0, 0, 0, 0, 1, 0, 1, 'one', LF, 0x0c, ESC, 'L', 'two', LF, 0x0c);
    expect(decode(input)[0]!.blocks).toEqual([line([span('one', 24)]), line([span('two', 0)])]);
  });

  it('a kept page printed over and over puts at most maxBlocks blocks in the output, with one issue', () => {
    const again = Array.from({ length: 40 }, () => [ESC, 0x0c]).flat();
    const docs = decode(bytes(ESC, 'L', 'x', LF, ...again, 0x0c), { maxBlocks: 16 });
    // 16 kept prints, the 24 after them left out, then FF prints (and erases) the page once more.
    expect(printedLines(docs)).toEqual(Array.from({ length: 17 }, () => 'x'));
    expect(issueMessages(docs).filter((m) => m.includes('kept page'))).toEqual([
      'a kept page printed again past 16 blocks; further copies left out',
    ]);
  });

  it('moves down relatively with GS \\ and deletes the page with CAN', () => {
    const input = bytes(ESC, 'L', 'gone', 0x18, GS, '$', 50, 0, 'b', GS, '\\', 0xf6, 0xff, 'a', 0x0c);
    // 'a' is 10 dots above 'b', so it comes first; x carries on from where 'b' ended.
    expect(decode(input)[0]!.blocks).toEqual([line([span('a', 12)]), line([span('b', 0)])]);
  });

  it('discards the page on ESC S with an issue, and prints a page left open at end of stream', () => {
    const discarded = decode(bytes(ESC, 'L', 'lost', LF, ESC, 'S', 'kept', LF));
    expect(discarded[0]!.blocks).toEqual([line([span('kept', 0)])]);
    expect(discarded[0]!.issues).toEqual([{ offset: 7, message: 'ESC S discarded a page of 1 unprinted lines' }]);
    const open = decode(bytes(ESC, 'L', 'open'));
    expect(open[0]!.blocks).toEqual([line([span('open', 0)])]);
    expect(open[0]!.issues).toEqual([{ offset: 6, message: 'page mode data never printed (no FF); emitted at end of stream' }]);
  });
});
