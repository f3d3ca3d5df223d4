// Barcodes (GS k both forms) and 2D codes (GS ( k) with their settings and data.
import { describe, expect, it } from 'vitest';
import { decode } from '../../agent/decode/index.js';
import type { BarcodeBlock, TwoDCodeBlock } from '../../agent/decode/document.js';
import { ESC, GS, LF, bytes, doc, line, span } from './helpers.js';

function barcode(symbology: BarcodeBlock['symbology'], data: string, over: Partial<BarcodeBlock> = {}): BarcodeBlock {
  return { kind: 'barcode', symbology, data, hri: 'none', height: 162, moduleWidth: 3, align: 'left', ...over };
}

/** GS ( k pL pH cn fn params... */
function gsk(cn: number, fn: number, ...params: (number | string)[]): Uint8Array {
  const body = bytes(cn, fn, ...params);
  return bytes(GS, '(', 'k', body.length & 0xff, body.length >> 8, body);
}

describe('GS k barcodes', () => {
  it('decodes form A (NUL-terminated) with GS h, GS w, GS H settings', () => {
    const input = bytes(GS, 'h', 80, GS, 'w', 2, GS, 'H', 2, GS, 'k', 4, 'ABC', 0, 'after', LF);
    expect(decode(input)).toEqual([
      doc(0, input.length, [
        barcode('CODE39', 'ABC', { hri: 'below', height: 80, moduleWidth: 2 }),
        line([span('after', 0)]),
      ]),
    ]);
  });

  it('maps every form A and form B symbology', () => {
    const formA = ['UPC-A', 'UPC-E', 'EAN13', 'EAN8', 'CODE39', 'ITF', 'CODABAR'] as const;
    formA.forEach((name, m) => {
      expect(decode(bytes(GS, 'k', m, '123', 0))[0]!.blocks).toEqual([barcode(name, '123')]);
    });
    const formB = [
      ...formA,
      'CODE93',
      'CODE128',
      'GS1-128',
      'GS1 DataBar Omnidirectional',
      'GS1 DataBar Truncated',
      'GS1 DataBar Limited',
      'GS1 DataBar Expanded',
      'CODE128 auto',
    ] as const;
    formB.forEach((name, i) => {
      const data = name === 'CODE128' ? '{B12' : '12';
      expect(decode(bytes(GS, 'k', 65 + i, data.length, data))[0]!.blocks).toEqual([barcode(name, '12')]);
    });
  });

  it('removes CODE128 code-set characters and expands code set C pairs', () => {
    const data = bytes('{BNo.{C', 12, 34, 5, '{B{{x');
    const input = bytes(GS, 'H', '3', ESC, 'a', 1, GS, 'k', 73, data.length, data);
    expect(decode(input)[0]!.blocks).toEqual([barcode('CODE128', 'No.123405{x', { hri: 'both', align: 'center' })]);
  });

  it('prints the line in progress before a barcode', () => {
    expect(decode(bytes('Ref', GS, 'k', 67, 12, '012345678901'))[0]!.blocks).toEqual([
      line([span('Ref', 0)]),
      barcode('EAN13', '012345678901'),
    ]);
  });

  it('takes a non-Epson barcode type up to NUL and notes a missing NUL terminator', () => {
    const docs = decode(bytes(GS, 'k', 20, 'x1', 0, 'ok', LF, GS, 'k', 4, 'AB'));
    expect(docs[0]!.blocks).toEqual([barcode('unknown', 'x1'), line([span('ok', 0)]), barcode('CODE39', 'AB')]);
    expect(docs[0]!.issues).toEqual([
      { offset: 0, message: 'GS k with non-Epson barcode type 20: data taken up to NUL' },
      { offset: 9, message: 'GS k barcode data without NUL terminator' },
    ]);
  });
});

