// Non-Epson additions that compatible printers use, recognised only where Epson leaves a code undefined.
import { describe, expect, it } from 'vitest';
import { Decoder, decode } from '../../agent/decode/index.js';
import { ESC, GS, LF, bytes, event, line, span } from './helpers.js';

describe('dialects', () => {
  it("reads ESC GS t n, which Star printers in ESC/POS mode take in Star's numbering, as a code page, not as text", () => {
    const text = (docs: ReturnType<typeof decode>): string[] => docs[0]!.blocks.flatMap((b) => (b.kind === 'text' ? [b.spans.map((s) => s.text).join('')] : []));
    // Star's page 32 is Windows-1252 (the euro at 0x80); Epson's ESC t 32 would be another page.
    for (const options of [{}, { model: 'star-tsp650ii-escpos' as const }]) {
      // Another ESC GS command stays two unknown bytes, as before.
      const docs = decode(bytes(ESC, '@', ESC, GS, 't', 32, 0x80, '12.50', LF, ESC, GS, 'x', 'ok', LF), options);
      expect(text(docs)).toEqual(['€12.50', 'xok']);
      expect(docs[0]!.issues.map((i) => i.message)).toEqual(['unknown command ESC 0x1D skipped']);
    }
    // Split anywhere inside the command, the same.
    const whole = bytes(ESC, GS, 't', 32, 0x80, LF);
    for (let cut = 1; cut < 4; cut++) {
      const docs: ReturnType<typeof decode> = [];
      const decoder = new Decoder();
      for (const part of [whole.subarray(0, cut), whole.subarray(cut)]) docs.push(...decoder.write(part));
      docs.push(...decoder.end());
      expect(text(docs)).toEqual(['€']);
    }
  });

  it('reads bare ESC E / ESC F emphasis (Bematech, Daruma, Elgin) without eating text', () => {
    expect(decode(bytes(ESC, 'E', 'Bold', ESC, 'F', ' x', LF))[0]!.blocks).toEqual([
      line([span('Bold', 0, { style: { bold: true } }), span('x', 60)]),
    ]);
  });

  it("takes a Daruma's ESC t numbers once the job sends its ESC w, for the page selected before it too", () => {
    const text = (docs: ReturnType<typeof decode>): string[] => docs[0]!.blocks.flatMap((b) => (b.kind === 'text' ? [b.spans.map((s) => s.text).join('')] : []));
    // The seventh batch's Daruma DR700: ESC t 3 is Windows-1252 there ('€' at 0x80, 'ü' at 0xFC), Epson's PC860.
    expect(text(decode(bytes(ESC, 't', 3, ESC, 'w', 0, 'Gr', 0xfc, 'n ', 0x80, LF)))).toEqual(['Grün €']);
    // A numbering set up is kept; a job without Daruma's commands keeps Epson's.
    expect(text(decode(bytes(ESC, 't', 3, ESC, 'w', 0, 0x80, LF), { codePageNumbering: 'elgin' }))).toEqual(['Ç']);
    expect(text(decode(bytes(ESC, 't', 3, 0x80, LF)))).toEqual(['Ç']);
  });
  it('reads Daruma ESC j alignment, ESC w double height and ESC 0x81 QR codes', () => {
    const qr = bytes(4, 'M', 'https://x.io');
    const input = bytes(ESC, 'j', '1', 'Hi', LF, ESC, 'w', 1, 'T', LF, ESC, 'w', 0, ESC, 'j', '0', ESC, 0x81, qr.length, 0, qr, 'ok', LF);
    const docs = decode(input);
    expect(docs[0]!.blocks).toEqual([
      line([span('Hi', 276)], 'center'),
      line([span('T', 282, { style: { height: 2 } })], 'center'),
      { kind: '2d', symbology: 'QR', data: 'https://x.io', settings: {}, align: 'left' },
      line([span('ok', 0)]),
    ]);
    expect(docs[0]!.issues).toEqual([]);
  });

  it('skips Bematech GS 0xF9 and Elgin GS o, and reads Bematech GS k Q QR codes', () => {
    const data = 'https://example.com';
    const input = bytes(GS, 0xf9, '5', '0', GS, 'o', 0, 4, 0, 2, GS, 'k', 'Q', 2, 8, 0, 1, data.length + 3, 0, data, 0, 'ok', LF);
    const docs = decode(input);
    expect(docs[0]!.blocks).toEqual([
      { kind: '2d', symbology: 'QR', data, settings: {}, align: 'left' },
      line([span('ok', 0)]),
    ]);
    expect(docs[0]!.issues).toEqual([]);
  });

  it('reads SO / DC4 one-line double width and BEL as the buzzer', () => {
    expect(decode(bytes(0x0e, 'W', 0x14, 'n', 0x0e, 'a', LF, 'b', LF, 0x07))[0]!.blocks).toEqual([
      line([span('W', 0, { style: { width: 2 } }), span('n', 24), span('a', 36, { style: { width: 2 } })]),
      line([span('b', 0)]),
      event('buzzer', 'BEL'),
    ]);
  });
});

describe('Bematech native command set', () => {
  it('reads ESC v n as a drawer pulse only after GS 0xF9 5 0 selected the native set', () => {
    expect(decode(bytes(GS, 0xf9, '5', '0', ESC, 'v', 'x', GS, 0xf9, '5', '1', ESC, 'v'))[0]!.blocks).toEqual([
      event('drawer-pulse', 'ESC v', { pin: 2, onMs: 120 }),
      event('status-request', 'ESC v'),
    ]);
  });
});
