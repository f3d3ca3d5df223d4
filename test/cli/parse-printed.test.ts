// `posbridge parse` shows printed receipts only: bytes after the last cut that print nothing (an initialise, a
// paper feed) and captures that only poll status are not shown as jobs or empty slips, in text, document JSON
// or the HTML preview. Run through the built CLI, on capture files written here from a real receipt fixture.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const COFFEE = await readFile('test/fixtures/receipts/coffee-tm-t88-card.bin');
const STATUS_POLL = await readFile('test/fixtures/capture/status-poll-only.bin');
/** What tills send after the cut: an initialise for the next receipt, a feed to bring the paper out. */
const TRAILER = Buffer.from('\x1b@\n\n\n\x1bd\x05\x10\x04\x01');

let dir: string;
let trailing: string;
let statusOnly: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-parse-'));
  trailing = join(dir, 'receipt-then-feed.bin');
  statusOnly = join(dir, 'status-only.bin');
  await writeFile(trailing, Buffer.concat([STATUS_POLL, COFFEE, TRAILER]));
  await writeFile(statusOnly, STATUS_POLL);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function parse(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['bin/posbridge.js', 'parse', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

describe('posbridge parse: printed receipts only', () => {
  it('text: one job for a receipt followed by an initialise and feeds', () => {
    const run = parse(trailing);
    expect(run.status).toBe(0);
    expect(run.stdout.match(/^=== .* job \d+ /gm)).toEqual([`=== ${trailing} job 1 `]);
    expect(run.stdout).toContain('tomorrow!');
  });

  it('document JSON: one document; HTML: one slip', () => {
    const json = parse('--json', '--document', trailing);
    expect(json.stdout.trimEnd().split('\n')).toHaveLength(1);
    const html = parse('--format', 'html', trailing);
    expect(html.stdout.match(/<div class="job">/g)).toHaveLength(1);
  });

  it('a capture that only polls status shows no slip at all', () => {
    expect(parse(statusOnly).stdout).toBe('');
    expect(parse('--format', 'html', statusOnly).stdout).not.toContain('<div class="job">');
    expect(parse('--json', '--document', statusOnly).stdout).toBe('');
  });
});
