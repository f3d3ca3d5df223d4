// The Star tokenizer: Star Line mode and StarPRNT (which keeps Line mode's commands and adds a few), applied to
// the same printer model as ESC/POS so both give the same documents. Given the bytes at an ESC, decide the
// command's length from Star's command specifications (STAR Line Mode Command Specifications, StarPRNT Command
// Specifications), apply it and return how many header bytes it took, or NEED_MORE. Data after a header
// (images, barcode and 2D-code data) streams through a payload sink, bounded whatever a length claims; a length
// past its command's documented maximum (limits.ts) is reported and not trusted, and decoding goes on after the
// header. An unknown `ESC x` is taken as two bytes, so decoding resynchronises at once.
import type { Printer } from '../printer.js';
import type { BarcodeSymbology } from '../document.js';
import { CollectSink, RecordsSink, SkipSink, UntilNulSink } from '../payload.js';
import { latin1 } from '../barcode.js';
import { columnsToRows, imageBlock, imageBytes, storedImageBlock, type ImageSpec } from '../images.js';
import { MAX_TAB_STOPS } from '../printer.js';
import { NEED_MORE } from '../commands.js';
import { StarState } from './state.js';
import { decimalParameter } from './page-end.js';
import { pageModeCommand } from './page-mode.js';
import {
  MAX_LOGO_HEIGHT_UNITS,
  MAX_PDF417_DATA,
  MAX_QR_DATA,
  MAX_RASTER_IMAGE_ROWS,
  MAX_SETTING_PARAMETERS,
  maxDots,
  maxRasterImageRow,
  untrusted,
} from './limits.js';

const ESC = 0x1b;
const GS = 0x1d;
const RS = 0x1e;
const ACK = 0x06;
const BEL = 0x07;
const FS = 0x1c;
const FF = 0x0c;
const SO = 0x0e;
const DC4 = 0x14;
const EM = 0x19;
const ETX = 0x03;

/** Longest barcode data kept; Star's barcodes carry far less. */
const MAX_BARCODE = 255;
/** Longest NUL-terminated parameter of raster-mode and memory-switch commands. */
const MAX_PARAMETER = 32;

const u16 = (buf: Uint8Array, i: number): number => buf[i]! | (buf[i + 1]! << 8);
const hex = (b: number): string => '0x' + b.toString(16).padStart(2, '0').toUpperCase();
const printable = (b: number): string => (b >= 0x21 && b <= 0x7e ? String.fromCharCode(b) : hex(b));
/** Parameters Star accepts both as binary 0..9 and as the digits '0'..'9'. */
const digit = (n: number): number => (n >= 0x30 && n <= 0x39 ? n - 0x30 : n);
const fixed = (len: number, i: number, end: number): boolean => end - i >= len;

/** ESC b n1: Star's barcode types (0..13, or '0'..'8'). */
const STAR_SYMBOLOGIES: readonly BarcodeSymbology[] = [
  'UPC-E',
  'UPC-A',
  'EAN8',
  'EAN13',
  'CODE39',
  'ITF',
  'CODE128',
  'CODE93',
  'CODABAR',
  'GS1-128',
  'GS1 DataBar Omnidirectional',
  'GS1 DataBar Truncated',
  'GS1 DataBar Limited',
  'GS1 DataBar Expanded',
];

function unknown(p: Printer, at: number, name: string, len: number): number {
  p.issue(at, `unknown command ${name} skipped`);
  return len;
}

