// Layout profiles: validation with clear errors, selection by header or name, and the proof that a profile
// fixes a merchant the generic rules get wrong without any code change.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { basketsFromBytes, loadProfiles, parseProfile, ProfileError, reconciled } from '../../agent/extract/index.js';
import { allProfiles, comparable, loadCorpus, PROFILES_DIR } from './corpus.js';

const corpus = loadCorpus();
const oceanDeli = corpus.filter((e) => e.name.startsWith('profile-ocean-deli'));
const profiles = allProfiles();

describe('profile validation', () => {
  const valid = { format: 1, name: 'x', version: 1 };
  it('accepts the fixture profiles (YAML and JSON)', () => {
    expect(profiles.map((p) => p.name)).toEqual(['greenway-till-v2', 'ocean-deli']);
  });
  it.each([
    [{ ...valid, format: 2 }, 'format'],
    [{ ...valid, name: 'Has Spaces' }, 'name'],
    [{ ...valid, version: 0 }, 'version'],
    [{ ...valid, itemPatterns: ['^(?<description>.+)$'] }, 'itemPatterns.0: an item pattern needs named groups'],
    [{ ...valid, itemPatterns: ['(?<description>(.+)(?<amount>'] }, 'not a valid regular expression'],
    [{ ...valid, match: {} }, 'match needs merchantName or vatNumber'],
    [{ ...valid, currency: 'pounds' }, 'currency'],
    [{ ...valid, dateOrder: 'DDMM' }, 'dateOrder'],
    [{ ...valid, fields: { receiptNumber: 'Docket \\d+' } }, 'fields.receiptNumber: a field pattern needs one capture group'],
    [{ ...valid, unknownKey: true }, 'unknownKey'],
  ])('rejects %j with an error naming %s', (data, message) => {
    expect(() => parseProfile(data, 'test.yaml')).toThrow(ProfileError);
    expect(() => parseProfile(data, 'test.yaml')).toThrow(message);
  });
  it('names the file in errors, for unreadable, unparsable and duplicate profiles', () => {
    const dir = mkdtempSync(join(tmpdir(), 'profiles-'));
    writeFileSync(join(dir, 'bad.yaml'), 'format: 1\nname: [unclosed\n');
    expect(() => loadProfiles([join(dir, 'bad.yaml')])).toThrow(/bad\.yaml: not valid YAML/);
    expect(() => loadProfiles([join(dir, 'missing.json')])).toThrow(/missing\.json: cannot read profile/);
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ format: 1, name: 'same', version: 1 }));
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ format: 1, name: 'same', version: 2 }));
    expect(() => loadProfiles([join(dir, 'a.json'), join(dir, 'b.json')])).toThrow(/b\.json: profile name 'same' is also used by/);
  });
});

