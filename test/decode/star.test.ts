// Star Line mode and StarPRNT: receipts made by third-party generators (test/fixtures/star-receipts/, see its
// README) decode into the same documents and baskets as the same receipts printed in ESC/POS, the dialect is
// recognised from the bytes, every split of the stream decodes alike, and damaged Star bytes never throw.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, Decoder, type DecoderOptions } from '../../agent/decode/index.js';
import type { Block, PrintedDocument, TextLine } from '../../agent/decode/document.js';
import { basketsFromBytes, type Basket } from '../../agent/extract/index.js';
import { renderText } from '../../agent/render/text.js';
import { decodeSplit, toJson } from './helpers.js';

const DIR = join(import.meta.dirname, '../fixtures/star-receipts');
const ESC = 0x1b;
const GS = 0x1d;
const LF = 0x0a;

interface ReceiptSource {
  generator: string;
  dialect: 'escpos' | 'star-line' | 'star-prnt';
  model?: string;
  columns: number;
  receipt: {
    shop: string;
    items: { name: string; amount: number }[];
    total: number;
    vat: number;
    tender: { name: string; amount: number };
    change?: number;
    barcode: string;
    qr: string;
  };
}

const names = readdirSync(DIR)
  .filter((f) => f.endsWith('.bin'))
  .map((f) => f.slice(0, -4));
const receipts = names.filter((n) => !n.startsWith('codepages-'));
const load = (name: string): { bytes: Uint8Array; source: ReceiptSource } => ({
  bytes: new Uint8Array(readFileSync(join(DIR, `${name}.bin`))),
  source: JSON.parse(readFileSync(join(DIR, `${name}.source.json`), 'utf8')) as ReceiptSource,
});
const family = (dialect: string): string => (dialect.startsWith('star') ? 'star' : 'escpos');
const lineText = (line: TextLine): string => line.spans.map((s) => s.text).join(' ');
const textLines = (docs: readonly PrintedDocument[]): string[] =>
  docs.flatMap((d) => d.blocks.filter((b): b is TextLine => b.kind === 'text' && b.spans.length > 0).map(lineText));
const bytes = (...parts: (number | string)[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : [p])));

