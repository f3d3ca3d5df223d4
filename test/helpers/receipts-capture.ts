// A capture of many jobs made of real receipts of every layout: the extraction corpus (test/fixtures/receipts,
// its .bin files in name order, card numbers among them) again and again, for the tests and benches of runs
// longer than one receipt.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The corpus under `root` (the repository) repeated until it is at least `minBytes` long; at least once. */
export function receiptsCapture(root: string, minBytes: number): Buffer {
  const dir = join(root, 'test', 'fixtures', 'receipts');
  const names = readdirSync(dir).filter((name) => name.endsWith('.bin')).sort();
  const corpus = Buffer.concat(names.map((name) => readFileSync(join(dir, name))));
  return Buffer.concat(new Array<Buffer>(Math.max(1, Math.ceil(minBytes / corpus.length))).fill(corpus));
}
