// `posbridge parse` streams in every format: a capture of many jobs, read in chunks, prints exactly what decoding
// the whole file at once prints (baskets exactly what extract's basketsFromFile gives), and the first job's output
// is written while the rest of the input has not even been sent (a FIFO this test holds open). Run through the
// built CLI as a real child process.
import { spawn, spawnSync } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printsSomething } from '../../agent/capture/printed.js';
import { HeldBytes } from '../../agent/cli/capture-file.js';
import { decode, type DecoderOptions, type PrintedDocument } from '../../agent/decode/index.js';
import { basketsFromFile, DEFAULT_TIMEZONE } from '../../agent/extract/index.js';
import { maskPansInBytes } from '../../agent/extract/privacy.js';
import { documentHtml, htmlHead, htmlTail } from '../../agent/render/html.js';
import { renderJson } from '../../agent/render/json.js';
import { renderText } from '../../agent/render/text.js';
import { receiptsCapture } from '../helpers/receipts-capture.js';

const RECEIPTS = 'test/fixtures/receipts';
/** What `parse` decodes with when given no printer options. */
const CLI_DEFAULTS: DecoderOptions = { codePage: 0, characterEncoding: 'single-byte', dialect: 'auto', paperWidth: 576 };
const FIRST = await readFile(join(RECEIPTS, 'coffee-tm-t88-card.bin'));

let dir: string;
let big: string;
let bigBytes: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-parse-stream-'));
  // About 730 KB of receipts, so jobs straddle the CLI's read chunks many times over.
  bigBytes = receiptsCapture('.', 700_000);
  big = join(dir, 'many-jobs.bin');
  await writeFile(big, bigBytes);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function parse(...args: string[]): string {
  const run = spawnSync(process.execPath, ['bin/posbridge.js', 'parse', ...args], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout;
}

/** The documents `parse` shows, from the whole file decoded in one go (card numbers masked first, as it does). */
function wholeFileDocuments(bytes: Buffer): PrintedDocument[] {
  return decode(maskPansInBytes(Buffer.from(bytes)), CLI_DEFAULTS).filter(printsSomething);
}

describe('posbridge parse: a big multi-job capture streams to the same output as the whole file decoded at once', () => {
  it('--json: the baskets of basketsFromFile, one per line, ids and all', async () => {
    const expected = await basketsFromFile(big, { profiles: [], timezone: DEFAULT_TIMEZONE, decoder: CLI_DEFAULTS });
    expect(expected.length).toBeGreaterThan(500);
    expect(parse('--json', big)).toBe(expected.map((basket) => `${JSON.stringify(basket)}\n`).join(''));
  });

  it('text, document JSON (--format json and --json --document) and HTML', () => {
    const docs = wholeFileDocuments(bigBytes);
    expect(docs.length).toBeGreaterThan(500);
    const text = docs.map((doc, i) => `=== ${big} job ${i + 1} (bytes ${doc.start}-${doc.end}) ===\n${renderText(doc)}`).join('');
    expect(parse(big)).toBe(text);
    const json = docs.map((doc) => `${renderJson(doc)}\n`).join('');
    expect(parse('--format', 'json', big)).toBe(json);
    expect(parse('--json', '--document', big)).toBe(json);
    const html = htmlHead() + docs.map((doc, i) => documentHtml(doc, `${big} · job ${i + 1}`)).join('') + htmlTail();
    expect(parse('--format', 'html', big)).toBe(html);
  });
});

/** Resolves once `text` has appeared in what the child printed; rejects if it exits first. */
function printed(child: ReturnType<typeof spawn>, text: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`not printed within ${timeoutMs} ms: ${JSON.stringify(text)}; printed so far: ${out.length} chars`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes(text)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`exited before printing ${JSON.stringify(text)}`));
    });
  });
}

describe('posbridge parse: the first job is written before the input is fully read', () => {
  // What each format prints once the first receipt (a coffee-shop card payment) has been decoded.
  const formats: [string, string[], string][] = [
    ['text', [], 'tomorrow!'],
    ['--json (baskets)', ['--json'], '"kind":"sale"'],
    ['--json --document', ['--json', '--document'], '"blocks":'],
    ['--format html', ['--format', 'html'], '<div class="job">'],
  ];
  for (const [name, args, firstJobShows] of formats) {
    it(name, async () => {
      const fifo = join(dir, `input-${args.join('')}.fifo`);
      execFileSync('mkfifo', [fifo]);
      const child = spawn(process.execPath, ['bin/posbridge.js', 'parse', ...args, fifo], { stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      const input = await open(fifo, 'w');
      try {
        const firstOutput = printed(child, firstJobShows, 20_000);
        await input.write(FIRST);
        // The writer still holds the FIFO open: the CLI cannot have seen the end of its input.
        await firstOutput;
        await input.write(FIRST);
      } finally {
        await input.close();
      }
      expect(await exited).toBe(0);
    });
  }
});

describe('HeldBytes', () => {
  it('gives each job its own bytes across chunks and lets go of what came before', () => {
    const held = new HeldBytes();
    held.push(Buffer.from('abc'));
    held.push(Buffer.from('defg'));
    expect(held.take(0, 2).toString()).toBe('ab');
    expect(held.take(2, 5).toString()).toBe('cde');
    held.push(Buffer.from('hi'));
    expect(held.take(6, 9).toString()).toBe('ghi');
    expect(() => held.take(4, 9)).toThrow(/let go/);
  });
});