export function parseStarCommand(p: Printer, star: StarState, buf: Uint8Array, i: number, end: number, at: number): number {
  if (end - i < 2) return NEED_MORE;
  if (buf[i] !== ESC) return 1;
  const c = buf[i + 1]!;
  if (c === GS) return escGs(p, star, buf, i, end, at);
  if (c === RS) return fixed(4, i, end) ? escRs(p, buf, i, at) : NEED_MORE;
  if (STAR_ONE_PARAM[c] === 1 && !fixed(3, i, end)) return NEED_MORE;
  const n = buf[i + 2] ?? 0;
  const s = p.style;
  switch (c) {
    case 0x40: // ESC @: initialize
      star.raster.leave(p, at);
      p.initialize(at + 2);
      star.reset();
      return 2;
    case 0x45: // ESC E / ESC F: emphasis on / off
    case 0x46:
      s.emphasized = c === 0x45;
      s.update();
      return 2;
    case 0x2d: // ESC - n: underline
      s.underline = (digit(n) & 1) === 1 ? 1 : 0;
      s.update();
      return 3;
    case 0x34: // ESC 4 / ESC 5: white/black reverse (highlight) on / off
    case 0x35:
      s.invert = c === 0x34;
      s.update();
      return 2;
    case 0x69: // ESC i n1 n2: height and width expansion
      if (!fixed(4, i, end)) return NEED_MORE;
      s.heightMul = expansion(n);
      s.widthMul = expansion(buf[i + 3]!);
      s.update();
      return 4;
    case 0x57: // ESC W n: width expansion
      s.widthMul = expansion(n);
      s.update();
      return 3;
    case 0x68: // ESC h n: height expansion
      s.heightMul = expansion(n);
      s.update();
      return 3;
    case SO: // ESC SO / ESC DC4: double height on / off
    case DC4:
      s.heightMul = c === SO ? 2 : 1;
      s.update();
      return 2;
    case 0x4d: // ESC M: 12-dot pitch (Font A); ESC P and ESC : (other pitches) keep the font's cell
      s.font = 0;
      s.update();
      return 2;
    case 0x50:
    case 0x3a:
    case 0x70: // ESC p: 14-dot pitch on impact models
      return 2;
    case 0x20: // ESC SP n: character spacing in dots, 0..15 (or as digits: receiptline sends '0')
      s.charSpacing = digit(n);
      s.update();
      return 3;
    case 0x73: // ESC s n1 n2: Kanji left/right spacing
      return fixed(4, i, end) ? 4 : NEED_MORE;
    case 0x52: // ESC R n: international character set
      p.selectInternational(n);
      return 3;
    case 0x6c: // ESC l n: left margin in characters
      star.leftColumns = n;
      applyMargins(p, star);
      return 3;
    case 0x51: // ESC Q n: right margin, the column the print area ends at
      star.rightColumn = n;
      applyMargins(p, star);
      return 3;
    case 0x44: // ESC D n1..nk NUL: horizontal tab stops (ESC D NUL clears them)
      p.sink = new UntilNulSink(MAX_TAB_STOPS, (columns) => p.setTabs(columns));
      return 2;
    case 0x42: // ESC B n1..nk NUL: vertical tab stops
    case 0x23: // ESC # N , n1 n2 n3 n4 LF NUL: memory switch
      p.sink = new UntilNulSink(MAX_PARAMETER, () => undefined);
      return 2;
    case 0x61: // ESC a n: feed n lines (the first prints the line in progress)
      for (let k = 0; k < Math.max(1, n); k++) p.lineFeed(at + 3);
      return 3;
    case 0x4a: // ESC J n / ESC I n: feed n/4 mm or n/8 mm, printing what is in the buffer
    case 0x49:
      p.feedDots(at + 3);
      return 3;
    case 0x6a: // ESC j n: reverse feed
      p.flushLine(at + 3);
      p.event('feed', 'ESC j', at + 3, { dots: -n });
      return 3;
    case 0x30: // ESC 0: line spacing 3 mm (24 dots), which orders page-mode lines
      p.setLineSpacing(24);
      return 2;
    case 0x7a: // ESC z n: line spacing 3 mm (n 0) or 4 mm (n 1)
      p.setLineSpacing(digit(n) === 1 ? 32 : 24);
      return 3;
    case 0x32: // ESC 2: default line spacing
    case 0x4f: // ESC O: cancel bottom margin
      return 2;
    case 0x79: // ESC y n, ESC A n, ESC 1 n: line spacing
    case 0x41:
    case 0x31:
    case 0x4e: // ESC N n: bottom margin
    case 0x5f: // ESC _ n: overline
    case 0x2f: // ESC / n: slashed zero
    case 0x24: // ESC $ n: Kanji character set
    case 0x3d: // ESC = n: peripheral selection (sent by drivers that assume ESC/POS)
    case 0x55: // ESC U n: unidirectional printing
    case 0x78: // ESC x n: Kanji
      return 3;
    case 0x43: // ESC C n: page length in lines; ESC C NUL n: in inches
      if (n !== 0) return 3;
      return fixed(4, i, end) ? 4 : NEED_MORE;
    case 0x3f: // ESC ? LF NUL: reset the printer
      return fixed(4, i, end) ? 4 : NEED_MORE;
    case 0x64: // ESC d n: cut
      return paperCut(p, n, at);
    case BEL: // ESC BEL n1 n2: drawer pulse widths for the next BEL / SUB
      if (!fixed(4, i, end)) return NEED_MORE;
      star.pulseOnMs = n * 10;
      star.pulseOffMs = buf[i + 3]! * 10;
      return 4;
    case ACK: // ESC ACK SOH: automatic status request
      if (!fixed(3, i, end)) return NEED_MORE;
      p.event('status-request', 'ESC ACK', at + 3, { n });
      return 3;
    case 0x62: // ESC b n1 n2 n3 n4 d1..dk RS: barcode
      return barcode(p, buf, i, end, at);
    case 0x4b: // ESC K n1 n2 d: 8-dot bit image, normal density
    case 0x4c: // ESC L n1 n2 d: 8-dot bit image, high density
      return bitImage(p, buf, i, end, at, 1, 1);
    case 0x58: // ESC X n1 n2 d: 24-dot bit image, n columns of 3 bytes
      return bitImage(p, buf, i, end, at, 3, 1);
    case 0x6b: // ESC k n1 n2 d: 24-dot band of 24 raster rows of n bytes (as receiptline's Star Line images send it)
      return bitImage(p, buf, i, end, at, 3, 8, 'rows');
    case FS: // ESC FS p n m: print NV logo n
      return logo(p, buf, i, end, at);
    case 0x2a: // ESC * r ...: raster graphics mode
      return rasterMode(p, star, buf, i, end, at);
    case FF: // ESC FF n: end of page (NUL) or document (EOT) in raster mode
      return rasterFormFeed(p, star, buf, i, end, at);
    default:
      return unknown(p, at, `ESC ${printable(c)}`, 2);
  }
}

