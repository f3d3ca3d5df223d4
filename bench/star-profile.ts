// Star decoding cost beside ESC/POS on the same receipt, in a form that holds on a loaded machine: one process
// decodes MEGABYTES of a text-heavy receipt in one dialect and prints the CPU time it took, so it can run under
// `valgrind --tool=callgrind` for instruction counts (repeatable whatever the load). The receipt is made by
// @point-of-sale/receipt-printer-encoder for its Epson TM-T88VI and Star TSP650II (Star Line) models, so both
// streams carry the same lines and neither is shaped by this project's encoder.
//
//   npx tsc -p tsconfig.build.json
//   node dist/bench/star-profile.js escpos 40            # CPU time and MB/s, ESC/POS
//   node dist/bench/star-profile.js star-line 40         # the same for Star Line
//   node dist/bench/star-profile.js star-line 40 generated   # the generators' receipts (test/fixtures/star-receipts)
//   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p node dist/bench/star-profile.js star-line 8
//
// `generated` decodes the third-party receipts of test/fixtures/star-receipts instead (denser in commands: sizes,
// emphasis, barcodes, QR codes), the Star Line ones against the same receipts in ESC/POS.
//
// Instruction counts at two sizes (e.g. 2 and 8 MB) give the cost per byte without start-up and JIT warm-up:
// (Ir(8) - Ir(2)) / 6e6.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Decoder, type DecoderOptions } from '../agent/decode/index.js';
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import { repoRoot } from './fuzz.js';

const CHUNK = 64 * 1024;
const MODELS = { escpos: 'epson-tm-t88vi', 'star-line': 'star-tsp650ii' } as const;
type Dialect = keyof typeof MODELS;

const PRODUCTS = ['WHOLE MILK 2L', 'SOURDOUGH LOAF', 'FAIRTRADE BANANAS', 'MATURE CHEDDAR 400G', 'FUSILLI 500G', 'FREE RANGE EGGS 6'];

/** A supermarket receipt of 60 item lines in two columns laid out by the encoder's own table, then the total and a cut. */
function receipt(dialect: Dialect, n: number): Uint8Array {
  const e = new ReceiptPrinterEncoder({ printerModel: MODELS[dialect], columns: 48 });
  e.initialize().codepage('cp437').align('center').size(2, 2).line('BIG SHOP LTD').size(1, 1).line(`Receipt ${n}`).align('left');
  const rows = Array.from({ length: 60 }, (_, i) => [`${i + 1} ${PRODUCTS[(i + n) % PRODUCTS.length]}`, `${(((i + 3) * (n + 7)) % 20) + 0.99}`]);
  e.table([{ width: 36 }, { width: 12, align: 'right' }], rows);
  e.rule().bold(true).table([{ width: 24 }, { width: 24, align: 'right' }], [['TOTAL', `${rows.length * 3}.50`]]).bold(false);
  e.align('center').line('Thank you for shopping with us').cut();
  return e.encode();
}

/** The same receipts through each generator, in each dialect. */
const GENERATED: Readonly<Record<Dialect, readonly string[]>> = {
  escpos: ['coffee-rpe-epson-tm-t88vi', 'grocer-receiptline-escpos', 'coffee-ntp-epson'],
  'star-line': ['coffee-rpe-star-tsp650ii', 'grocer-receiptline-starlinesbcs', 'coffee-ntp-star'],
};

function generated(dialect: Dialect): Buffer {
  return Buffer.concat(GENERATED[dialect].map((name) => readFileSync(join(repoRoot(), 'test', 'fixtures', 'star-receipts', `${name}.bin`))));
}

function stream(dialect: Dialect, bytes: number, source: string): Buffer {
  const unit = source === 'generated' ? generated(dialect) : Buffer.concat(Array.from({ length: 16 }, (_, i) => receipt(dialect, i)));
  return Buffer.concat(new Array<Buffer>(Math.max(1, Math.ceil(bytes / unit.length))).fill(unit));
}

function main(): void {
  const dialect = (process.argv[2] ?? 'star-line') as Dialect;
  if (!(dialect in MODELS)) throw new Error(`dialect must be one of ${Object.keys(MODELS).join(', ')}`);
  const job = stream(dialect, Number(process.argv[3] ?? '8') * 1e6, process.argv[4] ?? 'text');
  const options: DecoderOptions = { dialect };
  const cpu0 = process.cpuUsage();
  const decoder = new Decoder(options);
  let documents = 0;
  for (let i = 0; i < job.length; i += CHUNK) documents += decoder.write(job.subarray(i, i + CHUNK)).length;
  documents += decoder.end().length;
  const cpu = process.cpuUsage(cpu0);
  const seconds = (cpu.user + cpu.system) / 1e6;
  console.log(`${dialect}: ${job.length} bytes, ${documents} documents, ${seconds.toFixed(3)} s CPU, ${(job.length / 1e6 / seconds).toFixed(0)} MB/s of CPU time`);
}

main();