describe('GS ( k 2D codes', () => {
  const code = (symbology: TwoDCodeBlock['symbology'], data: string, settings: TwoDCodeBlock['settings'], align: TwoDCodeBlock['align'] = 'left'): TwoDCodeBlock => ({
    kind: '2d',
    symbology,
    data,
    settings,
    align,
  });

  it('decodes a QR code: model, module size, error correction, stored data, print', () => {
    const input = bytes(
      gsk(49, 65, 50, 0),
      gsk(49, 67, 6),
      gsk(49, 69, 49),
      gsk(49, 80, 48, 'https://example.com/r/1'),
      ESC, 'a', 1,
      gsk(49, 81, 48),
      gsk(49, 82, 48),
    );
    const docs = decode(input);
    expect(docs[0]!.blocks).toEqual([
      code('QR', 'https://example.com/r/1', { model: '2', moduleSize: 6, errorCorrection: 'M' }, 'center'),
      { kind: 'event', event: 'status-request', command: 'GS ( k', detail: { symbol: 49, function: 82 } },
    ]);
    expect(docs[0]!.issues).toEqual([]);
  });

  it('decodes UTF-8 data as UTF-8 and other bytes one per character', () => {
    const utf8 = Buffer.from('Café £3', 'utf8');
    expect(decode(bytes(gsk(49, 80, 48, ...utf8), gsk(49, 81, 48)))[0]!.blocks).toEqual([code('QR', 'Café £3', {})]);
    expect(decode(bytes(gsk(49, 80, 48, 0xe9, 0x41), gsk(49, 81, 48)))[0]!.blocks).toEqual([code('QR', 'éA', {})]);
  });

  it('decodes PDF417 settings and data', () => {
    const input = bytes(
      gsk(48, 65, 3),
      gsk(48, 66, 0),
      gsk(48, 67, 2),
      gsk(48, 68, 4),
      gsk(48, 69, 48, 51),
      gsk(48, 70, 1),
      gsk(48, 80, 48, 'PDF data'),
      gsk(48, 81, 48),
    );
    expect(decode(input)[0]!.blocks).toEqual([
      code('PDF417', 'PDF data', { columns: 3, rows: 0, moduleWidth: 2, rowHeight: 4, errorCorrection: 'level 3', options: 1 }),
    ]);
  });

  it('decodes MaxiCode, DataMatrix, Aztec, GS1 DataBar 2D and Composite', () => {
    const input = bytes(
      gsk(50, 65, 50),
      gsk(50, 80, 48, 'maxi'),
      gsk(50, 81, 48),
      gsk(54, 66, 48, 0, 0),
      gsk(54, 67, 4),
      gsk(54, 80, 48, 'matrix'),
      gsk(54, 81, 48),
      gsk(53, 66, 49, 2),
      gsk(53, 67, 5),
      gsk(53, 69, 23),
      gsk(53, 80, 48, 'aztec'),
      gsk(53, 81, 48),
      gsk(51, 67, 2),
      gsk(51, 71, 0),
      gsk(51, 80, 48, '0100012345678905'),
      gsk(51, 81, 48),
      gsk(52, 80, 48, 65, '(01)0001'),
      gsk(52, 81, 48),
    );
    const docs = decode(input);
    expect(docs[0]!.blocks).toEqual([
      code('MaxiCode', 'maxi', { mode: 50 }),
      code('DataMatrix', 'matrix', { type: 'square', columns: 0, rows: 0, moduleSize: 4 }),
      code('Aztec', 'aztec', { mode: 'compact', layers: 2, moduleSize: 5, errorCorrection: 23 }),
      code('GS1 DataBar 2D', '0100012345678905', { moduleWidth: 2, maxWidth: 0 }),
      code('Composite', '(01)0001', {}),
    ]);
    expect(docs[0]!.issues).toEqual([]);
  });

  it('keeps settings per symbology and notes unknown functions and symbols', () => {
    const docs = decode(bytes(gsk(49, 99, 1), gsk(60, 81, 48), 'ok', LF));
    expect(docs[0]!.blocks).toEqual([line([span('ok', 0)])]);
    expect(docs[0]!.issues).toEqual([
      { offset: 0, message: 'unknown GS ( k function 49/99 skipped' },
      { offset: 8, message: 'GS ( k print for unknown symbol type 60' },
    ]);
  });
});