describe('profile selection and effect', () => {
  it('the generic rules get Ocean Deli wrong: wrong items and date, low confidence', () => {
    for (const entry of oceanDeli) {
      const [generic] = basketsFromBytes(entry.bytes, { timezone: entry.timezone, profiles, profileName: 'generic' });
      const expected = entry.baskets[0]!;
      expect(generic!.parser.profile).toBeNull();
      expect(generic!.items).not.toEqual(expected.items);
      // (The total itself may come out right: the card line pays exactly it.)
      expect(generic!.transactionAt).not.toBe(expected.transactionAt);
      expect(reconciled(generic!.checks)).toBe(false);
      expect(generic!.confidence).toBeLessThan(0.5);
    }
  });
  it('the ocean-deli profile, picked by the merchant name, reads them exactly', () => {
    for (const entry of oceanDeli) {
      const baskets = basketsFromBytes(entry.bytes, { timezone: entry.timezone, profiles });
      expect(baskets.map(comparable)).toEqual(entry.baskets);
      expect(baskets[0]!.parser.profile).toBe('ocean-deli@1');
      expect(reconciled(baskets[0]!.checks)).toBe(true);
    }
  });
  it('a profile named in config wins over header matching', () => {
    const entry = oceanDeli[0]!;
    const [b] = basketsFromBytes(entry.bytes, { timezone: entry.timezone, profiles, profileName: 'ocean-deli' });
    expect(b!.parser.profile).toBe('ocean-deli@1');
  });
  it('picks a profile by the VAT number printed, and a profile that only adds words changes nothing else', () => {
    const entry = corpus.find((e) => e.name === 'supermarket-tm-t20-visa')!;
    const [b] = basketsFromBytes(entry.bytes, { timezone: entry.timezone, profiles });
    expect(b!.parser.profile).toBe('greenway-till-v2@2');
    expect(comparable(b!)).toEqual({ ...entry.baskets[0], parser: { profile: 'greenway-till-v2@2' } });
  });
  it('an unknown profile name gives a confidence-0 basket saying so, not an exception', () => {
    const entry = oceanDeli[0]!;
    const [b] = basketsFromBytes(entry.bytes, { timezone: entry.timezone, profiles, profileName: 'nope' });
    expect(b!.confidence).toBe(0);
    expect(b!.checks).toEqual([{ name: 'extraction', ok: false, detail: "extraction failed: UnknownProfileError: no layout profile named 'nope'" }]);
  });
  it('loads a directory of profiles sorted by file name', () => {
    expect(loadProfiles([PROFILES_DIR]).map((p) => p.source?.split('/').pop())).toEqual(['greenway-till-v2.json', 'ocean-deli.yaml']);
  });
});

describe('profile anchors, ignores, pinned values and fields', () => {
  // A till that prints a table-number line and a promo banner among the items, and a header line with an
  // amount in it ("Deposit scheme 0.20") that the generic rules would take for an item.
  const bytes = (lines: string[]) => Uint8Array.from(Buffer.from(['\x1b@', ...lines.map((l) => `${l}\n`), '\x1dV\x00'].join(''), 'latin1'));
  const receipt = bytes([
    'HARBOUR KIOSK',
    'Deposit scheme member          0.20',
    '==== ITEMS ====',
    'Table 4',
    'Ice cream                      2.50',
    '*** TRY OUR NEW FLAVOURS ***',
    'Flake                          0.60',
    'SETTLE                         3.10',
    'Cash                           5.00',
    'Change                         1.90',
    'Slip 000451',
  ]);
  const profile = parseProfile(
    {
      format: 1,
      name: 'harbour-kiosk',
      version: 3,
      match: { merchantName: '^HARBOUR KIOSK$' },
      currency: 'GBP',
      merchant: { address: 'The Harbour, Seahouses' },
      anchors: { itemsStart: '^=+ ITEMS =+$', itemsEnd: '^SETTLE', ignore: ['^Table \\d+$', '^\\*\\*\\*.*\\*\\*\\*$'] },
      labels: { total: ['settle'] },
      fields: { receiptNumber: '^Slip (\\d+)$' },
    },
    'harbour.yaml',
  );
  it('the generic rules miscount it', () => {
    const [b] = basketsFromBytes(receipt);
    expect(b!.items.map((i) => i.description)).toContain('Deposit scheme member');
    expect(reconciled(b!.checks)).toBe(false);
  });
  it('the profile reads it exactly', () => {
    const [b] = basketsFromBytes(receipt, { profiles: [profile] });
    expect(b!.parser.profile).toBe('harbour-kiosk@3');
    expect(b!.items.map((i) => [i.description, i.amount])).toEqual([
      ['Ice cream', 250],
      ['Flake', 60],
    ]);
    expect([b!.total, b!.change, b!.currency, b!.receiptNumber, b!.merchant.address]).toEqual([310, 190, 'GBP', '000451', 'The Harbour, Seahouses']);
    expect(reconciled(b!.checks)).toBe(true);
  });
});