/** ESC x commands with one parameter byte, as a table by x: one indexed load per command, no hashing. */
const STAR_ONE_PARAM = new Uint8Array(256);
for (const c of [
  0x2d, 0x57, 0x68, 0x20, 0x52, 0x6c, 0x51, 0x61, 0x4a, 0x49, 0x6a, 0x7a, 0x79, 0x41, 0x31, 0x4e, 0x5f, 0x2f, 0x24,
  0x3d, 0x55, 0x78, 0x43, 0x64,
]) {
  STAR_ONE_PARAM[c] = 1;
}

/** Expansion parameters 0..5 (or '0'..'5') are multipliers 1..6; larger values are out of range and ignored as 1x. */
function expansion(n: number): number {
  const v = digit(n);
  return v <= 7 ? v + 1 : 1;
}

/** ESC l / ESC Q: margins in Font A characters (the grid), as the print area. */
function applyMargins(p: Printer, star: StarState): void {
  const cell = p.opts.gridDots;
  p.leftMargin = Math.min(star.leftColumns * cell, p.opts.paperWidth - 1);
  const right = star.rightColumn === 0 ? p.opts.paperWidth : star.rightColumn * cell;
  p.printWidth = Math.max(cell, right - p.leftMargin);
  p.updateArea();
}

/** ESC d n: 0 full cut, 1 partial cut, 2 / 3 the same after feeding to the cutter; also '0'..'3'. */
function paperCut(p: Printer, n: number, at: number): number {
  const v = digit(n);
  if (v > 3) {
    p.issue(at, `ESC d with unknown function ${n} skipped`);
    return 3;
  }
  const after = at + 3;
  // A cut in page mode prints the page first, as ESC/POS's does.
  if (p.pageMode) p.printPage(after, true);
  p.flushLine(after);
  p.event('cut', 'ESC d', after, { mode: (v & 1) === 0 ? 'full' : 'partial', feed: v >= 2 });
  p.endDocument(after);
  return 3;
}

/** ESC RS x n: four bytes whatever x is (font, automatic status, colour, settings). */
function escRs(p: Printer, buf: Uint8Array, i: number, at: number): number {
  const x = buf[i + 2]!;
  const n = buf[i + 3]!;
  if (x === 0x46) {
    // ESC RS F n: font A (12 x 24), B (9 x 24), C
    const font = digit(n);
    p.style.font = font <= 2 ? font : 0;
    p.style.update();
  } else if (x === 0x61) {
    p.event('status-request', 'ESC RS a', at + 4, { n });
  }
  return 4;
}

