// One printed document whose receipt is a picture → its basket, read by OCR: the pictures are stacked into
// pages, preprocessed, recognised, put back as positioned text lines and handed to the same extractor as
// printed text. Always yields a basket, so a job is never OCR'd twice by accident: when nothing can be read
// (pictures too large, engine stopped, no text found) the basket has confidence 0 and an `ocr` check saying why.
import type { PrintedDocument, TextLine } from '../decode/index.js';
import { extractBasket, failedBasket, type Basket, type ExtractContext } from '../extract/index.js';
import { OcrTimeoutError, type OcrEngine } from './engine.js';
import { MIN_LINE_CONFIDENCE, textLinesOf, withRecognisedText } from './lines.js';
import { pagePixels, pagesOf, toPgm, type Page, type Preprocessing } from './page.js';

export interface ReadLimits {
  readonly timeoutMs: number;
  readonly maxImagePixels: number;
}

export interface OcrReading {
  readonly basket: Basket;
  /** The document as extraction saw it (pictures replaced by recognised lines); null when nothing was read. */
  readonly document: PrintedDocument | null;
  readonly pixels: number;
  readonly ms: number;
}

/**
 * Best measured on the raster corpus (bench/ocr.ts prints the comparison): 2× bilinear upscale keeping the grey
 * edges (thresholding them again loses thin strokes), read as one uniform block of text (PSM 6), which keeps
 * right-hand amount columns on their line.
 */
export const DEFAULT_PREPROCESSING: Preprocessing = { scale: 2, threshold: null };
export const DEFAULT_PSM = '6';

function meanConfidence(lines: readonly { confidence: number }[]): number {
  if (lines.length === 0) return 0;
  return lines.reduce((s, l) => s + l.confidence, 0) / lines.length / 100;
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

export async function readDocument(
  doc: PrintedDocument,
  engine: OcrEngine,
  ctx: ExtractContext,
  limits: ReadLimits,
  pre: Preprocessing = DEFAULT_PREPROCESSING,
): Promise<OcrReading> {
  const started = performance.now();
  const pages = pagesOf(doc);
  const pixels = pagePixels(pages);
  const ocr = { engine: engine.version, confidence: 0 };
  const failed = (detail: string): OcrReading => {
    const basket = failedBasket(ctx, null, detail, 'ocr');
    return { basket: { ...basket, parser: { ...basket.parser, ocr } }, document: null, pixels, ms: performance.now() - started };
  };
  if (pages.length === 0) return failed('no picture with bits to read');
  if (pixels > limits.maxImagePixels) return failed(`pictures of ${pixels} dots exceed the OCR limit of ${limits.maxImagePixels}`);
  const read: { page: Page; lines: TextLine[] }[] = [];
  const recognised: { confidence: number }[] = [];
  const deadline = Date.now() + limits.timeoutMs;
  try {
    for (const page of pages) {
      const lines = await engine.recognize(toPgm(page, pre), Math.max(1, deadline - Date.now()));
      const textLines = textLinesOf(lines, page, pre, doc);
      recognised.push(...lines.filter((l) => l.confidence >= MIN_LINE_CONFIDENCE));
      read.push({ page, lines: textLines });
    }
  } catch (error) {
    if (error instanceof OcrTimeoutError) return failed(`OCR stopped after ${limits.timeoutMs} ms`);
    return failed(`OCR failed: ${(error as Error).name}: ${(error as Error).message}`);
  }
  const document = withRecognisedText(doc, read);
  const basket = extractBasket(document, ctx);
  ocr.confidence = round3(meanConfidence(recognised));
  if (basket === null) return failed('OCR found no text in the pictures');
  return {
    basket: { ...basket, confidence: round3(basket.confidence * ocr.confidence), parser: { ...basket.parser, ocr } },
    document,
    pixels,
    ms: performance.now() - started,
  };
}
