import { describe, expect, it } from 'vitest';
import { findDate, findTime, toIsoLocal } from '../../agent/extract/dates.js';
import { extractBasket } from '../../agent/extract/index.js';
import { doc, line, lr, rule } from './documents.js';

describe('findDate', () => {
  it.each([
    ['12/03/2025 14:32', 'DMY', { year: 2025, month: 3, day: 12 }],
    ['Datum: 12.03.2025', 'DMY', { year: 2025, month: 3, day: 12 }],
    ['12-03-25', 'DMY', { year: 2025, month: 3, day: 12 }],
    ['2025-03-12T14:32', 'DMY', { year: 2025, month: 3, day: 12 }],
    ['03/12/2025', 'MDY', { year: 2025, month: 3, day: 12 }],
    ['Sat 14 Jun 2025', 'DMY', { year: 2025, month: 6, day: 14 }],
    ['14. März 2025', 'DMY', { year: 2025, month: 3, day: 14 }],
    ['3 févr. 2025', 'DMY', { year: 2025, month: 2, day: 3 }],
    ['Jun 14, 2025', 'DMY', { year: 2025, month: 6, day: 14 }],
    ['Monday 6th of April 2015', 'DMY', { year: 2015, month: 4, day: 6 }],
    ['1er janvier 2025', 'DMY', { year: 2025, month: 1, day: 1 }],
    // Hospitality systems (Micros, Aloha) print the month's name, the day and an apostrophe before a short year.
    ["OCT07'24 11:02AM", 'DMY', { year: 2024, month: 10, day: 7 }],
    ["Jun 3'26", 'DMY', { year: 2026, month: 6, day: 3 }],
    // Dutch, Spanish and Italian month names.
    ['di 4 mrt 2025', 'DMY', { year: 2025, month: 3, day: 4 }],
    ['17 mei 2025', 'DMY', { year: 2025, month: 5, day: 17 }],
    ['3 de enero de 2025', 'DMY', { year: 2025, month: 1, day: 3 }],
    ['12-dic-2024', 'DMY', { year: 2024, month: 12, day: 12 }],
    ['5 giugno 2025', 'DMY', { year: 2025, month: 6, day: 5 }],
    ['21 ott 2025', 'DMY', { year: 2025, month: 10, day: 21 }],
  ] as const)('%s (%s)', (text, order, date) => {
    expect(findDate(text, order)).toEqual(date);
  });
  it.each(['31/02/2025', '12.50', 'Tel 0113 496 0123', '32/01/2025'])('finds no date in %s', (text) => {
    expect(findDate(text)).toBeNull();
  });
});

describe('findTime', () => {
  it.each([
    ['14:32', { hour: 14, minute: 32, second: 0 }],
    ['Uhrzeit: 19:42:10', { hour: 19, minute: 42, second: 10 }],
    ['2:05 PM', { hour: 14, minute: 5, second: 0 }],
    ['12:10 am', { hour: 0, minute: 10, second: 0 }],
    ['à 20h15', { hour: 20, minute: 15, second: 0 }],
  ])('%s', (text, time) => {
    expect(findTime(text)).toEqual(time);
  });
  it('ignores amounts and impossible times', () => {
    expect(findTime('12.50')).toBeNull();
    expect(findTime('25:10')).toBeNull();
  });
  it('reads a time printed with a dot right after a numeric date, and only there', () => {
    expect(findTime('14/05/25 09.45')).toEqual({ hour: 9, minute: 45, second: 0 });
    expect(findTime('Data 03-11-2025  ore 18.05')).toEqual({ hour: 18, minute: 5, second: 0 });
    expect(findTime('Totale 18.05')).toBeNull();
    expect(findTime('14/05/25 9.75')).toBeNull();
    expect(findTime('14/05/25 12.50,00')).toBeNull();
  });
});

describe('a date line with a dotted time', () => {
  it('is the transaction time, not an item priced at the time', () => {
    const b = extractBasket(doc(line([0, 'BAR']), line([0, 'Scontrino 12']), lr('14/05/25', '09.45'), rule(), lr('Caffè', '1,20'), rule(), lr('TOTALE', '1,20'), lr('CONTANTI', '1,20')), { id: 't', currency: 'EUR', timezone: 'Europe/Rome' })!;
    expect(b.transactionAt).toBe('2025-05-14T09:45:00+02:00');
    expect(b.items.map((i) => [i.description, i.amount])).toEqual([['Caffè', 120]]);
  });
});

describe('toIsoLocal', () => {
  const d = (year: number, month: number, day: number) => ({ year, month, day });
  const t = (hour: number, minute: number) => ({ hour, minute, second: 0 });
  it('applies the zone offset in force', () => {
    expect(toIsoLocal(d(2025, 3, 12), t(14, 32), 'Europe/London')).toBe('2025-03-12T14:32:00+00:00');
    expect(toIsoLocal(d(2025, 7, 2), t(18, 47), 'Europe/London')).toBe('2025-07-02T18:47:00+01:00');
    expect(toIsoLocal(d(2025, 7, 21), t(13, 5), 'Europe/Berlin')).toBe('2025-07-21T13:05:00+02:00');
    expect(toIsoLocal(d(2025, 1, 5), t(9, 0), 'America/New_York')).toBe('2025-01-05T09:00:00-05:00');
    expect(toIsoLocal(d(2025, 1, 5), t(9, 0), 'Asia/Kolkata')).toBe('2025-01-05T09:00:00+05:30');
  });
  it('uses the offset before a DST change in the skipped and the repeated hour', () => {
    expect(toIsoLocal(d(2025, 3, 30), t(1, 30), 'Europe/London')).toBe('2025-03-30T01:30:00+00:00');
    expect(toIsoLocal(d(2025, 10, 26), t(1, 30), 'Europe/London')).toBe('2025-10-26T01:30:00+01:00');
  });
});

describe('the date of another event than the sale', () => {
  // A dry cleaner, a repair shop or an optician prints when to collect or come back, a voucher when it expires:
  // such a date, even printed first, is not the transaction's. A takeaway's "COLLECTION 19/12/2025 18:44" is.
  it.each([
    ['Fertig ab: 20.03.2025 16:00', '18.03.2025 09:12', '2025-03-18T09:12'],
    ['Gutschein gültig bis 31.12.2025', '18.03.2025 09:12', '2025-03-18T09:12'],
    ['Valid until 31/12/2025', '18/03/2025 09:12', '2025-03-18T09:12'],
    ['Prêt le 21/03/2025 à 10:00', '18/03/2025 09:12', '2025-03-18T09:12'],
  ])('skips "%s"', (event, sale, at) => {
    const b = extractBasket(doc(line([0, 'SHOP']), line([0, event]), line([0, sale]), line([0, 'Receipt 3391']), rule(), lr('Service', '9.00'), rule(), lr('TOTAL', '€9.00'), lr('CASH', '9.00')), { id: 't', currency: 'EUR' })!;
    expect(b.transactionAt?.slice(0, 16)).toBe(at);
  });
});