/** ESC GS x ...: the commands Star added behind ESC GS. */
function escGs(p: Printer, star: StarState, buf: Uint8Array, i: number, end: number, at: number): number {
  if (!fixed(4, i, end)) return NEED_MORE;
  const c = buf[i + 2]!;
  const n = buf[i + 3]!;
  switch (c) {
    case 0x61: {
      // ESC GS a n: alignment
      const v = digit(n);
      if (v <= 2) p.align = (['left', 'center', 'right'] as const)[v]!;
      return 4;
    }
    case 0x74: // ESC GS t n: code page, in Star's numbering unless the setup says otherwise
      p.selectCodeTable(n);
      return 4;
    case 0x41: // ESC GS A n1 n2: absolute position from the left margin
      if (!fixed(5, i, end)) return NEED_MORE;
      p.moveTo(u16(buf, i + 3));
      return 5;
    case 0x52: {
      // ESC GS R n1 n2: relative position, signed
      if (!fixed(5, i, end)) return NEED_MORE;
      const d = u16(buf, i + 3);
      p.moveTo(p.line.x + (d >= 0x8000 ? d - 0x10000 : d));
      return 5;
    }
    case 0x79: // ESC GS y ...: QR code
      return qrCode(p, star, buf, i, end, at);
    case 0x78: // ESC GS x ...: PDF417
      return pdf417(p, star, buf, i, end, at);
    case 0x53: // ESC GS S m xL xH yL yH n d: raster image (StarPRNT)
      return rasterImage(p, buf, i, end, at);
    case 0x50: // ESC GS P n ...: page mode (StarPRNT)
      return pageModeCommand(p, star, buf, i, end, at);
    case ETX: // ESC GS ETX s n1 n2: print start control
      return fixed(6, i, end) ? 6 : NEED_MORE;
    case EM: {
      // ESC GS EM DC1 m n1 n2: buzzer settings; ESC GS EM DC2 m n1 n2: buzzer drive
      if (!fixed(7, i, end)) return NEED_MORE;
      if (n === 0x12) p.event('buzzer', 'ESC GS EM DC2', at + 7, { buzzer: buf[i + 4]!, times: u16(buf, i + 5) });
      return 7;
    }
    case BEL: // ESC GS BEL m t1 t2: external buzzer
      if (!fixed(6, i, end)) return NEED_MORE;
      p.event('buzzer', 'ESC GS BEL', at + 6, { buzzer: n, times: buf[i + 4]! });
      return 6;
    case 0x23: // ESC GS # m N n1 n2 n3 n4 LF NUL: memory switch
      p.sink = new UntilNulSink(MAX_PARAMETER, () => undefined);
      return 3;
    case 0x28: // ESC GS ( x pL pH ... / ESC GS ) x pL pH ...: settings and printer information, not printed
    case 0x29:
      return settings(p, buf, i, end, at);
    default:
      return unknown(p, at, `ESC GS ${printable(c)}`, 3);
  }
}

/** ESC GS ( x pL pH d1..dk / ESC GS ) x pL pH d1..dk: k = pL + pH * 256 bytes of parameters, skipped. */
function settings(p: Printer, buf: Uint8Array, i: number, end: number, at: number): number {
  if (!fixed(6, i, end)) return NEED_MORE;
  const k = u16(buf, i + 4);
  const command = `ESC GS ${String.fromCharCode(buf[i + 2]!)} ${printable(buf[i + 3]!)}`;
  if (k > MAX_SETTING_PARAMETERS) {
    untrusted(p, at, command, `${k} bytes of parameters`, `any setting takes (${MAX_SETTING_PARAMETERS})`);
    return 6;
  }
  if (k > 0) p.sink = new SkipSink(k);
  return 6;
}

/** ESC b n1 n2 n3 n4 d1..dk RS: type, HRI (1 none, 2 below, 3/4 the same without feed), width mode, height. */
function barcode(p: Printer, buf: Uint8Array, i: number, end: number, at: number): number {
  if (!fixed(6, i, end)) return NEED_MORE;
  const type = digit(buf[i + 2]!);
  const hri = digit(buf[i + 3]!);
  const moduleWidth = digit(buf[i + 4]!);
  const height = buf[i + 5]!;
  const symbology = STAR_SYMBOLOGIES[type] ?? 'unknown';
  const align = p.align;
  p.sink = new UntilNulSink(
    MAX_BARCODE,
    (data, terminated) => {
      if (!terminated) p.issue(at, 'ESC b barcode data without RS terminator');
      const after = at + 6 + data.length + (terminated ? 1 : 0);
      p.flushLine(after);
      p.emit(
        { kind: 'barcode', symbology, data: latin1(data), hri: hri === 2 || hri === 4 ? 'below' : 'none', height, moduleWidth, align },
        after,
      );
    },
    RS,
  );
  return 6;
}

