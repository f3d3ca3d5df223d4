// Text encodings beyond one Epson code page: UTF-8 (FS ( C, or a printer set to it) and the vendors that number
// their ESC t code pages differently from Epson.
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { InMemory, Printer } from 'escpos-buffer';
import { describe, expect, it } from 'vitest';
import { decode } from '../../agent/decode/index.js';
import type { PrintedDocument } from '../../agent/decode/document.js';
import { ESC, FS, LF, bytes, decodeSplit, line, span, toJson } from './helpers.js';

const UTF8_ON = bytes(FS, '(', 'C', 2, 0, 48, 2);
const UTF8_OFF = bytes(FS, '(', 'C', 2, 0, 48, '1');
const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

function textLines(docs: PrintedDocument[]): string[] {
  return docs.flatMap((d) => d.blocks.flatMap((b) => (b.kind === 'text' && b.spans.length > 0 ? [b.spans.map((s) => s.text).join(' ')] : [])));
}

function issues(docs: PrintedDocument[]): string[] {
  return docs.flatMap((d) => d.issues.map((i) => i.message));
}

describe('UTF-8 (FS ( C)', () => {
  it('decodes UTF-8 text once selected, with wide characters taking a Kanji cell', () => {
    const docs = decode(bytes(UTF8_ON, utf8('Café £3.20'), LF, utf8('日本  €1'), LF));
    expect(docs[0]!.blocks).toEqual([
      line([span('Café £3.20', 0)]),
      line([span('日本', 0, { width: 48 }), span('€1', 72)]),
    ]);
    expect(issues(docs)).toEqual([]);
  });

  it('goes back to the code page with FS ( C 1, and to the configured encoding at ESC @', () => {
    const pound = bytes(0xc2, 0xa3, LF);
    expect(textLines(decode(bytes(UTF8_ON, pound, UTF8_OFF, pound)))).toEqual(['£', '┬ú']);
    expect(textLines(decode(bytes(UTF8_ON, pound, ESC, '@', pound)))).toEqual(['£', '┬ú']);
    expect(textLines(decode(bytes(pound, UTF8_OFF, pound, ESC, '@', pound), { characterEncoding: 'utf-8' }))).toEqual(['£', '┬ú', '£']);
  });

  it('ignores ESC t while UTF-8 is selected', () => {
    expect(textLines(decode(bytes(UTF8_ON, ESC, 't', 16, utf8('€'), LF)))).toEqual(['€']);
  });

  it.each([
    ['a lone continuation byte', bytes(0x80, 'A'), '\ufffdA'],
    ['an overlong form', bytes(0xc0, 0x80, 'A'), '\ufffd\ufffdA'],
    ['a surrogate', bytes(0xed, 0xa0, 0x80, 'A'), '\ufffd\ufffd\ufffdA'],
    ['a sequence broken by text', bytes(0xe2, 0x82, 'A'), '\ufffdA'],
  ])('marks %s with U+FFFD and an issue, and keeps the byte after it', (_what, input, text) => {
    const docs = decode(bytes(UTF8_ON, input, LF));
    expect(textLines(docs)).toEqual([text]);
    expect(issues(docs).length).toBeGreaterThan(0);
    expect(new Set(issues(docs))).toEqual(new Set(['invalid UTF-8 sequence']));
  });

  it('ends a sequence broken by a control byte and still obeys the control', () => {
    const docs = decode(bytes(UTF8_ON, 0xe2, 0x82, LF, 'next', LF));
    expect(textLines(docs)).toEqual(['\ufffd', 'next']);
  });

  it('reports a sequence cut off by the end of the stream', () => {
    const docs = decode(bytes(UTF8_ON, 'ok', 0xe2, 0x82));
    expect(textLines(docs)).toEqual(['ok']);
    expect(issues(docs)).toEqual(['UTF-8 character truncated at end of stream']);
  });

  it('prints any text as written and decodes it the same however the bytes are split', () => {
    // Lines short enough not to wrap (48 columns), without spaces or controls so that spans join back exactly.
    const char = fc.oneof(
      fc.integer({ min: 0x21, max: 0x7e }),
      fc.integer({ min: 0xa1, max: 0x2fff }),
      fc.integer({ min: 0x4e00, max: 0x9fff }),
      fc.integer({ min: 0x1f300, max: 0x1f5ff }),
    );
    const text = fc.array(fc.array(char, { minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 8 }).map((lines) =>
      lines.map((cps) => String.fromCodePoint(...cps)),
    );
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 12 }), (lines, rawCuts) => {
        const input = bytes(UTF8_ON, ...lines.flatMap((l) => [utf8(l), LF]));
        const whole = decode(input);
        expect(textLines(whole)).toEqual(lines);
        expect(issues(whole)).toEqual([]);
        const cuts = rawCuts.map((c) => c % (input.length + 1));
        expect(toJson(decodeSplit(input, cuts))).toBe(toJson(whole));
      }),
      { numRuns: 300, seed: 2026 },
    );
  });

  it('never throws on random bytes in UTF-8 mode and splits them invariantly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(), { maxLength: 8 }), (raw, rawCuts) => {
        const input = bytes(UTF8_ON, raw);
        const cuts = rawCuts.map((c) => c % (input.length + 1));
        expect(toJson(decodeSplit(input, cuts))).toBe(toJson(decode(input)));
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});

