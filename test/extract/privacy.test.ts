import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gtinValid, isbn13Valid } from '../../agent/extract/gtin.js';
import { luhnValid, maskIdentifier, maskPans, maskPansInBytes, normaliseMaskedPan } from '../../agent/extract/privacy.js';

describe('maskPans', () => {
  it('masks full card numbers to the last four, keeping the layout', () => {
    expect(maskPans('Card 4111111111111111 ok')).toBe('Card ************1111 ok');
    expect(maskPans('4111 1111 1111 1111')).toBe('**** **** **** 1111');
    expect(maskPans('5454-5454-5454-5454')).toBe('****-****-****-5454');
    expect(maskPans('amex 378282246310005.')).toBe('amex ***********0005.');
    expect(maskPans('6011000990139424')).toBe('************9424');
  });
  it('leaves numbers that are not card numbers alone', () => {
    expect(maskPans('4111111111111112')).toBe('4111111111111112'); // fails Luhn
    expect(maskPans('Receipt 0421-3345')).toBe('Receipt 0421-3345');
    expect(maskPans('Tel: 0113 496 0123')).toBe('Tel: 0113 496 0123');
    expect(maskPans('************1111')).toBe('************1111');
    expect(maskPans('411111111111')).toBe('411111111111'); // 12 digits
    expect(maskPans('41111111111111111111')).toBe('41111111111111111111'); // 20 digits
  });
  it('masks a Luhn-valid 13-digit EAN too (privacy wins)', () => {
    expect(luhnValid('5006381330069')).toBe(true);
    expect(maskPans('EAN 5006381330069')).toBe('EAN *********0069');
    // In an item line too: a German EAN's 4xx prefix is Visa's.
    expect(gtinValid('4006381000093') && luhnValid('4006381000093')).toBe(true);
    expect(maskPans('4006381000093 Kabel 2m')).toBe('*********0093 Kabel 2m');
  });
  it('leaves an ISBN-13 printed whole in clear, also when it passes Luhn, and nothing else shaped like one', () => {
    expect(isbn13Valid('9780140000009') && luhnValid('9780140000009')).toBe(true);
    expect(maskPans('9780140000009 The Odyssey')).toBe('9780140000009 The Odyssey');
    expect(maskPansInBytes(Buffer.from('9780140000009  The Odyssey'))).toEqual(Buffer.from('9780140000009  The Odyssey'));
    // Failing its own check digit, it is no ISBN: masked.
    expect(luhnValid('9790000000007') && !isbn13Valid('9790000000007')).toBe(true);
    expect(maskPans('9790000000007')).toBe('*********0007');
    // Grouped, or inside a longer run that passes Luhn, it is card-shaped: masked.
    expect(maskPans('978 0140 0000 09')).toBe('*** **** **00 09');
    expect(luhnValid('199780140000009')).toBe(true);
    expect(maskPans('19 9780140000009 x')).toBe('** *********0009 x');
  });
  it('finds a card number that follows other digits in the same run', () => {
    expect(maskPans('1 4111 1111 1111 1111')).toBe('1 **** **** **** 1111');
    expect(maskPans('Qty 2 4111-1111-1111-1111 x')).toBe('Qty 2 ****-****-****-1111 x');
  });
  it('shows at most four digits of any card number printed, wherever it is printed', () => {
    const piece = fc.oneof(fc.constantFrom(' ', '-', 'x', ' 4111 1111 1111 1111', '4539148803436467'), fc.integer({ min: 0, max: 9999 }).map(String));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const input = pieces.join('');
        const output = maskPans(input);
        expect(output.length).toBe(input.length);
        // Oracle on the input: every span of whole digit groups with 13-19 digits passing Luhn.
        for (const run of input.matchAll(/(?<!\d)\d+(?:[ -]\d+)*/g)) {
          const groups: { at: number; text: string }[] = [];
          for (const g of run[0].matchAll(/\d+/g)) groups.push({ at: run.index + g.index, text: g[0] });
          for (let a = 0; a < groups.length; a++) {
            let digits = '';
            for (let b = a; b < groups.length; b++) {
              digits += groups[b]!.text;
              if (digits.length > 19) break;
              if (digits.length < 13 || !luhnValid(digits)) continue;
              // An ISBN-13 printed as one group is left in clear (privacy.ts says why).
              if (a === b && isbn13Valid(digits)) continue;
              const from = groups[a]!.at;
              const to = groups[b]!.at + groups[b]!.text.length;
              const shown = output.slice(from, to).replace(/\D/g, '');
              expect(shown.length, `${input} → ${output}`).toBeLessThanOrEqual(4);
            }
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('identifiers', () => {
  it('masks member ids to the last four whatever their length', () => {
    expect(maskIdentifier('9826 3000 1234 56')).toBe('**********3456');
    expect(maskIdentifier('1234')).toBe('****');
  });
  it('normalises printed masked PANs', () => {
    expect(normaliseMaskedPan('XXXX XXXX XXXX 9021')).toBe('************9021');
    expect(normaliseMaskedPan('############4321')).toBe('************4321');
    expect(normaliseMaskedPan('492912******1234')).toBe('************1234');
    expect(normaliseMaskedPan('12345678')).toBeNull();
  });
});