/** ESC GS y S 0 n model, S 1 n error correction, S 2 n cell size; D 1 m nL nH d store data; P print; I info. */
function qrCode(p: Printer, star: StarState, buf: Uint8Array, i: number, end: number, at: number): number {
  const f = buf[i + 3]!;
  if (f === 0x53) {
    if (!fixed(6, i, end)) return NEED_MORE;
    star.qr.set(buf[i + 4]!, buf[i + 5]!);
    return 6;
  }
  if (f === 0x44) {
    if (!fixed(5, i, end)) return NEED_MORE;
    if (buf[i + 4] !== 0x31) return unknown(p, at, `ESC GS y D ${printable(buf[i + 4]!)}`, 5);
    if (!fixed(8, i, end)) return NEED_MORE;
    const k = u16(buf, i + 6);
    if (k > MAX_QR_DATA) {
      untrusted(p, at, 'ESC GS y D', `${k} bytes of QR data`, `a QR code holds (${MAX_QR_DATA})`);
      return 8;
    }
    p.sink = new CollectSink(k, 0, k, k, (data, complete) => {
      if (!complete) p.issue(at, 'ESC GS y D QR data truncated at end of stream');
      star.qr.data = latin1(data.bytes());
    });
    return 8;
  }
  if (f === 0x50) {
    p.flushLine(at + 4);
    p.emit({ kind: '2d', symbology: 'QR', data: star.qr.data, settings: star.qr.settings(), align: p.align }, at + 4);
    return 4;
  }
  if (f === 0x49) {
    p.event('status-request', 'ESC GS y I', at + 4);
    return 4;
  }
  return unknown(p, at, `ESC GS y ${printable(f)}`, 4);
}

/** ESC GS x S 0 n p1 p2 size, S 1..3 n settings; D nL nH d store data; P print; I info. */
function pdf417(p: Printer, star: StarState, buf: Uint8Array, i: number, end: number, at: number): number {
  const f = buf[i + 3]!;
  if (f === 0x53) {
    if (!fixed(5, i, end)) return NEED_MORE;
    const len = buf[i + 4] === 0x30 ? 8 : 6;
    if (!fixed(len, i, end)) return NEED_MORE;
    star.pdf417.set(buf[i + 4]!, buf.subarray(i + 5, i + len));
    return len;
  }
  if (f === 0x44) {
    if (!fixed(6, i, end)) return NEED_MORE;
    const k = u16(buf, i + 4);
    if (k > MAX_PDF417_DATA) {
      untrusted(p, at, 'ESC GS x D', `${k} bytes of PDF417 data`, `a PDF417 symbol holds (${MAX_PDF417_DATA})`);
      return 6;
    }
    p.sink = new CollectSink(k, 0, k, k, (data, complete) => {
      if (!complete) p.issue(at, 'ESC GS x D PDF417 data truncated at end of stream');
      star.pdf417.data = latin1(data.bytes());
    });
    return 6;
  }
  if (f === 0x50) {
    p.flushLine(at + 4);
    p.emit({ kind: '2d', symbology: 'PDF417', data: star.pdf417.data, settings: star.pdf417.settings(), align: p.align }, at + 4);
    return 4;
  }
  if (f === 0x49) {
    p.event('status-request', 'ESC GS x I', at + 4);
    return 4;
  }
  return unknown(p, at, `ESC GS x ${printable(f)}`, 4);
}

/**
 * ESC K / ESC L / ESC X / ESC k n1 n2 d...: one band `bytesPerColumn` * 8 dots tall; n counts columns, or bytes of
 * a row (8 columns) for ESC k. ESC K / L / X send column-format bits; ESC k sends its band as raster rows, top row
 * first (StarPRNT Command Specifications, ESC k). Consecutive bands of one width merge into one image, as ESC * does.
 */
