// Public face of OCR: receipts printed as pictures → baskets. The daemon's processing worker runs an OcrService;
// the re-parse path (backfill --reparse) calls ocrStoredJob to read a stored raw job again with today's engine.
import { decode, type DecoderOptions } from '../decode/index.js';
import type { Basket, ExtractContext } from '../extract/index.js';
import type { JobRecord } from '../store/index.js';
import type { OcrConfig } from './config.js';
import type { OcrEngine } from './engine.js';
import { needsOcr } from './raster-rule.js';
import { readDocument } from './reader.js';

export { DEFAULT_OCR_CONFIG, ocrConfigSchema, type OcrConfig } from './config.js';
export { OcrEngine, OcrSetupError, OcrTimeoutError } from './engine.js';
export { needsOcr, rasterShare, type RasterShare } from './raster-rule.js';
export { DEFAULT_PREPROCESSING, DEFAULT_PSM, readDocument, type OcrReading } from './reader.js';
export { recoverPendingOcr, type RecoverOptions } from './recover.js';
export { OcrService, type OcrDocument, type OcrStatus } from './service.js';

/**
 * A stored job read again by OCR: its raw bytes are decoded (with the link's printer setup) and every document
 * the raster rule picks is read; one basket per such document, in document order, ids as the live path gives
 * them (job id, then `<job id>.<n>` for later documents). The caller sets `revision` (a new one when the basket
 * changed) and saves them. An empty array when OCR is off or no document is a picture receipt.
 *
 *   const engine = new OcrEngine({ languages: config.ocr.languages, psm: DEFAULT_PSM, logger });
 *   const baskets = await ocrStoredJob(store.job(id)!, engine, config.ocr, { timezone, tillId: job.tillId });
 *   await engine.stop();
 */
export async function ocrStoredJob(
  job: JobRecord,
  engine: OcrEngine,
  config: OcrConfig,
  context: Omit<ExtractContext, 'id'>,
  decoder?: DecoderOptions,
): Promise<Basket[]> {
  if (!config.enabled) return [];
  const baskets: Basket[] = [];
  const docs = decode(job.bytes, decoder);
  for (const [index, doc] of docs.entries()) {
    if (!needsOcr(doc, config.minImageShare)) continue;
    const ctx: ExtractContext = { ...context, id: index === 0 ? job.id : `${job.id}.${index}` };
    const reading = await readDocument(doc, engine, ctx, { timeoutMs: config.jobTimeoutMs, maxImagePixels: config.maxImagePixels });
    baskets.push(reading.basket);
  }
  return baskets;
}
