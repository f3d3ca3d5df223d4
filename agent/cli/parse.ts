// `posbridge parse FILE...`: decode captured print jobs and show them as text, document JSON or an HTML preview.
import { createReadStream } from 'node:fs';
import type { Command } from 'commander';
import { Decoder } from '../decode/index.js';
import type { PrintedDocument } from '../decode/document.js';
import { renderHtml } from '../render/html.js';
import { renderJson } from '../render/json.js';
import { renderText } from '../render/text.js';

const FORMATS = ['text', 'json', 'html'] as const;
type Format = (typeof FORMATS)[number];

interface ParseOptions {
  format: string;
  paperWidth: string;
}

/** Streams a file through the decoder so a huge capture never sits in memory whole. */
export async function decodeFile(path: string, decoder = new Decoder()): Promise<PrintedDocument[]> {
  const docs: PrintedDocument[] = [];
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
    docs.push(...decoder.write(chunk as Buffer));
  }
  docs.push(...decoder.end());
  return docs;
}

function write(text: string): void {
  process.stdout.write(text);
}

async function parse(files: string[], options: ParseOptions): Promise<void> {
  const format = options.format as Format;
  if (!FORMATS.includes(format)) throw new Error(`unknown --format '${options.format}' (one of ${FORMATS.join(', ')})`);
  const paperWidth = Number(options.paperWidth);
  const all: PrintedDocument[] = [];
  let failed = 0;
  for (const file of files) {
    let docs: PrintedDocument[];
    try {
      docs = await decodeFile(file, new Decoder({ paperWidth }));
    } catch (err) {
      failed++;
      process.stderr.write(`posbridge parse: ${file}: ${(err as Error).message}\n`);
      continue;
    }
    docs.forEach((doc, i) => {
      if (format === 'text') write(`=== ${file} job ${i + 1}/${docs.length} (bytes ${doc.start}-${doc.end}) ===\n${renderText(doc)}`);
      else if (format === 'json') write(renderJson(doc) + '\n');
    });
    all.push(...docs);
  }
  if (format === 'html') write(renderHtml(all));
  if (failed > 0) process.exitCode = 1;
}

export function register(program: Command): void {
  program
    .command('parse')
    .description('decode captured ESC/POS jobs and print each one as text, document JSON (one per line) or an HTML preview')
    .argument('<files...>', 'raw print-job captures; a file may hold several jobs split on paper cuts')
    .option('-f, --format <format>', `output format: ${FORMATS.join(' | ')}`, 'text')
    .option('--paper-width <dots>', 'printable width in dots (576 for 80 mm paper, 384 for 58 mm)', '576')
    .action((files: string[], options: ParseOptions) => parse(files, options));
}
