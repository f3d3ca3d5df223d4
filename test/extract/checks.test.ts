// Checks and confidence on hand-built baskets: what each check compares, and the confidence formula.
import { describe, expect, it } from 'vitest';
import type { Item } from '../../agent/extract/index.js';
import { confidenceOf, ReconciliationTally, reconciled, runChecks } from '../../agent/extract/index.js';
import type { ExtractedBasket } from '../../agent/extract/extractor.js';

function item(amount: number, o: Partial<Item> = {}): Item {
  return { description: 'x', quantity: 1, unit: null, unitPrice: amount, unitPriceText: null, amount, sku: null, ean: null, taxCode: null, modifiers: [], discounts: [], ...o };
}

function sale(o: Partial<ExtractedBasket> = {}): ExtractedBasket {
  return {
    kind: 'sale',
    merchant: { name: null, address: null, vatNumber: null, phone: null },
    storeId: null,
    tillId: null,
    operator: null,
    receiptNumber: null,
    transactionAt: null,
    currency: 'GBP',
    items: [item(500), item(300, { modifiers: [{ description: 'Oat', amount: 40 }, { description: 'No ice', amount: null }], discounts: [{ description: 'Promo', amount: -40 }] })],
    discounts: [],
    subtotal: null,
    total: 800,
    taxes: [],
    tenders: [{ type: 'cash', amount: 1000, scheme: null, maskedPan: null, authCode: null, entryMode: null }],
    change: 200,
    loyalty: null,
    barcodes: [],
    ...o,
  };
}

const byName = (b: ExtractedBasket) => Object.fromEntries(runChecks(b).map((c) => [c.name, c.ok]));

