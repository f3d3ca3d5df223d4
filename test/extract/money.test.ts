import { describe, expect, it } from 'vitest';
import { parseAmount, parseDecimal, parseRate, parseUnitPrice } from '../../agent/extract/money.js';

describe('parseAmount', () => {
  it.each([
    ['6.40', 640, null, null],
    ['£6.40', 640, 'GBP', null],
    ['£ 6.40', 640, 'GBP', null],
    ['6,40 A', 640, null, 'A'],
    ['1.75 Z', 175, null, 'Z'],
    ['€12,50', 1250, 'EUR', null],
    ['12,50 €', 1250, 'EUR', null],
    ['EUR 65,30', 6530, 'EUR', null],
    ['1,234.56', 123456, null, null],
    ['1.234,56', 123456, null, null],
    ['-1.00', -100, null, null],
    ['1.00-', -100, null, null],
    ['(2.50)', -250, null, null],
    ['£-89.00', -8900, 'GBP', null],
    ['-£0.50', -50, 'GBP', null],
    ['0.00', 0, null, null],
    // A '€' printed in a code page the decoder could not map (escpos-buffer's I9 and POS-80 models).
    ['11,60 ╒', 1160, null, null],
    ['20,90 ?', 2090, null, null],
    // PC858's '€' (0xD5) read in PC850, where 0xD5 is a dotless 'ı' (a Citizen's ESC t 2 is PC858, Epson's PC850).
    ['7,35 ı', 735, null, null],
    // The rate a fiscal till prints after each line's price (an Italian documento commerciale: "1,50 22%").
    ['1,50 22%', 150, null, '22%'],
    ['3,20 5,5%', 320, null, '5,5%'],
    // A rate printed without its sign ("4,20 10", an Italian cash register's VAT column) and a numbered tax class
    // ("7,45 T2", "2,99 B1"): the code after the price, not a second number.
    ['4,20 10', 420, null, '10'],
    ['7,45 T2', 745, null, 'T2'],
    ['2,99 B1', 299, null, 'B1'],
  ])('%s → %i', (text, minor, currency, taxCode) => {
    expect(parseAmount(text)).toEqual({ minor, decimals: 2, currency, taxCode });
  });

  // An article number of dotted groups ("204.112.87"): one sign cannot group thousands and mark decimals.
  it.each(['12', 'Latte', '20.0%', '1.459', '12/03/2025', '14:32', '', '(2.50', 'A 1.00 B C', '0113 496 0123', '310.552.04', '1,234,56'])('rejects %s', (text) => {
    expect(parseAmount(text)).toBeNull();
  });
});

describe('quantities, unit prices and rates', () => {
  it('keeps quantities exact as decimals', () => {
    expect(parseDecimal('0.452')).toEqual({ value: 0.452, text: '0.452' });
    expect(parseDecimal('32,15')).toEqual({ value: 32.15, text: '32.15' });
    expect(parseDecimal('x')).toBeNull();
  });
  it('gives minor units only when a unit price is a whole number of them', () => {
    expect(parseUnitPrice('£2.20')).toEqual({ minor: 220, text: '2.20' });
    expect(parseUnitPrice('3,80')).toEqual({ minor: 380, text: '3.80' });
    expect(parseUnitPrice('1.459')).toEqual({ minor: null, text: '1.459' });
    expect(parseUnitPrice('1.450')).toEqual({ minor: 145, text: '1.450' });
  });
  it('reads rates with point or comma', () => {
    expect(parseRate('VAT 20%')).toBe(20);
    expect(parseRate('5,5%')).toBe(5.5);
    expect(parseRate('20.00 %')).toBe(20);
    expect(parseRate('no rate')).toBeNull();
    // US sales tax with three decimals is one rate, not the tail of one.
    expect(parseRate('TAX 8.875%')).toBe(8.875);
  });
});
