// Star's code-page table and the Star models that speak ESC/POS: what the published profiles say each number
// selects, decoded through the model's name.
import { describe, expect, it } from 'vitest';
import { decode } from '../../agent/decode/index.js';
import { PRINTER_MODELS } from '../../agent/decode/models.js';
import { bytes, ESC, GS, LF, printedLines as lines } from './helpers.js';


describe("Star's code-page table", () => {
  it('ESC GS t 3 is PC437 (escpos-printer-db Star profiles), not the Epson fallback PC860', () => {
    // 0x84 is ä in PC437 and ã in PC860.
    expect(lines(decode(bytes(ESC, GS, 't', 3, 0x84, LF), { dialect: 'star-line' }))).toEqual(['ä']);
  });

  it.each([
    [1, 0x84, 'ä'],
    [4, 0xd5, '€'],
    [5, 0xa5, 'ą'],
    [10, 0x80, 'А'],
    [32, 0x80, '€'],
    [33, 0x9a, 'š'],
    [34, 0xc0, 'А'],
  ])('ESC GS t %i selects the page escpos-printer-db lists (byte 0x%s)', (n, byte, text) => {
    expect(lines(decode(bytes(ESC, GS, 't', n, byte, LF), { dialect: 'star-prnt' }))).toEqual([text]);
  });
});

describe('Star printers in ESC/POS emulation', () => {
  it.each([
    ['star-tsp650ii-escpos', 576],
    ['star-tsp700ii-escpos', 576],
    ['star-tsp800ii-escpos', 828],
  ] as const)('%s decodes ESC/POS at its width with Epson page numbers', (model, width) => {
    expect(PRINTER_MODELS[model]).toMatchObject({ dialect: 'escpos', paperWidth: width });
    const docs = decode(bytes(ESC, 't', 16, 0x80, '5', LF, GS, 'V', 0), { model });
    expect(docs[0]!.dialect).toEqual({ name: 'escpos', from: 'setup' });
    expect(docs[0]!.paperWidth).toBe(width);
    expect(lines(docs)).toEqual(['€5']);
    expect(docs[0]!.blocks.at(-1)).toMatchObject({ kind: 'event', event: 'cut', command: 'GS V' });
  });
});
