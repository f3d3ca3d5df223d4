// Every receipt of the corpus, bytes to baskets, equals the baskets the generator printed it from; well-formed
// receipts reconcile fully, damaged ones carry low confidence and their failed checks; no card number survives.
import { describe, expect, it } from 'vitest';
import { basketsFromBytes, luhnValid, reconciled } from '../../agent/extract/index.js';
import { comparable, corpusProfiles, loadCorpus } from './corpus.js';

const corpus = loadCorpus();
const profiles = corpusProfiles();
const run = (entry: (typeof corpus)[number]) => basketsFromBytes(entry.bytes, { timezone: entry.timezone, profiles });

describe('extraction corpus', () => {
  it('holds at least 40 receipts in at least 8 layouts', () => {
    const baskets = corpus.flatMap((e) => e.baskets);
    expect(baskets.length).toBeGreaterThanOrEqual(40);
    const layouts = new Set(corpus.map((e) => e.name.split('-')[0]));
    expect(layouts.size).toBeGreaterThanOrEqual(8);
  });

  for (const entry of corpus) {
    it(`${entry.name} extracts exactly`, () => {
      expect(run(entry).map(comparable)).toEqual(entry.baskets);
    });
  }

  it('reconciles every well-formed receipt and flags every damaged one', () => {
    for (const entry of corpus) {
      for (const b of run(entry)) {
        if (entry.name.startsWith('damaged-')) {
          expect(reconciled(b.checks), entry.name).toBe(false);
          expect(b.confidence, entry.name).toBeLessThan(0.5);
          expect(b.checks.some((c) => !c.ok), entry.name).toBe(true);
        } else {
          expect(b.checks.filter((c) => !c.ok), entry.name).toEqual([]);
          expect(b.confidence, entry.name).toBe(1);
        }
      }
    }
  });

  it('lets no full card number through: no Luhn-valid 13-19 digit run anywhere in any basket', () => {
    for (const entry of corpus) {
      const json = JSON.stringify(run(entry));
      for (const m of json.matchAll(/\d(?:[ -]?\d){12,18}/g)) {
        expect(luhnValid(m[0].replace(/\D/g, '')), `${entry.name}: ${m[0]}`).toBe(false);
      }
    }
  });
});
