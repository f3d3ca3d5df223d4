// How a workshop's or a trade counter's invoice prints its lines, on examples of our own (the seventeenth batch
// showed them misread): labour in hours or Arbeitswerte and parts in pieces or litres in a quantity column after the
// name, a position number before it, the rate under the line ("je 16,90", "Stundensatz 118,00", "precio/hora 45,00",
// "1 AW = 6 Min. à 9,80"), section headings over the lines ("MANO DE OBRA", "PIÈCES ET FOURNITURES", "Material:"),
// and a part of the amount stated under the article ("dont éco-participation", "di cui RAEE").
import { describe, expect, it } from 'vitest';
import type { Block } from '../../agent/decode/document.js';
import { extractBasket } from '../../agent/extract/index.js';
import { sectionHeading } from '../../agent/extract/sections.js';
import { doc, line, lr, rule } from './documents.js';

const head: Block[] = [line([0, 'WERKSTATT']), line([0, 'Rechnung 4471']), line([0, '21/06/2026 11:20']), rule()];
const extract = (...blocks: Block[]) => extractBasket(doc(...head, ...blocks), { id: 't', currency: 'EUR' })!;
const lines = (b: ReturnType<typeof extract>) => b.items.map((i) => [i.description, i.quantity, i.amount]);
const priced = (b: ReturnType<typeof extract>) => b.items.map((i) => i.modifiers.filter((m) => m.amount !== null).length);

describe('a quantity column with its unit after the name', () => {
  it('reads hours, Arbeitswerte, pieces and litres at a rate as the quantity, and a position number as no count', () => {
    const b = extract(
      lr('100  Zahnriemen wechseln  2,5 Std.', '250,00'),
      lr('110  Achsvermessung  6 AW', '57,00'),
      lr('200  Keilrippenriemen  1 St', '34,50'),
      lr('210  Kühlmittel G13  3,5 l', '24,50'),
      line([6, 'je'], [42, '7,00']),
      lr('220  Scheibenklar  1 l', '4,90'),
      rule(),
      lr('SUMME', '370,90'),
      lr('BAR', '370,90'),
    );
    expect(lines(b)).toEqual([
      ['Zahnriemen wechseln', 2.5, 25000],
      ['Achsvermessung', 6, 5700],
      ['Keilrippenriemen', 1, 3450],
      ['Kühlmittel G13', 3.5, 2450],
      // A measure no rate prices is the article's size.
      ['Scheibenklar  1 l', 1, 490],
    ]);
  });
  it('reads hours with a rate column when the hours at that rate are the amount', () => {
    const b = extract(lr('Réglage parallélisme  0,7 h  64,00', '44,80'), lr('Valve  4  2,50', '10,00'), rule(), lr('TOTAL', '54,80'), lr('CB', '54,80'));
    expect(lines(b)).toEqual([
      ['Réglage parallélisme', 0.7, 4480],
      ['Valve', 4, 1000],
    ]);
    expect(b.items[0]!.unitPrice).toBe(6400);
  });
});

describe('a rate under the line', () => {
  it('reads "je", "Stundensatz", "precio/hora", "cad." and a rate definition as the unit price, not an add-on', () => {
    const b = extract(
      lr('Montage Winterreifen  1,5 Std.', '97,50'),
      line([6, 'Stundensatz'], [40, '65,00']),
      lr('Radschraube  8 St', '12,00'),
      line([6, 'je'], [42, '1,50']),
      lr('Diagnose  3 AW', '28,50'),
      line([6, '1 AW = 6 Min. à'], [42, '9,50']),
      lr('Revisión bomba  1,00 h', '48,00'),
      line([6, 'precio/hora'], [41, '48,00']),
      rule(),
      lr('SUMME', '186,00'),
      lr('EC-Karte', '186,00'),
    );
    expect(lines(b)).toEqual([
      ['Montage Winterreifen', 1.5, 9750],
      ['Radschraube', 8, 1200],
      ['Diagnose', 3, 2850],
      ['Revisión bomba', 1, 4800],
    ]);
    expect(priced(b)).toEqual([0, 0, 0, 0]);
    expect(b.items.map((i) => i.unitPrice)).toEqual([6500, 150, 950, 4800]);
  });
  it('keeps a priced add-on under a line when it is no rate of it', () => {
    const b = extract(lr('Montage  1 Std.', '60,00'), line([6, 'Auswuchten'], [42, '8,00']), rule(), lr('SUMME', '68,00'), lr('BAR', '68,00'));
    expect(b.items[0]!.modifiers).toEqual([{ description: 'Auswuchten', amount: 800 }]);
  });
});

