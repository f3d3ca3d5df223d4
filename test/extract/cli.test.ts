// `posbridge profile test|validate` run as the compiled CLI (npm test builds first).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Basket } from '../../agent/extract/index.js';
import { comparable, loadCorpus, PROFILES_DIR, RECEIPTS_DIR } from './corpus.js';

const cli = (...args: string[]) => spawnSync('node', ['bin/posbridge.js', 'profile', ...args], { encoding: 'utf8' });
const R = 'test/fixtures/receipts/';

describe('posbridge profile test', () => {
  it('passes when every receipt reconciles, listing each check', () => {
    const run = cli('test', 'generic', `${R}coffee-tm-t88-card.bin`, `${R}multi-job-coffee-and-slip.bin`);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`${R}multi-job-coffee-and-slip.bin: 2 receipt(s)`);
    expect(run.stdout).toContain('receipt 2: other, total 23.40 GBP, 0 item(s), confidence 1');
    expect(run.stdout).toContain('ok   card-slip');
    expect(run.stdout).toMatch(/profile generic: 3\/3 receipts fully reconciled \(100\.0%\)/);
  });
  it('fails below --min-share and names the failed checks', () => {
    const args = ['test', 'generic', `${R}coffee-tm-t88-card.bin`, `${R}damaged-coffee-short-tender.bin`];
    const run = cli(...args);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('FAIL tenders: tenders 8.35 less change 0.00 = 8.35; total 9.35');
    expect(run.stdout).toContain('1/2 receipts fully reconciled (50.0%), minimum 100.0%');
    expect(cli(...args, '--min-share', '0.5').status).toBe(0);
  });
  it('shows a profile fixing what the generic rules get wrong', () => {
    const files = [`${R}profile-ocean-deli-raw.bin`, `${R}profile-ocean-deli-tm-t20.bin`];
    expect(cli('test', 'generic', ...files).stdout).toContain('profile generic: 0/2 receipts fully reconciled');
    const run = cli('test', 'test/fixtures/profiles/ocean-deli.yaml', ...files);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('profile ocean-deli: 2/2 receipts fully reconciled (100.0%)');
  });
  it('rejects a bad profile, share or timezone with exit 2, and reports unreadable captures', () => {
    expect(cli('test', 'test/fixtures/receipts/coffee-tm-t88-card.expected.json', `${R}coffee-tm-t88-card.bin`)).toMatchObject({ status: 2 });
    expect(cli('test', 'generic', `${R}coffee-tm-t88-card.bin`, '--min-share', '2').stderr).toContain('--min-share must be a number from 0 to 1');
    expect(cli('test', 'generic', `${R}coffee-tm-t88-card.bin`, '--timezone', 'Nowhere/Land').status).toBe(2);
    const missing = cli('test', 'generic', 'no/such.bin', `${R}coffee-tm-t88-card.bin`);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no/such.bin');
    expect(missing.stdout).toContain('1/1 receipts fully reconciled');
  });
});

describe('posbridge profile validate', () => {
  it('accepts valid profiles and names the invalid one', () => {
    expect(cli('validate', 'test/fixtures/profiles/ocean-deli.yaml', 'test/fixtures/profiles/greenway-till-v2.json')).toMatchObject({ status: 0 });
    const bad = cli('validate', 'test/fixtures/profiles/ocean-deli.yaml', 'package.json');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/package\.json: invalid layout profile: .*format/);
  });
});

describe('posbridge parse --json', () => {
  const parse = (...args: string[]) => spawnSync('node', ['bin/posbridge.js', 'parse', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

  it('prints one basket per receipt as JSON Lines, in input order, equal to the corpus expectations', () => {
    const corpus = loadCorpus().filter((entry) => entry.timezone === 'Europe/London');
    const run = parse('--json', '--profile', `${PROFILES_DIR}ocean-deli.yaml`, ...corpus.map((entry) => `${RECEIPTS_DIR}${entry.name}.bin`));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const printed = run.stdout.trimEnd().split('\n').map((line) => comparable(JSON.parse(line) as Basket));
    expect(printed).toEqual(corpus.flatMap((entry) => entry.baskets));
  });
  it('keeps the document JSON with --document, and yields no basket for a job that prints nothing', () => {
    const docs = parse('--json', '--document', `${R}multi-job-coffee-and-slip.bin`).stdout.trimEnd().split('\n');
    expect(docs.length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(docs[0]!)).toHaveProperty('blocks');
    const status = parse('--json', 'test/fixtures/capture/status-poll-only.bin');
    expect(status.status).toBe(0);
    expect(status.stdout).toBe('');
  });
  it('gives every zone of the corpus its expected times, the process running in the zone (TZ) or not', () => {
    const zones = [...new Set(loadCorpus().map((entry) => entry.timezone))];
    for (const zone of zones) {
      const corpus = loadCorpus().filter((entry) => entry.timezone === zone && !entry.name.startsWith('profile-'));
      const files = corpus.map((entry) => `${RECEIPTS_DIR}${entry.name}.bin`);
      const baskets = (run: ReturnType<typeof parse>) => run.stdout.trimEnd().split('\n').map((line) => comparable(JSON.parse(line) as Basket));
      // The CLI makes a listed zone the process's own (Date gives the offsets); started in another, the same.
      const inZone = parse('--json', '--timezone', zone, ...files);
      expect(inZone.status, inZone.stderr).toBe(0);
      expect(baskets(inZone)).toEqual(corpus.flatMap((entry) => entry.baskets));
      const elsewhere = spawnSync('node', ['bin/posbridge.js', 'parse', '--json', '--timezone', zone, ...files], { encoding: 'utf8', env: { ...process.env, TZ: 'Pacific/Chatham' } });
      expect(elsewhere.stdout).toBe(inZone.stdout);
    }
  });
  it('reads a zone spelt otherwise than Intl lists it (lower case, an alias) as Intl does', () => {
    const at = (zone: string) => (JSON.parse(parse('--json', '--timezone', zone, `${R}coffee-tm-t88-card.bin`).stdout) as Basket).transactionAt;
    expect(at('America/New_York')).toBe('2025-06-14T08:12:00-04:00');
    expect(at('america/new_york')).toBe('2025-06-14T08:12:00-04:00');
    expect(at('US/Eastern')).toBe('2025-06-14T08:12:00-04:00');
    expect(at('Asia/Kolkata')).toBe('2025-06-14T08:12:00+05:30');
    expect(at('UTC')).toBe('2025-06-14T08:12:00+00:00');
  });
  it('rejects an unknown timezone or an unreadable profile before reading captures', () => {
    expect(parse('--json', '--timezone', 'Nowhere/Land', `${R}coffee-tm-t88-card.bin`).status).not.toBe(0);
    expect(parse('--json', '--profile', 'no/such.yaml', `${R}coffee-tm-t88-card.bin`).stderr).toContain('no/such.yaml');
  });
});
