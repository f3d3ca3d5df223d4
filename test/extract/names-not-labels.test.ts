// Item lines the seventeenth batch read wrong (issue 10): a word of an article's name one letter from a label word
// ("Probe Chanel Chance 1,5ml": "chance" is no "change"), an EAN line under an article taken for a wrapped name
// (which left the receipt's wrapping unsettled), and a size before the name read as its count ("15 GAL LIVE OAK").
import { describe, expect, it } from 'vitest';
import type { Block } from '../../agent/decode/document.js';
import { compileVocabulary, evidenceOf } from '../../agent/extract/evidence.js';
import { extractBasket } from '../../agent/extract/index.js';
import { doc, line, lr, rule } from './documents.js';

const head: Block[] = [line([0, 'SHOP']), line([0, 'Receipt 3001']), line([0, '25/06/2025 18:00']), rule()];
const extract = (currency: string, ...blocks: Block[]) => extractBasket(doc(...head, ...blocks), { id: 't', currency })!;
const lines = (b: ReturnType<typeof extract>) => b.items.map((i) => [i.description, i.quantity, i.amount]);

describe('a name word one letter from a label word', () => {
  it('reads a free sample named "Chance" as an item, not a change line', () => {
    const b = extract('EUR', lr('Eau de Parfum 50ml', '89,00'), lr('Probe Chanel Chance 1,5ml', '0,00'), rule(), lr('SUMME', '89,00'), lr('BAR', '89,00'));
    expect(lines(b)).toEqual([
      ['Eau de Parfum 50ml', 1, 8900],
      ['Probe Chanel Chance 1,5ml', 1, 0],
    ]);
    expect(b.confidence).toBe(1);
  });
  it('still reads a misprinted word in a short label', () => {
    const vocab = compileVocabulary();
    expect(evidenceOf('Wechselgld', vocab).change).toBeGreaterThanOrEqual(0.8);
    expect(evidenceOf('Probe Chanel Chance 1,5ml', vocab).change).toBe(0);
  });
});

describe('an EAN line under an article', () => {
  it('is the article\'s code, no wrapped name that leaves the wrapping unsettled', () => {
    const b = extract(
      'EUR',
      lr('Chanel Coco EdP 50ml', '129,00'),
      line([0, 'EAN 3145891164602']),
      lr('Probe Dior Homme 1ml', '0,00'),
      rule(),
      lr('Zwischensumme', '129,00'),
      line([0, 'Kundenkarte 4000 1822 5571']),
      lr('Kundenkarten-Rabatt 10 %', '-12,90'),
      rule(),
      lr('SUMME', '116,10'),
      lr('girocard', '116,10'),
    );
    expect(b.items[0]!.ean).toBe('3145891164602');
    expect(b.items).toHaveLength(2);
    expect(b.confidence).toBe(1);
  });
});

describe('a size before the name', () => {
  it('keeps "15 GAL" and "1 GAL" in the name, the count printed under it', () => {
    const b = extract('USD', lr('1 GAL LANTANA NEW GOLD', '26.97'), line([0, '3 EA @ 8.99']), lr('15 GAL LIVE OAK', '189.99'), rule(), lr('TOTAL', '216.96'), lr('CASH', '216.96'));
    expect(lines(b)).toEqual([
      ['1 GAL LANTANA NEW GOLD', 3, 2697],
      ['15 GAL LIVE OAK', 1, 18999],
    ]);
  });
  it('still reads a bare count before a name', () => {
    const b = extract('EUR', lr('2 Croissants', '3,00'), rule(), lr('SUMME', '3,00'), lr('BAR', '3,00'));
    expect(lines(b)).toEqual([['Croissants', 2, 300]]);
  });
});

describe('a weight in kilograms at a price per 100 g', () => {
  it('reads "0,238 kg x 2,49 €/100g" under the name as the weighed count', () => {
    const b = extract('EUR', lr('Oliven Kalamata', '5,93'), line([3, '0,238 kg x 2,49 €/100g']), lr('Tee lose', '9,75'), line([3, '250 g x 3,90/100g']), rule(), lr('SUMME', '15,68'), lr('BAR', '15,68'));
    expect(lines(b)).toEqual([
      ['Oliven Kalamata', 0.238, 593],
      ['Tee lose', 250, 975],
    ]);
  });
});