describe('checks', () => {
  it('a consistent sale passes every check that applies', () => {
    expect(byName(sale())).toEqual({ 'total-present': true, 'items-present': true, 'items-total': true, tenders: true });
  });
  it('counts modifiers and item discounts in the items sum', () => {
    expect(byName(sale({ total: 840 }))['items-total']).toBe(false);
  });
  it('accepts a subtotal before or after basket discounts, and the total after them', () => {
    const discounts = [{ description: 'Staff 10%', amount: -80 }];
    expect(byName(sale({ subtotal: 800, discounts, total: 720, change: 280 }))).toMatchObject({ subtotal: true, 'items-total': true, tenders: true });
    expect(byName(sale({ subtotal: 720, discounts, total: 720, change: 280 }))).toMatchObject({ subtotal: true });
    expect(byName(sale({ subtotal: 750, discounts, total: 720, change: 280 }))).toMatchObject({ subtotal: false });
  });
  it('accepts tax added on top of the items (tax-exclusive tills)', () => {
    const taxes = [{ code: null, rate: 10, net: null, tax: 80, gross: null }];
    expect(byName(sale({ total: 880, change: 120, taxes }))).toMatchObject({ 'items-total': true, taxes: true });
  });
  it('tenders less change must equal the total', () => {
    expect(byName(sale({ change: 100 })).tenders).toBe(false);
    expect(byName(sale({ tenders: [] })).tenders).toBe(false);
  });
  it('checks printed unit prices against amounts, fine prices and weights included', () => {
    const fuel = item(4691, { quantity: 32.15, unit: 'L', unitPrice: null, unitPriceText: '1.459' });
    const bananas = item(99, { quantity: 0.452, unit: 'kg', unitPrice: 220, unitPriceText: '2.20' });
    expect(byName(sale({ items: [fuel, bananas], total: 4790, change: null, tenders: [{ type: 'card', amount: 4790, scheme: null, maskedPan: null, authCode: null, entryMode: null }] }))['item-arithmetic']).toBe(true);
    const wrong = item(4791, { quantity: 32.15, unit: 'L', unitPrice: null, unitPriceText: '1.459' });
    expect(runChecks(sale({ items: [wrong], total: 4791, change: null })).find((c) => c.name === 'item-arithmetic')).toMatchObject({ ok: false, detail: 'x: 32.15 x 1.459 = 46.91, printed 47.91' });
  });
  it('checks tax rows: net + tax = gross, tax = rate of net or of gross, gross by rate = total', () => {
    const ok = [{ code: 'A', rate: 20, net: 667, tax: 133, gross: 800 }];
    expect(byName(sale({ taxes: ok })).taxes).toBe(true);
    expect(byName(sale({ taxes: [{ ...ok[0]!, tax: 150, gross: 817 }] })).taxes).toBe(false);
    expect(byName(sale({ taxes: [{ ...ok[0]!, net: 600 }] })).taxes).toBe(false);
    expect(byName(sale({ taxes: [{ code: null, rate: 20, net: null, tax: 133, gross: null }] })).taxes).toBe(true);
    expect(byName(sale({ taxes: [{ code: null, rate: 20, net: null, tax: 100, gross: null }] })).taxes).toBe(false);
  });
  it('accepts sales tax on the subtotal (less a discount after it) when an untaxed tip follows it', () => {
    const card = (amount: number) => [{ type: 'card' as const, amount, scheme: null, maskedPan: null, authCode: null, entryMode: null }];
    const tipped = (tax: number, discounts: ExtractedBasket['discounts'] = []) => {
      const total = 1800 + discounts.reduce((s, d) => s + d.amount, 0) + tax + 300;
      return sale({ items: [item(1800), item(300, { description: 'Tip' })], subtotal: 1800, discounts, taxes: [{ code: null, rate: 8, net: null, tax, gross: null }], total, tenders: card(total), change: null });
    };
    expect(byName(tipped(144))).toMatchObject({ 'items-total': true, taxes: true });
    expect(byName(tipped(120, [{ description: 'Reward', amount: -300 }]))).toMatchObject({ 'items-total': true, taxes: true });
    expect(byName(tipped(150)).taxes).toBe(false);
  });
  it('voids skip tenders; reports check tenders only when printed; slips need a masked PAN and auth code', () => {
    expect(byName(sale({ kind: 'void', tenders: [], change: null }))).toEqual({ 'total-present': true, 'items-present': true, 'items-total': true });
    expect(byName(sale({ kind: 'report', items: [], tenders: [] }))).toEqual({ 'total-present': true });
    const slip = sale({ kind: 'other', items: [], change: null, tenders: [{ type: 'card', amount: 800, scheme: 'VISA', maskedPan: '************1234', authCode: '123456', entryMode: null }] });
    expect(byName(slip)).toEqual({ 'total-present': true, 'card-slip': true });
    expect(byName({ ...slip, tenders: [{ ...slip.tenders[0]!, authCode: null }] })['card-slip']).toBe(false);
    expect(runChecks(sale({ kind: 'other', items: [], total: null, tenders: [] }))).toEqual([]);
  });
});

describe('confidence', () => {
  const c = (ok: boolean) => ({ name: 'c', ok, detail: '' });
  it('is 1 when every check passes, half the passed share otherwise, 0 with nothing to check', () => {
    expect(confidenceOf([c(true), c(true)])).toBe(1);
    expect(confidenceOf([c(true), c(true), c(true), c(false)])).toBe(0.375);
    expect(confidenceOf([c(false)])).toBe(0);
    expect(confidenceOf([])).toBe(0);
    expect(reconciled([])).toBe(false);
    expect(reconciled([c(true)])).toBe(true);
  });
});

describe('ReconciliationTally', () => {
  const ok = { checks: [{ name: 'c', ok: true, detail: '' }] };
  const bad = { checks: [{ name: 'c', ok: false, detail: '' }] };
  it('gives the share over everything, or over a rolling window of the latest receipts', () => {
    const all = new ReconciliationTally();
    const last3 = new ReconciliationTally(3);
    expect(all.share).toBe(0);
    for (const b of [ok, ok, ok, bad, bad]) {
      all.add(b);
      last3.add(b);
    }
    expect([all.reconciled, all.count, all.share]).toEqual([3, 5, 0.6]);
    expect([last3.reconciled, last3.count]).toEqual([1, 3]);
    last3.add(ok);
    last3.add(ok);
    expect(last3.share).toBeCloseTo(2 / 3);
    expect(() => new ReconciliationTally(0)).toThrow(RangeError);
  });
});