describe.each(receipts)('Star fixture %s', (name) => {
  const { bytes: job, source } = load(name);
  const docs = decode(job, { dialect: 'auto' });
  const blocks: Block[] = docs.flatMap((d) => [...d.blocks]);

  it('is recognised as the dialect its generator wrote', () => {
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) {
      expect(doc.dialect?.from).toBe('detected');
      expect(family(doc.dialect!.name)).toBe(family(source.dialect));
    }
  });

  it('prints every item with its amount, the total, the tender and no stray command bytes', () => {
    const lines = textLines(docs);
    for (const item of source.receipt.items) {
      const amount = (item.amount / 100).toFixed(2);
      expect(lines.some((l) => l.startsWith(item.name) && l.endsWith(amount)), `${item.name} ${amount}`).toBe(true);
    }
    expect(lines.some((l) => /^TOTAL .*\b/.test(l) && l.endsWith((source.receipt.total / 100).toFixed(2)))).toBe(true);
    expect(lines.some((l) => l.startsWith(source.receipt.tender.name))).toBe(true);
    // Control bytes or command letters would show up as text next to what was printed.
    for (const l of lines) expect(l, l).not.toMatch(/[\u0000-\u001f]/);
    // node-thermal-printer's EPSON type sends its drawer kick as a 3-byte `ESC p m`, which Epson's 5-byte ESC p
    // swallows into the next command: the decoder says so. Every other job decodes without an issue.
    const expected = source.generator === 'node-thermal-printer' && source.dialect === 'escpos' ? ['control code 0x01 ignored'] : [];
    expect(docs.flatMap((d) => d.issues.map((i) => i.message))).toEqual(expected);
  });

  it('ends the receipt with a single cut, and keeps its barcodes', () => {
    const cuts = docs.filter((d) => d.blocks.at(-1)?.kind === 'event' && (d.blocks.at(-1) as { event: string }).event === 'cut');
    expect(cuts.length).toBeGreaterThanOrEqual(1);
    // The receipt itself is one document: every item line is in the first.
    expect(textLines([docs[0]!]).filter((l) => source.receipt.items.some((i) => l.startsWith(i.name)))).toHaveLength(source.receipt.items.length);
    const codes = blocks.filter((b) => b.kind === 'barcode' || b.kind === '2d').map((b) => (b.kind === 'barcode' || b.kind === '2d' ? b.data : ''));
    // receiptline sends EAN-13 without its check digit, which the printer computes.
    if (source.generator !== 'node-thermal-printer') expect(codes.some((c) => source.receipt.barcode.startsWith(c) && c.length >= 12)).toBe(true);
    if (source.generator === '@point-of-sale/receipt-printer-encoder') expect(codes).toContain(source.receipt.qr);
  });

  it('matches the golden document JSON, text and baskets', () => {
    const json = JSON.stringify(JSON.parse(toJson(docs)), null, 1) + '\n';
    const text = docs.map(renderText).join('=== next job ===\n');
    // As the extraction corpus compares them: without the parser version and the checks' wording.
    const baskets =
      JSON.stringify(
        basketsFromBytes(job, { decoder: { dialect: 'auto' }, currency: 'GBP' }).map(({ parser: _parser, checks, ...basket }) => ({
          ...basket,
          checks: checks.map((c) => ({ name: c.name, ok: c.ok })),
        })),
        null,
        1,
      ) + '\n';
    for (const [file, content] of [
      [`${name}.json`, json],
      [`${name}.txt`, text],
      [`${name}.baskets.json`, baskets],
    ] as const) {
      const golden = join(DIR, 'golden', file);
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, content);
      expect(existsSync(golden), `${golden} missing: review and create it with UPDATE_GOLDEN=1`).toBe(true);
      expect(content).toBe(readFileSync(golden, 'utf8'));
    }
  });

  it('decodes identically at every split into two chunks, and byte by byte', () => {
    const whole = toJson(docs);
    for (let at = 0; at <= job.length; at++) expect(toJson(decodeSplit(job, [at], { dialect: 'auto' })), `split at ${at}`).toBe(whole);
    expect(toJson(decodeSplit(job, Array.from({ length: job.length }, (_, i) => i), { dialect: 'auto' }))).toBe(whole);
  });

  if (source.model !== undefined) {
    it('decodes the same with the model named as with detection, but says it came from the setup', () => {
      const byModel = decode(job, { model: source.model as DecoderOptions['model'] });
      expect(byModel[0]!.dialect).toEqual({ name: source.dialect, from: 'setup' });
      expect(textLines(byModel)).toEqual(textLines(docs));
    });
  }
});

/** What a basket says about the sale, leaving out what names the bytes (id) or the layout. */
function sale(b: Basket): unknown {
  return {
    kind: b.kind,
    merchant: b.merchant.name,
    items: b.items.map((i) => [i.description, i.quantity, i.amount]),
    total: b.total,
    taxes: b.taxes.map((t) => t.tax),
    tenders: b.tenders.map((t) => [t.type, t.amount]),
    change: b.change,
    confidence: b.confidence,
    failed: b.checks.filter((c) => !c.ok).map((c) => c.name),
  };
}

describe('baskets: a Star receipt extracts exactly as the same receipt printed in ESC/POS', () => {
  const pairs: [string, string][] = [];
  for (const receipt of ['coffee', 'grocer']) {
    for (const star of ['rpe-star-tsp650ii', 'rpe-star-tsp100iv', 'rpe-star-mc-print2']) pairs.push([`${receipt}-${star}`, `${receipt}-rpe-epson-tm-t88vi`]);
    pairs.push([`${receipt}-ntp-star`, `${receipt}-ntp-epson`]);
    for (const star of ['starsbcs', 'starlinesbcs']) pairs.push([`${receipt}-receiptline-${star}`, `${receipt}-receiptline-escpos`]);
  }

  it.each(pairs)('%s extracts as %s, and both as the till computed', (starName, escposName) => {
    const star = load(starName);
    const escpos = load(escposName);
    const [starBasket] = basketsFromBytes(star.bytes, { decoder: { dialect: 'auto' } });
    const [escposBasket] = basketsFromBytes(escpos.bytes, { decoder: { dialect: 'auto' } });
    expect(starBasket).toBeDefined();
    expect(sale(starBasket!)).toEqual(sale(escposBasket!));
    const r = star.source.receipt;
    expect(starBasket!.total).toBe(r.total);
    expect(starBasket!.items.map((i) => i.amount)).toEqual(r.items.map((i) => i.amount));
    expect(starBasket!.tenders.map((t) => t.amount)).toEqual([r.tender.amount]);
  });

  it('decoded as ESC/POS (the old behaviour), a Star receipt loses its layout', () => {
    // What the issue reported: without the Star decoder the receipt splits at Star's ESC i / ESC d bytes.
    const { bytes: job } = load('coffee-rpe-star-tsp650ii');
    const asEscpos = decode(job, { dialect: 'escpos' });
    const asStar = decode(job, { dialect: 'star-line' });
    expect(asStar).toHaveLength(2);
    expect(asEscpos.length).toBeGreaterThan(asStar.length);
  });
});