function bitImage(
  p: Printer,
  buf: Uint8Array,
  i: number,
  end: number,
  at: number,
  bytesPerColumn: number,
  columnsPerUnit: number,
  layout: 'columns' | 'rows' = 'columns',
): number {
  if (!fixed(4, i, end)) return NEED_MORE;
  const width = u16(buf, i + 2) * columnsPerUnit;
  const command = `ESC ${String.fromCharCode(buf[i + 1]!)}`;
  if (width > maxDots(p)) {
    untrusted(p, at, command, `a bit image ${width} dots wide`, `the paper's ${maxDots(p)} dots`);
    return 4;
  }
  const spec: ImageSpec = { source: command, width, height: bytesPerColumn * 8, scaleX: 1, scaleY: 1, align: p.align };
  const total = width * bytesPerColumn;
  const fits = imageBytes(width, spec.height) <= p.opts.imageLimitBytes;
  p.sink = new CollectSink(total, 0, total, fits ? total : 0, (data, complete) => {
    if (!complete) p.issue(at, `${command} bit image truncated at end of stream`);
    const band = fits && complete ? data.toSize(total) : null;
    const bits = band === null || layout === 'rows' ? band : columnsToRows(band, width, bytesPerColumn);
    p.emitBand(imageBlock(spec, bits), at + 4 + total);
  });
  return 4;
}

/** ESC GS S m xL xH yL yH n d1..dk: m 1 (monochrome), x bytes per row, y rows, n tone; k = x * y. */
function rasterImage(p: Printer, buf: Uint8Array, i: number, end: number, at: number): number {
  if (!fixed(9, i, end)) return NEED_MORE;
  const xBytes = u16(buf, i + 4);
  const height = u16(buf, i + 6);
  if (buf[i + 3] !== 1) {
    p.issue(at, `ESC GS S raster image with unknown mode ${buf[i + 3]!}: header skipped, length not trusted`);
    return 9;
  }
  if (xBytes > maxRasterImageRow(p)) {
    untrusted(p, at, 'ESC GS S', `${xBytes} bytes per raster row`, `the paper's ${maxRasterImageRow(p)}`);
    return 9;
  }
  if (height > MAX_RASTER_IMAGE_ROWS) {
    untrusted(p, at, 'ESC GS S', `${height} rows`, `${MAX_RASTER_IMAGE_ROWS}`);
    return 9;
  }
  const spec: ImageSpec = { source: 'ESC GS S', width: xBytes * 8, height, scaleX: 1, scaleY: 1, align: p.align };
  const total = xBytes * height;
  const fits = total <= p.opts.imageLimitBytes;
  p.sink = new CollectSink(total, 0, total, fits ? total : 0, (data, complete) => {
    if (!complete) p.issue(at, 'ESC GS S raster image truncated at end of stream');
    p.flushLine(at);
    p.emit(imageBlock(spec, fits && complete ? data.toSize(total) : null), at + 9 + total);
  });
  return 9;
}

/** ESC FS p n m: print the logo stored in the printer under n (m: scale); ESC FS q: define logos. */
function logo(p: Printer, buf: Uint8Array, i: number, end: number, at: number): number {
  if (!fixed(3, i, end)) return NEED_MORE;
  if (buf[i + 2] === 0x71) return defineLogos(p, buf, i, end, at);
  if (buf[i + 2] !== 0x70) return unknown(p, at, `ESC FS ${printable(buf[i + 2]!)}`, 3);
  if (!fixed(5, i, end)) return NEED_MORE;
  p.flushLine(at + 5);
  const spec: ImageSpec = { source: 'ESC FS p', width: 0, height: 0, scaleX: 1, scaleY: 1, align: p.align, ref: String(buf[i + 3]!) };
  p.emit(storedImageBlock(spec), at + 5);
  return 5;
}

/**
 * ESC FS q n [xL xH yL yH d1..dk]1..n: n logos into the printer's memory, each x by y units of 8 dots in column
 * format (k = x * y * 8), as Epson's FS q. They print later with ESC FS p, so their bits are not kept here. A
 * logo wider than the paper or taller than Star allows is damage: the definitions stop there and what follows
 * is decoded as commands.
 */
