// Bitmaps in the document are rows of 1 bpp, MSB leftmost, 1 = black. ESC/POS sends them either that way
// (GS v 0, GS ( L raster) or as columns of vertical bytes (ESC *, GS ( L column, GS *, FS q); this module
// converts the latter and builds ImageBlocks.
import type { Alignment, ImageBlock } from './document.js';

export function rowBytes(width: number): number {
  return (width + 7) >> 3;
}

/**
 * Column format to rows: `data` holds `width` columns, each `bytesPerColumn` bytes from top to bottom with the
 * most significant bit topmost. Returns rows for an image `bytesPerColumn * 8` dots tall.
 */
export function columnsToRows(data: Uint8Array, width: number, bytesPerColumn: number): Uint8Array {
  const height = bytesPerColumn * 8;
  const stride = rowBytes(width);
  const out = new Uint8Array(stride * height);
  for (let x = 0; x < width; x++) {
    const colBase = x * bytesPerColumn;
    const mask = 0x80 >> (x & 7);
    const xByte = x >> 3;
    for (let b = 0; b < bytesPerColumn; b++) {
      const v = data[colBase + b] ?? 0;
      if (v === 0) continue;
      const y0 = b * 8;
      for (let bit = 0; bit < 8; bit++) {
        if (v & (0x80 >> bit)) out[(y0 + bit) * stride + xByte]! |= mask;
      }
    }
  }
  return out;
}

/** Rows of `fromStride` bytes re-packed to exactly rowBytes(width) per row (GS ( L raster rows are already so). */
export function appendRows(top: Uint8Array, bottom: Uint8Array): Uint8Array {
  const out = new Uint8Array(top.length + bottom.length);
  out.set(top);
  out.set(bottom, top.length);
  return out;
}

export interface ImageSpec {
  source: string;
  width: number;
  height: number;
  scaleX: number;
  scaleY: number;
  align: Alignment;
  ref?: string;
}

/** Size in bytes of the bits of a width x height image, or Infinity when it overflows a sane range. */
export function imageBytes(width: number, height: number): number {
  return rowBytes(width) * height;
}

export function imageBlock(spec: ImageSpec, bits: Uint8Array | null): ImageBlock {
  const block: ImageBlock = {
    kind: 'image',
    source: spec.source,
    width: spec.width,
    height: spec.height,
    bits: bits ?? new Uint8Array(0),
    truncated: bits === null,
    scaleX: spec.scaleX,
    scaleY: spec.scaleY,
    align: spec.align,
  };
  return spec.ref === undefined ? block : { ...block, ref: spec.ref };
}

/** An image whose bits were defined on the printer before this job (NV / stored graphics not seen here). */
export function storedImageBlock(spec: ImageSpec): ImageBlock {
  return { ...imageBlock(spec, new Uint8Array(0)), truncated: false };
}

/** Scale factors of the m parameter shared by GS v 0 and GS /: 0 normal, 1 double width, 2 double height, 3 both. */
export function scaleOf(m: number): { scaleX: number; scaleY: number } {
  const v = m >= 48 ? m - 48 : m;
  return { scaleX: v & 1 ? 2 : 1, scaleY: v & 2 ? 2 : 1 };
}
