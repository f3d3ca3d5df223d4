// The most a length-prefixed ESC/POS command can carry on the printer the options describe: the ranges the Epson
// ESC/POS reference gives for TM-class printers (taking the widest where models differ), and the paper width for
// image widths. A header past them is damage, not data: trusting it would skip megabytes or gigabytes and hide
// the rest of the job, cuts included. The tokenizer takes such a header alone, notes an issue, and reads on.

/** GS v 0 rows: yH <= 8 on Epson (2303 rows); compatible printers document up to 4095. */
export const RASTER_MAX_ROWS = 4095;
/** GS * downloaded bit image: 1 <= y <= 48 and x * y <= 1536 (bytes of 8 dots). */
export const DOWNLOADED_MAX_Y = 48;
export const DOWNLOADED_MAX_XY = 1536;
/** FS q NV bit images: 1 <= x <= 1023 (bytes of 8 dots across), 1 <= y <= 288 (bytes of 8 dots down). */
export const NV_IMAGE_MAX_X = 1023;
export const NV_IMAGE_MAX_Y = 288;
/** GS ( L / GS 8 L graphics: at most 8192 dots across (NV definitions; buffer stores 2400) and 2400 down. */
export const GRAPHICS_MAX_WIDTH = 8192;
export const GRAPHICS_MAX_HEIGHT = 2400;
/** FS g 1 write to NV user memory: 1 <= nL + nH * 256 <= 1024. */
export const NV_MEMORY_MAX_WRITE = 1024;
/** GS ( k store data (k = data + 3): QR Code at most 7092, MaxiCode 141; the other symbols are bounded by pL pH. */
const SYMBOL_MAX_K: Readonly<Record<number, number>> = { 49: 7092, 50: 141 };
export function symbolMaxK(cn: number): number {
  return SYMBOL_MAX_K[cn] ?? 0xffff;
}

/**
 * Widest image, in data dots, a printer of this paper width takes. Epson reads and discards data past the print
 * area, so an image somewhat wider than the paper is valid; one more than twice as wide is printed by no printer
 * of this width and is taken as a damaged header.
 */
export function maxImageWidth(paperWidth: number): number {
  return 2 * paperWidth;
}
