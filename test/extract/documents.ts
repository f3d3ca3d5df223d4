// Hand-made printed documents for extraction tests: lines of cells at character columns on a 48-column,
// 12-dot grid, as the decoder would hand them over, plus barcode and QR blocks.
import type { Block, PrintedDocument, Span, TextLine, TextStyle } from '../../agent/decode/document.js';

export const STYLE: TextStyle = { bold: false, underline: 0, width: 1, height: 1, invert: false, font: 'A', upsideDown: false, rotated: false };

/** A line from cells at character columns: `line([0, 'Latte'], [44, '3.20'])`. */
export function line(...cells: [number, string][]): TextLine {
  const spans: Span[] = cells.map(([column, text]) => ({ text, x: column * 12, width: text.length * 12, column, style: STYLE }));
  return { kind: 'text', spans, align: 'left' };
}

/** Left text and a right-aligned amount on one 48-column line. */
export const lr = (left: string, right: string): TextLine => line([0, left], [48 - right.length, right]);
export const rule = (): TextLine => line([0, '-'.repeat(48)]);

export function doc(...blocks: Block[]): PrintedDocument {
  return { start: 0, end: 0, paperWidth: 576, gridDots: 12, columns: 48, blocks, issues: [] };
}

export const code128 = (data: string): Block => ({ kind: 'barcode', symbology: 'CODE128', data, hri: 'below', height: 72, moduleWidth: 2, align: 'center' });
export const qr = (data: string): Block => ({ kind: '2d', symbology: 'QR', data, settings: {}, align: 'center' });
