// Page mode: content is collected and emitted on FF / ESC FF as lines in vertical order.
import { describe, expect, it } from 'vitest';
import { decode } from '../../agent/decode/index.js';
import { ESC, GS, LF, bytes, line, span } from './helpers.js';

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
    const input = bytes(ESC, 'L', ESC, 'W', 24, 0, 0, 0, 0, 1, 0, 1, 'one', LF, 'two', LF, ESC, 0x0c, 'three', LF, 0x0c);
    expect(decode(input)[0]!.blocks).toEqual([
      line([span('one', 24)]),
      line([span('two', 24)]),
      line([span('three', 24)]),
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
