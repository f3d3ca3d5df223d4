// Pictures of a printed document → pages for the OCR engine. A graphical driver sends a receipt as many image
// commands (24-dot ESC * bands, 255-row GS v 0 chunks), so consecutive pictures are stacked into one page the
// width of the paper, each at its printed position and scale; a text line between pictures ends a page. Then
// preprocessing: the 1-bit page is upscaled (thermal text at 203 dpi is ~14 dots tall, below what the engine reads
// best), optionally thresholded back to black and white, framed with a white margin and written as a PGM, a format
// the engine reads with no decoder library.
import type { ImageBlock, PrintedDocument } from '../decode/index.js';

/** Pictures stacked in print order: 1 byte per dot, 1 = black. */
export interface Page {
  readonly width: number;
  readonly height: number;
  readonly dots: Uint8Array;
  /** Widest picture as printed: the receipt's own width, which centring is judged against. */
  readonly printedWidth: number;
  /** Index in doc.blocks of the first and last picture on the page. */
  readonly firstBlock: number;
  readonly lastBlock: number;
}

export interface Preprocessing {
  /** Upscale factor, 1..4. */
  readonly scale: number;
  /** Grey level 1..254 that splits black from white after a smooth upscale; null keeps the grey edges. */
  readonly threshold: number | null;
}

/** Margin of white around a page, in input dots: the engine finds lines that touch the border less reliably. */
const MARGIN = 8;

function imageLeft(image: ImageBlock, paperWidth: number, printedWidth: number): number {
  if (image.align === 'center') return Math.max(0, Math.floor((paperWidth - printedWidth) / 2));
  if (image.align === 'right') return Math.max(0, paperWidth - printedWidth);
  return 0;
}

/** The document's pictures that carry bits, stacked into pages. */
export function pagesOf(doc: PrintedDocument): Page[] {
  const pages: Page[] = [];
  let run: { block: ImageBlock; index: number }[] = [];
  const flush = (): void => {
    if (run.length > 0) pages.push(stack(run, doc.paperWidth));
    run = [];
  };
  doc.blocks.forEach((block, index) => {
    if (block.kind === 'image') {
      if (block.bits.length > 0 && block.width > 0 && block.height > 0) run.push({ block, index });
    } else if (block.kind === 'text' && block.spans.some((s) => s.text.trim() !== '')) {
      flush();
    }
  });
  flush();
  return pages;
}

function stack(run: readonly { block: ImageBlock; index: number }[], paperWidth: number): Page {
  const width = Math.max(paperWidth, ...run.map(({ block }) => block.width * block.scaleX));
  const height = run.reduce((h, { block }) => h + block.height * block.scaleY, 0);
  const dots = new Uint8Array(width * height);
  let top = 0;
  for (const { block } of run) {
    const stride = (block.width + 7) >> 3;
    const left = imageLeft(block, width, block.width * block.scaleX);
    for (let y = 0; y < block.height; y++) {
      for (let x = 0; x < block.width; x++) {
        if ((block.bits[y * stride + (x >> 3)]! & (0x80 >> (x & 7))) === 0) continue;
        for (let sy = 0; sy < block.scaleY; sy++) {
          const row = (top + y * block.scaleY + sy) * width + left + x * block.scaleX;
          for (let sx = 0; sx < block.scaleX; sx++) dots[row + sx] = 1;
        }
      }
    }
    top += block.height * block.scaleY;
  }
  const printedWidth = Math.max(...run.map(({ block }) => block.width * block.scaleX));
  return { width, height, dots, printedWidth, firstBlock: run[0]!.index, lastBlock: run[run.length - 1]!.index };
}

/** The page as an 8-bit PGM (P5) image, upscaled and framed; coordinates in it are (dot + MARGIN) × scale. */
export function toPgm(page: Page, pre: Preprocessing): Buffer {
  const s = pre.scale;
  const inW = page.width + 2 * MARGIN;
  const inH = page.height + 2 * MARGIN;
  const outW = inW * s;
  const outH = inH * s;
  const header = Buffer.from(`P5\n${outW} ${outH}\n255\n`, 'latin1');
  const out = Buffer.alloc(header.length + outW * outH, 255);
  header.copy(out);
  const black = (x: number, y: number): number => {
    const px = x - MARGIN;
    const py = y - MARGIN;
    return px >= 0 && py >= 0 && px < page.width && py < page.height ? page.dots[py * page.width + px]! : 0;
  };
  const body = header.length;
  for (let oy = 0; oy < outH; oy++) {
    // Bilinear sampling of the dot grid: smooth edges that a threshold turns into rounder strokes than blocks.
    const fy = (oy + 0.5) / s - 0.5;
    const y0 = Math.floor(fy);
    const wy = fy - y0;
    for (let ox = 0; ox < outW; ox++) {
      const fx = (ox + 0.5) / s - 0.5;
      const x0 = Math.floor(fx);
      const wx = fx - x0;
      const ink =
        (black(x0, y0) * (1 - wx) + black(x0 + 1, y0) * wx) * (1 - wy) + (black(x0, y0 + 1) * (1 - wx) + black(x0 + 1, y0 + 1) * wx) * wy;
      if (ink === 0) continue;
      const grey = Math.round(255 * (1 - ink));
      out[body + oy * outW + ox] = pre.threshold === null ? grey : grey < pre.threshold ? 0 : 255;
    }
  }
  return out;
}

/** Engine coordinates (in the PGM) back to dots on the page. */
export function toDots(v: number, pre: Preprocessing): number {
  return v / pre.scale - MARGIN;
}

export function pagePixels(pages: readonly Page[]): number {
  return pages.reduce((n, p) => n + p.width * p.height, 0);
}
