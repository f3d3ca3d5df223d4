// Raw print bytes with every card number masked in place (item 10 of issue 14): the same length, in text, barcode
// and QR data alike, for any chunking of the stream, and re-parsing the masked bytes gives the basket the clear
// bytes give. Real receipts from test/fixtures/receipts and a QR code made by escpos-buffer.
import { readFileSync } from 'node:fs';
import { Cut, InMemory, Printer } from 'escpos-buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode } from '../../agent/decode/index.js';
import { basketsFromBytes } from '../../agent/extract/index.js';
import { maskPans, maskPansInBytes, PanMasker } from '../../agent/extract/privacy.js';

const FULL_PAN_RECEIPTS = ['fashion-mp4200-fullpan', 'fashion-raw-tabs-fullpan', 'slip-uk-raw-fullpan-chip', 'supermarket-raw-tabs-cp437'];
const receipt = (name: string): Buffer => readFileSync(`test/fixtures/receipts/${name}.bin`);
const PAN = '4539148803436467';

/** Every card number a job still shows anywhere a decoder finds text: spans, barcode data, 2D-code data. */
function clearPans(bytes: Uint8Array): string[] {
  const found: string[] = [];
  const look = (text: string): void => {
    if (maskPans(text) !== text) found.push(text);
  };
  look(Buffer.from(bytes).toString('latin1'));
  for (const doc of decode(bytes)) {
    for (const block of doc.blocks as unknown as { kind: string; data?: string; spans?: { text: string }[] }[]) {
      if (typeof block.data === 'string') look(block.data);
      for (const span of block.spans ?? []) look(span.text);
    }
  }
  return found;
}

async function qrAndBarcodeReceipt(): Promise<Buffer> {
  const connection = new InMemory();
  const printer = await Printer.CONNECT('TM-T20', connection);
  await printer.writeln(`CARD ${PAN}`);
  await printer.qrcode(`https://example.test/r?card=${PAN}&n=1`);
  await printer.cutter(Cut.Full);
  // GS k 73 (CODE128, code set B) with the card number as its data, as a till's "scan to refund" barcode.
  const data = Buffer.from(`{B${PAN}`, 'latin1');
  const barcode = Buffer.concat([Buffer.from([0x1d, 0x6b, 73, data.length]), data]);
  const bytes = Buffer.from(connection.buffer());
  return Buffer.concat([bytes.subarray(0, bytes.length - 4), barcode, bytes.subarray(bytes.length - 4)]);
}

describe('maskPansInBytes', () => {
  it.each(FULL_PAN_RECEIPTS)('%s: no card number left, same length, and the same basket on re-parse', (name) => {
    const clear = receipt(name);
    expect(clearPans(clear).length).toBeGreaterThan(0);
    const masked = maskPansInBytes(Buffer.from(clear));
    expect(masked.length).toBe(clear.length);
    expect(clearPans(masked)).toEqual([]);
    expect(basketsFromBytes(masked, { idPrefix: 'r' })).toEqual(basketsFromBytes(clear, { idPrefix: 'r' }));
  });

  it('masks card numbers in barcode and QR data as well as text', async () => {
    const clear = await qrAndBarcodeReceipt();
    expect(clearPans(clear).length).toBeGreaterThanOrEqual(3);
    const masked = maskPansInBytes(Buffer.from(clear));
    expect(clearPans(masked)).toEqual([]);
    expect(masked.toString('latin1')).toContain('************6467');
    // Only digits changed, and only to '*': every command keeps its bytes.
    for (let i = 0; i < clear.length; i++) if (masked[i] !== clear[i]) expect([clear[i]! >= 0x30 && clear[i]! <= 0x39, masked[i]]).toEqual([true, 0x2a]);
  });

  it('leaves bytes without card numbers exactly as they are', () => {
    const coffee = receipt('coffee-tm-t88-card');
    expect(maskPansInBytes(Buffer.from(coffee)).equals(coffee)).toBe(true);
  });
});

describe('PanMasker', () => {
  const stream = (chunks: Uint8Array[]): Buffer => {
    const masker = new PanMasker();
    return Buffer.concat([...chunks.map((c) => masker.write(c)), masker.end()]);
  };

  it('masks a card number split across chunks, byte by byte', () => {
    const clear = Buffer.from(`pay ${PAN} ok`, 'latin1');
    const chunks = [...clear].map((b) => Uint8Array.of(b));
    expect(stream(chunks).toString('latin1')).toBe('pay ************6467 ok');
  });

  it('gives the whole-buffer result for any chunking of a real receipt', () => {
    const clear = Buffer.concat([receipt('fashion-raw-tabs-fullpan'), receipt('slip-uk-raw-fullpan-chip')]);
    const whole = maskPansInBytes(Buffer.from(clear));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: clear.length - 1 }), { maxLength: 40 }), (cuts) => {
        const at = [0, ...new Set(cuts)].sort((a, b) => a - b);
        const chunks = at.map((start, i) => Buffer.from(clear.subarray(start, at[i + 1] ?? clear.length)));
        expect(stream(chunks).equals(Buffer.from(whole))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('never holds back more than a card number needs, even in an endless digit run', () => {
    const masker = new PanMasker();
    let out = 0;
    for (let i = 0; i < 1000; i++) out += masker.write(Buffer.from('1234567890')).length;
    expect(masker.heldBytes).toBeLessThanOrEqual(64);
    expect(out + masker.end().length).toBe(10_000);
  });
});
