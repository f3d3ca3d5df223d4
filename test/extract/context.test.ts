// Store context: configured per link or agent-wide (config.ts), passed by the job processor, given to
// `parse --currency --locale`, or inferred from the receipt — and the basket says which.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { agentConfigSchema, linkConfigSchema } from '../../agent/config.js';
import { JobProcessor } from '../../agent/daemon/job-processor.js';
import { basketsFromBytes, localeInfo, type Basket } from '../../agent/extract/index.js';
import { LAYOUTS_DIR } from './layouts.js';

const fixture = (name: string) => readFileSync(`${LAYOUTS_DIR}${name}.bin`);
const one = (bytes: Uint8Array, opts = {}) => basketsFromBytes(bytes, opts)[0]!;

describe('locale tags', () => {
  it('give date order, decimal separator and language', () => {
    expect(localeInfo('en-US')).toMatchObject({ language: 'en', dateOrder: 'MDY', decimalSeparator: '.' });
    expect(localeInfo('en-GB')).toMatchObject({ dateOrder: 'DMY', decimalSeparator: '.' });
    expect(localeInfo('de-DE')).toMatchObject({ language: 'de', dateOrder: 'DMY', decimalSeparator: ',' });
    expect(localeInfo('nl_NL')).toMatchObject({ language: 'nl', decimalSeparator: ',' });
    expect(localeInfo('de-CH')).toMatchObject({ decimalSeparator: '.' });
    expect(localeInfo('not a locale')).toBeNull();
  });
});

describe('inference from the receipt', () => {
  it('a UK receipt printing no currency sign is GBP by its VAT number and postcode, and says it was inferred', () => {
    const b = one(fixture('uk-bakery-nosymbol-1'));
    expect(b.currency).toBe('GBP');
    expect(b.context).toMatchObject({ currency: 'GBP', language: 'en', dateOrder: 'DMY', sources: { currency: 'inferred', dateOrder: 'inferred', language: 'inferred' } });
  });
  it('a German receipt with no € sign is EUR by its USt-IdNr., read day-first with decimal commas', () => {
    const b = one(fixture('de-supermarkt-pfand-1'));
    expect(b.currency).toBe('EUR');
    expect(b.context).toMatchObject({ language: 'de', decimalSeparator: ',', sources: { currency: 'inferred' } });
    expect(b.transactionAt).toBe('2025-09-06T11:32:00+01:00');
  });
  it('a US receipt is read month-first with a 12-hour clock: 04/03/2025 4:27 PM is the 3rd of April', () => {
    const b = one(fixture('us-grocery-salestax-1'), { timezone: 'America/Chicago' });
    expect(b.transactionAt).toBe('2025-04-03T16:27:00-05:00');
    expect(b.context).toMatchObject({ currency: 'USD', dateOrder: 'MDY', sources: { currency: 'printed', dateOrder: 'inferred' } });
  });
  it('a printed currency sign wins over a configured currency; a configured locale wins over inference', () => {
    const b = one(fixture('us-grocery-salestax-1'), { currency: 'EUR', locale: 'en-GB' });
    expect(b.currency).toBe('USD');
    // Read day-first as configured: 04/03/2025 is the 4th of March.
    expect(b.transactionAt?.slice(0, 10)).toBe('2025-03-04');
    expect(b.context?.sources).toMatchObject({ currency: 'printed', dateOrder: 'config', language: 'config' });
  });
  it('a configured currency fills in when the receipt prints none', () => {
    const b = one(fixture('uk-bakery-nosymbol-1'), { currency: 'EUR' });
    expect(b.currency).toBe('EUR');
    expect(b.context?.sources.currency).toBe('config');
  });
});

