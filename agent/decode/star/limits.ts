// The most data each length-prefixed Star command can carry, from Star's command specifications and the symbol
// standards. A length past its command's maximum cannot come from a working driver: it is damage, and trusting
// it would swallow the rest of the job (text, cuts and all) as image or code data. The tokenizer reports such a
// length, takes the header alone and decodes what follows as commands again.
import type { Printer } from '../printer.js';
import { rowBytes } from '../images.js';

/** QR code data: a version 40 symbol holds at most 7089 numeric characters (ISO/IEC 18004). */
export const MAX_QR_DATA = 7089;
/** PDF417 data: a symbol holds at most 2710 digits (ISO/IEC 15438). */
export const MAX_PDF417_DATA = 2710;
/** ESC GS S: "1 <= xL + xH x 256 <= 128" bytes per row (StarPRNT Command Specifications, raster graphics). */
const MAX_RASTER_IMAGE_ROW = 128;
/**
 * ESC GS S rows: Star documents no maximum height. Taller than Epson's documented GS v 0 maximum (4095 rows,
 * 51 cm at 203 dpi) is taken as damage, so a bad height costs at most 512 KB of skipped bytes, not 8 MB.
 */
export const MAX_RASTER_IMAGE_ROWS = 4095;
/** ESC FS q logos: at most 288 units of 8 dots tall (STAR Line Mode Command Specifications, as Epson's FS q). */
export const MAX_LOGO_HEIGHT_UNITS = 288;
/**
 * ESC GS ( / ESC GS ) settings and printer-information requests carry a function byte and a few parameters;
 * none documented takes more than a few dozen, so a length past this is damage.
 */
export const MAX_SETTING_PARAMETERS = 1024;

/** Dots across the paper: the widest bit image or raster row the printer prints. */
export function maxDots(p: Printer): number {
  return p.opts.paperWidth;
}

/** Bytes in the widest raster row across the paper (ESC * r raster mode `b n1 n2` rows). */
export function maxRowBytes(p: Printer): number {
  return rowBytes(p.opts.paperWidth);
}

/** Bytes in the widest ESC GS S row: the paper's width, and never past Star's documented 128. */
export function maxRasterImageRow(p: Printer): number {
  return Math.min(MAX_RASTER_IMAGE_ROW, maxRowBytes(p));
}

/** The issue a damaged length raises; the wording says what happens next, so a reader of the document knows. */
export function untrusted(p: Printer, at: number, command: string, claimed: string, most: string): void {
  p.issue(at, `${command} claims ${claimed}, more than ${most}: header skipped, length not trusted`);
}