describe('code page numbering of other printer makers (escpos-buffer models)', () => {
  // Each model's printer profile in escpos-buffer sends its own ESC t numbers for these pages.
  const MODELS = [
    { model: 'TM-T20', numbering: 'epson', pages: ['cp437', 'cp850', 'cp860', 'cp863', 'cp865', 'cp1252', 'cp866', 'cp852', 'cp858'] },
    { model: 'MP-4200 TH', numbering: 'bematech', pages: ['cp850', 'cp437', 'cp860', 'cp858', 'cp866', 'utf8'] },
    { model: 'DR800', numbering: 'daruma', pages: ['iso88591', 'cp850', 'cp1252', 'cp437'] },
    { model: 'I9', numbering: 'elgin', pages: ['cp1252', 'cp850', 'cp437', 'cp860', 'cp858'] },
    // The rest of Elgin's range shares the I9's profile (escpos-buffer capabilities: I7, VOX, VOX+ and NIX are
    // 'elgin'): ESC t 1 is Windows-1252 on all of them, where Epson's 1 is Katakana.
    { model: 'VOX', numbering: 'elgin', pages: ['cp1252', 'cp850', 'cp437', 'cp860', 'cp858'] },
    { model: 'I7', numbering: 'elgin', pages: ['cp1252', 'cp858'] },
    {
      model: 'POS-80',
      numbering: 'generic',
      pages: ['cp437', 'cp850', 'cp860', 'cp863', 'cp865', 'cp1252', 'cp866', 'cp852', 'cp858', 'cp1253', 'cp737', 'cp857', 'iso88599', 'cp862', 'iso88592'],
    },
  ] as const;
  // Short lines of letters several pages have; none of the twelve ESC R national positions (the generic
  // profile selects ESC R 12 at start-up).
  const SAMPLE = ['Café £3.20 €1', 'Ñandú Grüße çãõ', 'ČŠŽ čšž ğış', 'ΑΒΓ αβγ ЖЩЯ жщя', 'שלום'];

  async function printed(model: string, page: string): Promise<Uint8Array> {
    const connection = new InMemory();
    const printer = await Printer.CONNECT(model as Parameters<typeof Printer.CONNECT>[0], connection);
    await printer.setCodepage(page);
    for (const text of SAMPLE) await printer.writeln(text);
    return new Uint8Array(connection.buffer());
  }

  /** What the page can print of the sample: escpos-buffer encodes with iconv-lite, which writes '?' for the rest. */
  function printable(page: string): string[] {
    return SAMPLE.map((text) => iconv.decode(iconv.encode(text, page), page));
  }

  describe.each(MODELS)('$model ($numbering numbering)', ({ model, numbering, pages }) => {
    it.each(pages.map((page) => [page]))('%s prints the sample as the printer does', async (page) => {
      const docs = decode(await printed(model, page), { codePageNumbering: numbering });
      expect(textLines(docs)).toEqual(printable(page));
    });
  });

  it.each([
    ['DR800', 'daruma', 'cp1252'],
    ['I9', 'elgin', 'cp1252'],
    ['VOX', 'elgin', 'cp1252'],
    ['MP-4200 TH', 'bematech', 'cp858'],
    ['POS-80', 'generic', 'cp1252'],
  ] as const)('%s %s text is wrong under Epson numbers: the numbering matters', async (model, numbering, page) => {
    const input = await printed(model, page);
    expect(textLines(decode(input, { codePageNumbering: numbering }))).toEqual(printable(page));
    expect(textLines(decode(input))).not.toEqual(printable(page));
  });

  it('applies the numbering to the configured power-on page too', () => {
    const pound = bytes(0xa3, LF);
    expect(textLines(decode(pound, { codePageNumbering: 'daruma', codePage: 3 }))).toEqual(['£']);
    expect(textLines(decode(bytes(ESC, '@', pound), { codePageNumbering: 'elgin', codePage: 1 }))).toEqual(['£']);
  });

  it('keeps the Epson meaning of a number the vendor table does not list', () => {
    expect(textLines(decode(bytes(ESC, 't', 17, 0x80, LF), { codePageNumbering: 'daruma' }))).toEqual(['А']);
  });
});