describe('store context in config and through the job processor', () => {
  it('accepts currency, locale and timezone per link and agent-wide, and names a bad one', () => {
    const link = { name: 'front', till: { kind: 'tcp', port: 9100 }, printer: { kind: 'none' } };
    expect(linkConfigSchema.parse({ ...link, store: { currency: 'EUR', locale: 'de-DE', timezone: 'Europe/Berlin' } }).store).toEqual({ currency: 'EUR', locale: 'de-DE', timezone: 'Europe/Berlin' });
    expect(agentConfigSchema.parse({ locale: 'en-US', currency: 'USD', links: [link] }).locale).toBe('en-US');
    for (const store of [{ currency: 'euro' }, { locale: 'German' }, { timezone: 'Mars/Olympus' }, { colour: 'red' }]) {
      const bad = linkConfigSchema.safeParse({ ...link, store });
      expect(bad.success, JSON.stringify(store)).toBe(false);
    }
  });

  it("reads each link's receipts with that link's context over the agent-wide one", () => {
    const baskets: Basket[] = [];
    const processor = new JobProcessor(
      {
        timezone: 'Europe/London',
        currency: 'GBP',
        profiles: [],
        links: {
          berlin: { idleGapMs: 2_000, maxJobBytes: 1 << 20, store: { currency: 'CHF', locale: 'de-CH', timezone: 'Europe/Zurich' } },
          leeds: { idleGapMs: 2_000, maxJobBytes: 1 << 20 },
        },
      },
      { save: (_job, saved) => baskets.push(...saved) },
      () => undefined,
    );
    const bakery = fixture('uk-bakery-nosymbol-1');
    processor.open(1, { link: 'berlin', tillId: 'B1', peer: 'test' });
    processor.data(1, bakery, Date.now());
    processor.end(1, 'session-end');
    processor.open(2, { link: 'leeds', tillId: 'L1', peer: 'test' });
    processor.data(2, bakery, Date.now());
    processor.end(2, 'session-end');
    expect(baskets.map((b) => [b.tillId, b.currency, b.transactionAt])).toEqual([
      ['B1', 'CHF', '2025-05-30T08:02:00+02:00'],
      ['L1', 'GBP', '2025-05-30T08:02:00+01:00'],
    ]);
    expect(baskets[0]!.context).toMatchObject({ decimalSeparator: '.', sources: { currency: 'config', dateOrder: 'config' } });
  });
});

describe('posbridge parse --currency --locale', () => {
  const parse = (...args: string[]) => spawnSync('node', ['bin/posbridge.js', 'parse', '--json', ...args], { encoding: 'utf8' });
  it('reads with the given context, and refuses a bad code or locale with a clear error', () => {
    const run = parse('--currency', 'EUR', '--locale', 'en-US', `${LAYOUTS_DIR}uk-bakery-nosymbol-1.bin`);
    expect(run.status).toBe(0);
    const b = JSON.parse(run.stdout.trim().split('\n')[0]!) as Basket;
    expect(b.currency).toBe('EUR');
    expect(b.context).toMatchObject({ dateOrder: 'MDY', sources: { currency: 'config', dateOrder: 'config' } });
    const badCurrency = parse('--currency', 'pounds', `${LAYOUTS_DIR}uk-bakery-nosymbol-1.bin`);
    expect(badCurrency.status).not.toBe(0);
    expect(badCurrency.stderr).toContain("--currency 'pounds' is not an ISO 4217 code");
    const badLocale = parse('--locale', 'English', `${LAYOUTS_DIR}uk-bakery-nosymbol-1.bin`);
    expect(badLocale.status).not.toBe(0);
    expect(badLocale.stderr).toContain("--locale 'English' is not a locale");
  });

  it('refuses them as clearly whatever the output format, not only with --json', () => {
    for (const format of [[], ['--format', 'text'], ['--format', 'html'], ['--document']]) {
      const run = (...args: string[]) => spawnSync('node', ['bin/posbridge.js', 'parse', ...format, ...args, `${LAYOUTS_DIR}uk-bakery-nosymbol-1.bin`], { encoding: 'utf8' });
      const badCurrency = run('--currency', 'pounds');
      expect(badCurrency.status, format.join(' ')).not.toBe(0);
      expect(badCurrency.stderr).toContain("--currency 'pounds' is not an ISO 4217 code");
      const badLocale = run('--locale', 'English');
      expect(badLocale.status, format.join(' ')).not.toBe(0);
      expect(badLocale.stderr).toContain("--locale 'English' is not a locale");
      expect(run('--currency', 'EUR', '--locale', 'de-DE').status, format.join(' ')).toBe(0);
    }
  });
});

describe('currency from the tax named', () => {
  const receipt = (taxLine: string) => {
    const lines = ['SMOKE & GRILL', 'Check 118', '07/03/25 1:05 PM', 'Ribs  20.00', taxLine, 'BALANCE DUE  21.65', 'MC  21.65'];
    return new TextEncoder().encode(lines.join('\n') + '\n');
  };
  it('infers dollars from an English tax named "Tax" with a rate, and says it inferred them', () => {
    const b = one(receipt('Tax 8.25%  1.65'));
    expect(b.currency).toBe('USD');
    expect(b.context?.sources.currency).toBe('inferred');
  });
  it('infers nothing from a tax named VAT or GST', () => {
    expect(one(receipt('VAT 8.25%  1.65')).currency).not.toBe('USD');
    expect(one(receipt('GST 8.25%  1.65')).currency).not.toBe('USD');
  });
});
