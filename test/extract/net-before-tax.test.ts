// The net and its tax printed between gross-priced lines and their total, on examples of our own (the seventeenth
// batch's workshops and appliance shops print "Netto" / "zzgl. 19 % MwSt", "Base imponible" / "IVA 21%", "Total HT" /
// "TVA 20 %" over a total that their lines already make): the net is the tax's base, not a line sold.
import type { Block } from '../../agent/decode/document.js';
import { describe, expect, it } from 'vitest';
import { extractBasket } from '../../agent/extract/index.js';
import { doc, line, lr, rule } from './documents.js';

const head: Block[] = [line([0, 'WERKSTATT']), line([0, 'Rechnung 4471']), line([0, '21/06/2026 11:20']), rule()];
const extract = (...blocks: Block[]) => extractBasket(doc(...head, ...blocks), { id: 't', currency: 'EUR' })!;
const lines = (b: ReturnType<typeof extract>) => b.items.map((i) => [i.description, i.quantity, i.amount]);

describe('the net and its tax between the lines and the total', () => {
  it('reads a net line over its tax as the tax base when the gross-priced lines make the total', () => {
    const b = extract(
      lr('Inspektion', '238,00'),
      lr('Ölfilter', '23,80'),
      rule(),
      lr('Netto', '220,00'),
      lr('zzgl. 19 % MwSt', '41,80'),
      lr('Rechnungsbetrag', '261,80'),
      lr('EC-Karte', '261,80'),
    );
    expect(lines(b)).toEqual([
      ['Inspektion', 1, 23800],
      ['Ölfilter', 1, 2380],
    ]);
    expect(b.taxes.map((t) => [t.rate, t.tax])).toEqual([[19, 4180]]);
    expect(b.total).toBe(26180);
  });
  it('still adds a tax to net-priced lines under their subtotal', () => {
    const b = extract(lr('Labor', '100.00'), lr('Parts', '50.00'), rule(), lr('Net', '150.00'), lr('Sales tax 8%', '12.00'), lr('TOTAL', '162.00'), lr('VISA', '162.00'));
    expect(lines(b)).toEqual([
      ['Labor', 1, 10000],
      ['Parts', 1, 5000],
    ]);
    expect(b.total).toBe(16200);
  });
});