describe('section headings of a workshop invoice', () => {
  it('tells a labour, parts or sundries heading from a name', () => {
    expect(sectionHeading('MANO DE OBRA')).toBe(true);
    expect(sectionHeading("MAIN D'OEUVRE (taux horaire 70,00)")).toBe(true);
    expect(sectionHeading('PIÈCES ET FOURNITURES')).toBe(true);
    expect(sectionHeading('Material:')).toBe(true);
    expect(sectionHeading('RICAMBI')).toBe(true);
    expect(sectionHeading('Material Schrauben')).toBe(false);
    expect(sectionHeading('Parts cleaner')).toBe(false);
    expect(sectionHeading('BREAD WHITE')).toBe(false);
  });
  it('joins no heading to the name under it or over it', () => {
    const b = extract(
      line([0, 'MANODOPERA']),
      lr('Sostituzione pastiglie  1,2 h', '54,00'),
      line([0, 'RICAMBI']),
      lr('Pastiglie freno ant.  1', '38,00'),
      rule(),
      lr('TOTALE', '92,00'),
      lr('CONTANTI', '92,00'),
    );
    expect(lines(b)).toEqual([
      ['Sostituzione pastiglie', 1.2, 5400],
      ['Pastiglie freno ant.', 1, 3800],
    ]);
  });
});

describe('a part of the amount stated under the article', () => {
  it('reads "dont", "di cui" and "davon" lines as the article’s detail, not as lines to add', () => {
    const b = extract(
      lr('SECHE-LINGE MIELE T1', '799,00'),
      lr('dont éco-participation DEEE :', '8,00 €'),
      lr('Lavastoviglie Candy', '399,00'),
      lr('di cui contributo RAEE', '9,00'),
      rule(),
      lr('TOTAL TTC', '1198,00'),
      lr('CB', '1198,00'),
    );
    expect(lines(b)).toEqual([
      ['SECHE-LINGE MIELE T1', 1, 79900],
      ['Lavastoviglie Candy', 1, 39900],
    ]);
    expect(b.items[0]!.modifiers.map((m) => m.amount)).toEqual([null]);
  });
});

describe('doubts a workshop reading cannot settle', () => {
  it('doubts words in capitals joined to a name in mixed case, over it or under it', () => {
    const over = extract(lr('Diagnostic', '45,00'), line([0, 'SERVICE ET ENTRETIEN']), lr('Vidange moteur', '89,00'), rule(), lr('TOTAL', '134,00'), lr('CB', '134,00'));
    // Joined to the name above here (the line under an item may end its name): either way a guess.
    expect(over.items.map((i) => i.description)).toEqual(['Diagnostic SERVICE ET ENTRETIEN', 'Vidange moteur']);
    expect(over.confidence).toBeLessThan(0.9);
    const under = extract(lr('Diagnostic', '45,00'), rule(), line([0, 'SERVICE ET ENTRETIEN']), lr('Vidange moteur', '89,00'), rule(), lr('TOTAL', '134,00'), lr('CB', '134,00'));
    expect(under.items.map((i) => i.description)).toEqual(['Diagnostic', 'SERVICE ET ENTRETIEN Vidange moteur']);
    expect(under.confidence).toBeLessThan(0.9);
  });
  it('doubts a number before the name that no other line’s number follows in order', () => {
    const one = extract(lr('30  Ölfilter  1 St', '18,90'), rule(), lr('SUMME', '18,90'), lr('BAR', '18,90'));
    expect(lines(one)).toEqual([['Ölfilter', 1, 1890]]);
    expect(one.confidence).toBeLessThan(0.9);
    const run = extract(lr('10  Ölfilter  1 St', '18,90'), lr('20  Dichtring  1 St', '2,50'), rule(), lr('SUMME', '21,40'), lr('BAR', '21,40'));
    expect(lines(run)).toEqual([
      ['Ölfilter', 1, 1890],
      ['Dichtring', 1, 250],
    ]);
    expect(run.confidence).toBeGreaterThanOrEqual(0.9);
  });
  it('doubts hours or a measure with no rate to check them', () => {
    const b = extract(lr('Parkplatz  2 h', '6,00'), lr('Farbe weiß  2,5 l', '24,90'), rule(), lr('SUMME', '30,90'), lr('BAR', '30,90'));
    expect(b.confidence).toBeLessThan(0.9);
  });
});