describe('automatic code pages in each maker numbering', () => {
  const models = names.filter((n) => n.startsWith('codepages-'));
  it.each(models)('%s prints its line as encoded', (name) => {
    const source = JSON.parse(readFileSync(join(DIR, `${name}.source.json`), 'utf8')) as { model: DecoderOptions['model']; text: string };
    const docs = decode(readFileSync(join(DIR, `${name}.bin`)), { model: source.model });
    expect(textLines(docs)).toEqual([source.text]);
  });

  it('Xprinter numbering: ESC t 16 is Windows-1252 (the euro at 0x80), not PC437 (Ç)', () => {
    const job = bytes(ESC, 't', 16, 0x80, '5', LF);
    expect(textLines(decode(job, { model: 'xprinter-xp-n160ii' }))).toEqual(['€5']);
    expect(textLines(decode(bytes(ESC, 't', 6, 0xe9, LF), { codePageNumbering: 'xprinter' }))).toEqual(['é']);
    expect(textLines(decode(bytes(ESC, 't', 6, 0xe9, LF)))).not.toEqual(['é']);
  });

  it("Star Line mode selects pages with ESC GS t in Star's own numbering", () => {
    expect(textLines(decode(bytes(ESC, GS, 't', 32, 0x80, LF), { dialect: 'star-line' }))).toEqual(['€']);
    expect(textLines(decode(bytes(ESC, GS, 't', 4, 0xd5, LF), { dialect: 'star-line' }))).toEqual(['€']);
  });
});

describe('Star commands', () => {
  const star = (...parts: (number | string)[]): PrintedDocument[] => decode(bytes(...parts), { dialect: 'star-line' });

  it('ESC i, ESC E, ESC GS a, ESC 4 style the text; ESC d cuts; BEL pulses the drawer', () => {
    const docs = star(ESC, GS, 'a', 1, ESC, 'i', 1, 1, ESC, 'E', 'TOTAL 31,10', LF, ESC, 'i', 0, 0, ESC, 'F', ESC, '4', 'inv', ESC, '5', LF, 0x07, ESC, 'd', 3);
    expect(docs).toHaveLength(1);
    const [total, inverted] = docs[0]!.blocks.filter((b): b is TextLine => b.kind === 'text');
    expect(total!.align).toBe('center');
    expect(total!.spans.map((s) => [s.text, s.style.width, s.style.height, s.style.bold])).toEqual([['TOTAL 31,10', 2, 2, true]]);
    expect(inverted!.spans[0]!.style.invert).toBe(true);
    expect(docs[0]!.blocks.filter((b) => b.kind === 'event').map((b) => b.kind === 'event' && b.command)).toEqual(['BEL', 'ESC d']);
    expect(renderText(docs[0]!)).toContain('TOTAL 31,10');
  });

  it('ESC GS A positions text; ESC b barcodes end at RS; ESC GS y QR codes print their data', () => {
    const docs = star('Item', ESC, GS, 'A', 0x90, 0x01, '1.20', LF, ESC, 'b', 3, 2, 2, 50, '4006381333931', 0x1e, ESC, GS, 'y', 'D', '1', 0, 5, 0, 'hello', ESC, GS, 'y', 'P');
    const blocks = docs[0]!.blocks;
    expect(blocks[0]).toMatchObject({ kind: 'text', spans: [{ text: 'Item', x: 0 }, { text: '1.20', x: 400 }] });
    expect(blocks[1]).toMatchObject({ kind: 'barcode', symbology: 'EAN13', data: '4006381333931', hri: 'below', height: 50 });
    expect(blocks[2]).toMatchObject({ kind: '2d', symbology: 'QR', data: 'hello' });
  });

  it('raster graphics mode reads b n1 n2 rows as an image, not as text', () => {
    const docs = star(ESC, '*', 'r', 'A', ESC, '*', 'r', 'E', '1', 0, 'b', 2, 0, 0xff, 0x00, 'b', 2, 0, 0x0f, 0xf0, ESC, '*', 'r', 'B', 'after', LF);
    const blocks = docs[0]!.blocks;
    expect(blocks[0]).toMatchObject({ kind: 'image', source: 'ESC * r', width: 16, height: 2, truncated: false });
    expect([...(blocks[0] as { bits: Uint8Array }).bits]).toEqual([0xff, 0x00, 0x0f, 0xf0]);
    expect(blocks[1]).toMatchObject({ kind: 'text', spans: [{ text: 'after' }] });
  });

  it('ESC GS S with a damaged header claiming gigabytes is ignored and decoding goes on', () => {
    const docs = star(ESC, GS, 'S', 1, 0xff, 0xff, 0xff, 0xff, 0, 'still here', LF, ESC, 'd', 0);
    expect(textLines(docs)).toEqual(['still here']);
    expect(docs[0]!.issues[0]!.message).toMatch(/ESC GS S claims 65535 bytes per raster row/);
    expect(docs[0]!.blocks.at(-1)).toMatchObject({ kind: 'event', event: 'cut' });
  });

  it('status traffic (ENQ, EOT, ESC ACK SOH) is a status request, never text', () => {
    const docs = star(0x05, 0x04, ESC, 0x06, 0x01);
    expect(docs[0]!.blocks.map((b) => b.kind === 'event' && b.command)).toEqual(['ENQ', 'EOT', 'ESC ACK']);
  });
});

