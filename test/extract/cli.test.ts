// `posbridge profile test|validate` run as the compiled CLI (npm test builds first).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

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
