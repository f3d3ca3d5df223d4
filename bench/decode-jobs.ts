// The byte streams the decoder figures are measured on: generated receipts (ESC/POS and the same in Star Line
// mode) and the fixtures' captures repeated to a few megabytes. Imports nothing of the decoder, so a fresh
// process measuring memory loads only what the decoder itself loads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './repo-root.js';

/** A supermarket-style receipt: header, ~60 item lines in two columns, totals, VAT table, cut. */
export function textReceipt(n: number): Buffer {
  const parts: string[] = ['\x1b@', '\x1ba\x01\x1b!\x30BIG SHOP LTD\x1b!\x00\n', 'Unit 4, Retail Park, Leeds LS1 1AA\n', `VAT No. GB 123 4567 89   Receipt ${n}\n`, '\x1ba\x00\n'];
  let total = 0;
  for (let i = 0; i < 60; i++) {
    const pence = ((i * 7919 + n * 104729) % 1999) + 49;
    total += pence;
    const name = `ITEM ${String(i + 1).padStart(2, '0')} ${['MILK 2L', 'BREAD WHITE', 'BANANAS', 'CHEDDAR 400G', 'PASTA 500G'][i % 5]}`;
    const price = `${(pence / 100).toFixed(2)} ${i % 3 === 0 ? 'Z' : 'A'}`;
    parts.push(name + ' '.repeat(48 - name.length - price.length) + price + '\n');
    if (i % 10 === 9) parts.push('    2 @ 1.00 MULTIBUY SAVING      -0.50\n');
  }
  const t = (total / 100).toFixed(2);
  parts.push('-'.repeat(48) + '\n', `\x1bE\x01TOTAL${' '.repeat(43 - t.length)}${t}\x1bE\x00\n`);
  parts.push('VAT  RATE      NET      VAT     GROSS\n', 'A    20.0%   10.00     2.00     12.00\n', 'Z     0.0%    5.00     0.00      5.00\n');
  parts.push('\x1ba\x01Thank you for shopping with us\n\x1ba\x00', '\x1dV\x41\x03');
  return Buffer.from(parts.join(''), 'latin1');
}

/** The same receipt in Star Line mode: ESC GS a alignment, ESC i size, ESC E / ESC F emphasis, ESC d cut. */
export function starTextReceipt(n: number): Buffer {
  const escpos = textReceipt(n).toString('latin1');
  const star = escpos
    .replace('\x1b@', '\x1b@\x1b\x1dt\x01')
    .replaceAll('\x1ba\x01', '\x1b\x1da\x01')
    .replaceAll('\x1ba\x00', '\x1b\x1da\x00')
    .replace('\x1b!\x30', '\x1bi\x01\x01')
    .replace('\x1b!\x00', '\x1bi\x00\x00')
    .replace('\x1bE\x01', '\x1bE')
    .replace('\x1bE\x00', '\x1bF')
    .replace('\x1dV\x41\x03', '\x1bd\x03');
  return Buffer.from(star, 'latin1');
}

/** Sixteen different text receipts back to back: the unit the text-heavy jobs repeat. */
export function textReceipts(): Buffer {
  return Buffer.concat(Array.from({ length: 16 }, (_, i) => textReceipt(i)));
}

/** Repeats `unit` up to about `size` bytes. */
export function repeatTo(unit: Buffer, size: number): Buffer {
  return Buffer.concat(new Array<Buffer>(Math.max(1, Math.ceil(size / unit.length))).fill(unit));
}

function fixtures(dir: string, names: readonly string[]): Buffer {
  return Buffer.concat(names.map((name) => readFileSync(join(repoRoot(), 'test', 'fixtures', dir, name))));
}

export interface DecodeJobs {
  readonly text: Buffer;
  readonly images: Buffer;
  readonly codes: Buffer;
  readonly mixed: Buffer;
  readonly starText: Buffer;
  readonly starGenerated: Buffer;
}

/** Every job about `size` bytes long. */
export function decodeJobs(size = 4e6): DecodeJobs {
  const text = repeatTo(textReceipts(), size);
  const images = repeatTo(fixtures('escpos-php', ['receipt-with-logo.bin', 'bit-image.bin', 'graphics.bin', 'demo.bin']), size);
  const codes = repeatTo(fixtures('escpos-php', ['qr-code.bin', 'pdf417-code.bin', 'barcode.bin']), size);
  const mixed = repeatTo(Buffer.concat([text.subarray(0, 1e6), images.subarray(0, 1e6), codes.subarray(0, 1e6)]), size);
  const starText = repeatTo(Buffer.concat(Array.from({ length: 16 }, (_, i) => starTextReceipt(i))), size);
  const starGenerated = repeatTo(
    fixtures('star-receipts', ['coffee-rpe-star-tsp650ii.bin', 'grocer-receiptline-starsbcs.bin', 'coffee-ntp-star.bin']),
    size,
  );
  return { text, images, codes, mixed, starText, starGenerated };
}
