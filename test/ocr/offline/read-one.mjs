// Reads one raster-corpus job with the compiled OCR engine and prints the basket total (or the failure) as JSON.
// argv: repository root, job file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [root, file] = process.argv.slice(2);
const dist = (p) => pathToFileURL(join(root, 'dist', p)).href;
const { decode } = await import(dist('agent/decode/index.js'));
const { log } = await import(dist('agent/log.js'));
const { DEFAULT_OCR_CONFIG, DEFAULT_PSM, needsOcr, OcrEngine, readDocument } = await import(dist('agent/ocr/index.js'));
const engine = new OcrEngine({ languages: ['eng'], psm: DEFAULT_PSM, logger: log });
const doc = decode(readFileSync(file)).find((d) => needsOcr(d, DEFAULT_OCR_CONFIG.minImageShare));
const reading = await readDocument(doc, engine, { id: 'offline', timezone: 'Europe/London' }, { timeoutMs: 120_000, maxImagePixels: DEFAULT_OCR_CONFIG.maxImagePixels });
await engine.stop();
// Proves the refusal is in force here (worker threads, the engine's among them, inherit it through execArgv).
let networkRefused = false;
try {
  await fetch('http://127.0.0.1:9/');
} catch (error) {
  networkRefused = String(error.message).includes('network use refused');
}
process.stdout.write(JSON.stringify({ networkRefused, total: reading.basket.total, checks: reading.basket.checks, engine: reading.basket.parser.ocr?.engine }) + '\n');
