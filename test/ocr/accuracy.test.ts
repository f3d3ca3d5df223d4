// OCR accuracy on the raster corpus, per field and per font, next to the same receipts printed as text: the
// real engine (tesseract.js, models from npm packages on disk) reading real encoder output through the decoder
// and the same extractor. Prints the table; fails when a font's OCR figure is under 0.95 of its text figure.
import { afterAll, describe, expect, it } from 'vitest';
import { decode } from '../../agent/decode/index.js';
import { extractBasket, type Basket } from '../../agent/extract/index.js';
import { log } from '../../agent/log.js';
import { DEFAULT_OCR_CONFIG, DEFAULT_PSM, needsOcr, OcrEngine, readDocument } from '../../agent/ocr/index.js';
import { FIELDS, loadRasterCorpus, meanScores, overall, scoreBasket, type Field } from './raster-corpus.js';

const corpus = loadRasterCorpus();
const engine = new OcrEngine({ languages: ['eng'], psm: DEFAULT_PSM, logger: log });
afterAll(() => engine.stop());

const fmt = (v: number): string => v.toFixed(3);

describe('OCR accuracy on the raster corpus', () => {
  it('reads every font at ≥ 0.95 of the text figure, with OCR provenance and a confidence that says so', async () => {
    const scores: Record<string, { ocr: Record<Field, number>[]; text: Record<Field, number>[] }> = {};
    const baskets: { ocr: Basket; text: Basket }[] = [];
    for (const job of corpus.jobs) {
      const ctx = { id: job.file, timezone: corpus.timezone, currency: corpus.currency };
      const doc = decode(job.bytes).find((d) => needsOcr(d, DEFAULT_OCR_CONFIG.minImageShare));
      expect(doc, job.file).toBeDefined();
      const reading = await readDocument(doc!, engine, ctx, { timeoutMs: 120_000, maxImagePixels: DEFAULT_OCR_CONFIG.maxImagePixels });
      const text = extractBasket(decode(job.textBytes)[0]!, ctx)!;
      baskets.push({ ocr: reading.basket, text });
      const entry = (scores[job.font] ??= { ocr: [], text: [] });
      entry.ocr.push(scoreBasket(reading.basket, job.expected));
      entry.text.push(scoreBasket(text, job.expected));
    }
    const rows = [`${'field'.padEnd(18)}${Object.keys(scores).map((f) => `${f} ocr`.padStart(10) + `${f} text`.padStart(11)).join('')}`];
    const byFont = Object.fromEntries(Object.entries(scores).map(([font, s]) => [font, { ocr: meanScores(s.ocr), text: meanScores(s.text) }]));
    for (const field of [...FIELDS, 'overall'] as const) {
      rows.push(
        field.padEnd(18) +
          Object.values(byFont)
            .map((m) => {
              const o = field === 'overall' ? overall(m.ocr) : m.ocr[field];
              const t = field === 'overall' ? overall(m.text) : m.text[field];
              return fmt(o).padStart(10) + fmt(t).padStart(11);
            })
            .join(''),
      );
    }
    process.stdout.write(`\nOCR field accuracy, ${corpus.jobs.length} picture receipts (text twins beside):\n${rows.join('\n')}\n`);

    for (const [font, m] of Object.entries(byFont)) {
      expect(overall(m.ocr) / overall(m.text), `${font}: OCR ${fmt(overall(m.ocr))} vs text ${fmt(overall(m.text))}`).toBeGreaterThanOrEqual(0.95);
      // Money fields carry the basket: each at least 0.9 of its text figure.
      for (const field of ['total', 'subtotal', 'tenders', 'change'] as const) {
        expect(m.ocr[field] / m.text[field], `${font} ${field}`).toBeGreaterThanOrEqual(0.9);
      }
    }
    for (const { ocr, text } of baskets) {
      expect(ocr.parser.ocr?.engine).toMatch(/^tesseract\.js 7\.\d+\.\d+ \(core 7\.\d+\.\d+\), eng@\d+\.\d+\.\d+ 4\.0\.0_best_int, psm 6$/);
      expect(ocr.parser.ocr!.confidence).toBeGreaterThan(0.5);
      expect(ocr.parser.ocr!.confidence).toBeLessThanOrEqual(1);
      // The same checks as text apply, and the engine's doubt lowers the basket's confidence below the text one's.
      expect(ocr.checks.map((c) => c.name)).toEqual(text.checks.map((c) => c.name));
      expect(ocr.confidence).toBeLessThan(text.confidence);
      expect(text.parser.ocr).toBeUndefined();
    }
  }, 900_000);
});