describe('auto detection', () => {
  it('says ESC/POS was assumed when no command of only one language appears', () => {
    const [doc] = decode(bytes('plain text', LF), { dialect: 'auto' });
    expect(doc!.dialect).toMatchObject({ name: 'escpos', from: 'assumed' });
  });

  it('names the command that decided', () => {
    expect(decode(bytes(ESC, '@', ESC, GS, 'a', 1, 'x', LF), { dialect: 'auto' })[0]!.dialect).toEqual({ name: 'star-line', from: 'detected', evidence: 'ESC GS a' });
    expect(decode(bytes(ESC, '@', GS, 'V', 0), { dialect: 'auto' })[0]!.dialect).toEqual({ name: 'escpos', from: 'detected', evidence: 'GS V' });
  });

  it('holds at most its detection limit before it decides, and output is the same however split', () => {
    const long = new Uint8Array(100_000).fill(0x41);
    for (let i = 47; i < long.length; i += 48) long[i] = LF;
    const decoder = new Decoder({ dialect: 'auto' });
    // Nothing is emitted before the decision, and the decision comes by the limit (64 KiB) without a cut.
    expect(decoder.write(long.subarray(0, 1000))).toEqual([]);
    decoder.write(long.subarray(1000));
    const rest = decoder.end();
    expect(rest[0]!.dialect).toMatchObject({ name: 'escpos', from: 'assumed' });
  });

  it('never throws on Star-like random bytes and splits them invariantly', () => {
    const starish = fc.uint8Array({ maxLength: 2000 }).map((raw) =>
      raw.map((b, i) => {
        const pick = (b * 7 + i) % 9;
        if (pick === 0) return [0x1b, 0x1d, 0x1e, 0x0a, 0x07, 0x1a][b % 6]!;
        if (pick === 1) return [0x69, 0x64, 0x62, 0x79, 0x78, 0x53, 0x2a, 0x72, 0x41, 0x62][b % 10]!;
        if (pick === 2) return b & 0x07;
        return b;
      }),
    );
    fc.assert(
      fc.property(starish, fc.array(fc.nat(), { maxLength: 12 }), fc.constantFrom<DecoderOptions['dialect']>('star-line', 'star-prnt', 'auto'), (job, rawCuts, dialect) => {
        const cuts = rawCuts.map((c) => c % (job.length + 1));
        expect(toJson(decodeSplit(job, cuts, { dialect }))).toBe(toJson(decode(job, { dialect })));
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});