function defineLogos(p: Printer, buf: Uint8Array, i: number, end: number, at: number): number {
  if (!fixed(4, i, end)) return NEED_MORE;
  let damaged = false;
  const sink: RecordsSink = new RecordsSink(
    buf[i + 3]!,
    4,
    (h) => {
      const x = u16(h, 0);
      const y = u16(h, 2);
      if (x * 8 <= maxDots(p) && y <= MAX_LOGO_HEIGHT_UNITS) return x * y * 8;
      untrusted(p, at, 'ESC FS q', `a logo of ${x * 8} x ${y * 8} dots`, `the paper's ${maxDots(p)} dots or ${MAX_LOGO_HEIGHT_UNITS * 8} tall`);
      damaged = true;
      sink.abort();
      return 0;
    },
    () => null,
    (complete) => {
      if (!complete && !damaged) p.issue(at, 'ESC FS q logo definitions truncated at end of stream');
    },
  );
  p.sink = sink;
  return 4;
}

/** Longest raster feed taken from ESC * r Y: the longest page Star's raster mode prints, 64000 dots. */
const MAX_RASTER_FEED = 64000;

/**
 * A raster-mode parameter up to NUL (after a header ending at stream offset `after`), applied by letter `x`;
 * inside the mode, the rows that follow it are read by the mode's sink.
 */
function rasterParameter(p: Printer, star: StarState, x: number, after: number): UntilNulSink {
  return new UntilNulSink(MAX_PARAMETER, (data, terminated) => {
    const at = after + data.length + (terminated ? 1 : 0);
    const n = decimalParameter(data, MAX_RASTER_FEED);
    const raster = star.raster;
    if (x === 0x45) raster.setMode(p, 'eot', n, at);
    else if (x === 0x46) raster.setMode(p, 'ff', n, at);
    else if (x === 0x65) raster.setMode(p, 'em', n, at);
    else if (x === 0x59 && n !== null) raster.feed(n);
    if (raster.active) p.sink = raster.sink(p, at);
  });
}

/** ESC FF n: in raster mode, NUL runs the FF mode, EOT the EOT mode, EM the EM mode; elsewhere nothing. */
function rasterFormFeed(p: Printer, star: StarState, buf: Uint8Array, i: number, end: number, at: number): number {
  if (!fixed(3, i, end)) return NEED_MORE;
  const n = buf[i + 2]!;
  if (!star.raster.active) return 3;
  if (n === 0x00) star.raster.runMode(p, 'ff', 'ESC FF NUL', at + 3);
  else if (n === 0x04) star.raster.runMode(p, 'eot', 'ESC FF EOT', at + 3);
  else if (n === 0x19) star.raster.runMode(p, 'em', 'ESC FF EM', at + 3);
  return 3;
}

/** ESC * r x n NUL: E, F, e page-end modes; P page length; T top margin; Q quality; Y feed; K / t colour; D pulse. */
const RASTER_PARAMETERS = new Set([0x45, 0x46, 0x65, 0x50, 0x54, 0x51, 0x59, 0x4b, 0x74, 0x44]);

/**
 * ESC * r x: raster graphics mode. A (enter), B (quit), C (clear) stand alone; E, P, T, Q, F, Y, K and m l / m r
 * take a decimal parameter ended by NUL. Raster rows sent inside the mode (`b n1 n2 d`) are read by the mode's
 * sink (see StarDecoder), not as text.
 */
function rasterMode(p: Printer, star: StarState, buf: Uint8Array, i: number, end: number, at: number): number {
  if (!fixed(4, i, end)) return NEED_MORE;
  if (buf[i + 2] !== 0x72) return unknown(p, at, `ESC * ${printable(buf[i + 2]!)}`, 3);
  const x = buf[i + 3]!;
  if (x === 0x41) {
    p.flushLine(at + 4);
    star.raster.enter();
    return 4;
  }
  if (x === 0x42) {
    star.raster.quit(p, at + 4);
    return 4;
  }
  // C clears the image buffer, R initialises the mode, a / b start and end a block of emulated commands.
  if (x === 0x43 || x === 0x52 || x === 0x61 || x === 0x62) return 4;
  if (x === 0x6d) {
    if (!fixed(5, i, end)) return NEED_MORE;
    p.sink = rasterParameter(p, star, x, at + 5);
    return 5;
  }
  if (RASTER_PARAMETERS.has(x)) {
    p.sink = rasterParameter(p, star, x, at + 4);
    return 4;
  }
  return unknown(p, at, `ESC * r ${printable(x)}`, 4);
}
