// Which printed documents are read with OCR. A graphical driver prints the whole receipt as pictures; a text
// receipt may carry a logo. The rule compares printed areas: each picture counts its dots (after scaling), each
// non-empty text line a full paper-wide line of its height. A document is read when it has picture bits and the
// pictures cover at least `minImageShare` of that total, so a logo above thirty text lines (about 12 %) never
// is, and a picture receipt with a text header or a printed order number (well above 90 %) always is.
import type { PrintedDocument } from '../decode/index.js';

/** Dots a text line of normal height takes on paper: a 24-dot font A cell plus the default 6-dot spacing. */
const TEXT_LINE_DOTS = 30;

export interface RasterShare {
  /** Dots covered by pictures whose bits this job carried. */
  readonly imageDots: number;
  /** Dots the non-empty text lines take, a full paper width each. */
  readonly textDots: number;
  readonly textLines: number;
  /** imageDots / (imageDots + textDots), 0 for a document with neither. */
  readonly share: number;
}

export function rasterShare(doc: PrintedDocument): RasterShare {
  let imageDots = 0;
  let textDots = 0;
  let textLines = 0;
  for (const block of doc.blocks) {
    if (block.kind === 'image') {
      if (block.bits.length > 0) imageDots += block.width * block.scaleX * block.height * block.scaleY;
    } else if (block.kind === 'text' && block.spans.some((s) => s.text.trim() !== '')) {
      const height = Math.max(...block.spans.map((s) => s.style.height));
      textDots += doc.paperWidth * TEXT_LINE_DOTS * height;
      textLines++;
    }
  }
  const total = imageDots + textDots;
  return { imageDots, textDots, textLines, share: total === 0 ? 0 : imageDots / total };
}

/** True when the document is to be read with OCR under the given threshold. */
export function needsOcr(doc: PrintedDocument, minImageShare: number): boolean {
  const s = rasterShare(doc);
  return s.imageDots > 0 && s.share >= minImageShare;
}
