// Cuts (document boundaries), drawer pulses, status requests, buzzer and initialize.
import { describe, expect, it } from 'vitest';
import { decode } from '../../agent/decode/index.js';
import { DLE, ESC, GS, LF, bytes, doc, event, line, span } from './helpers.js';

describe('cuts end documents', () => {
  it('splits jobs on GS V with the cut as the last block and byte ranges covering the stream', () => {
    const input = bytes('one', LF, GS, 'V', 0, 'two', LF, GS, 'V', 66, 3, ESC, '@');
    expect(decode(input)).toEqual([
      doc(0, 7, [line([span('one', 0)]), event('cut', 'GS V', { mode: 'full' })]),
      doc(7, 15, [line([span('two', 0)]), event('cut', 'GS V', { mode: 'partial', feed: 3, function: 'B' })]),
      // A trailing job with only non-printing events is still returned.
      doc(15, 17, [event('initialize', 'ESC @')]),
    ]);
  });

  it('decodes every GS V function with its parameter length', () => {
    const cases: [number[], Record<string, string | number>][] = [
      [[0], { mode: 'full' }],
      [[1], { mode: 'partial' }],
      [[48], { mode: 'full' }],
      [[49], { mode: 'partial' }],
      [[65, 5], { mode: 'full', feed: 5, function: 'B' }],
      [[66, 0], { mode: 'partial', feed: 0, function: 'B' }],
      [[97, 7], { mode: 'full', feed: 7, function: 'C' }],
      [[98, 7], { mode: 'partial', feed: 7, function: 'C' }],
      [[103, 2], { mode: 'full', feed: 2, function: 'D' }],
      [[104, 2], { mode: 'partial', feed: 2, function: 'D' }],
    ];
    for (const [params, detail] of cases) {
      const input = bytes(GS, 'V', params, 'x', LF);
      const cutEnd = 2 + params.length;
      expect(decode(input)).toEqual([
        doc(0, cutEnd, [event('cut', 'GS V', detail)]),
        doc(cutEnd, cutEnd + 2, [line([span('x', 0)])]),
      ]);
    }
  });

  it('treats ESC i and ESC m as partial cuts and prints an unfinished line before a cut', () => {
    expect(decode(bytes('a', ESC, 'i', 'b', ESC, 'm'))).toEqual([
      doc(0, 3, [line([span('a', 0)]), event('cut', 'ESC i', { mode: 'partial' })]),
      doc(3, 6, [line([span('b', 0)]), event('cut', 'ESC m', { mode: 'partial' })]),
    ]);
  });

  it('notes an unknown GS V function and goes on', () => {
    expect(decode(bytes(GS, 'V', 7, 'ok', LF))).toEqual([
      doc(0, 6, [line([span('ok', 0)])], [{ offset: 0, message: 'GS V with unknown function 7 skipped' }]),
    ]);
  });
});

describe('drawer, buzzer and status events', () => {
  it('decodes ESC p and DLE DC4 1 drawer pulses', () => {
    expect(decode(bytes(ESC, 'p', 0, 25, 250, ESC, 'p', '1', 50, 50, DLE, 0x14, 1, 1, 5))[0]!.blocks).toEqual([
      event('drawer-pulse', 'ESC p', { pin: 2, onMs: 50, offMs: 500 }),
      event('drawer-pulse', 'ESC p', { pin: 5, onMs: 100, offMs: 100 }),
      event('drawer-pulse', 'DLE DC4', { pin: 5, onMs: 500 }),
    ]);
  });

  it('decodes buzzer commands: ESC ( A, DLE DC4 3 and ESC B', () => {
    const input = bytes(ESC, '(', 'A', 4, 0, 48, 51, 3, 10, DLE, 0x14, 3, 1, 2, 3, 4, 5, ESC, 'B', 3, 2, 'ok', LF);
    expect(decode(input)[0]!.blocks).toEqual([
      event('buzzer', 'ESC ( A'),
      event('buzzer', 'DLE DC4', { pattern: 1, times: 2 }),
      event('buzzer', 'ESC B', { times: 3, duration: 2 }),
      line([span('ok', 0)]),
    ]);
  });

  it('decodes status requests with their exact lengths', () => {
    const input = bytes(
      DLE, 0x04, 1,
      DLE, 0x04, 7, 1,
      DLE, 0x05, 2,
      DLE, 0x14, 7, 1,
      GS, 'a', 0xff,
      GS, 'I', 1,
      GS, 'r', 1,
      GS, '(', 'H', 6, 0, 48, 48, 1, 2, 3, 4,
      GS, 'g', '2', 0, 20, 0,
      GS, 'g', '0', 0, 20, 0,
      ESC, 'u', 0,
      ESC, 'v',
      'ok', LF,
    );
    expect(decode(input)).toEqual([
      doc(0, input.length, [
        event('status-request', 'DLE EOT', { n: 1 }),
        event('status-request', 'DLE EOT', { n: 7, a: 1 }),
        event('status-request', 'DLE ENQ', { n: 2 }),
        event('status-request', 'DLE DC4', { function: 7, n: 1 }),
        event('status-request', 'GS a', { n: 255 }),
        event('status-request', 'GS I', { n: 1 }),
        event('status-request', 'GS r', { n: 1 }),
        event('status-request', 'GS ( H'),
        event('status-request', 'GS g 2', { counter: 20 }),
        event('status-request', 'ESC u', { n: 0 }),
        event('status-request', 'ESC v'),
        line([span('ok', 0)]),
      ]),
    ]);
  });

  it('skips DLE DC4 power-off and clear-buffer functions by length', () => {
    const input = bytes(DLE, 0x14, 2, 1, 8, DLE, 0x14, 8, 1, 3, 20, 1, 6, 2, 8, 'ok', LF);
    expect(decode(input)).toEqual([doc(0, input.length, [line([span('ok', 0)])])]);
  });

  it('ESC @ prints the unfinished line, then initializes', () => {
    expect(decode(bytes('abc', ESC, '@'))[0]!.blocks).toEqual([line([span('abc', 0)]), event('initialize', 'ESC @')]);
  });
});
