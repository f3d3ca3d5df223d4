// The ESC/POS tokenizer: given the bytes at a command's first byte (ESC, GS, FS or DLE), decide the command's
// length from the Epson ESC/POS reference, apply it to the printer and return how many header bytes it took,
// or NEED_MORE when the header is not complete yet. Nothing happens on NEED_MORE, so the caller can retry with
// more bytes. Any data after the header (images, barcode text, skipped functions) is handed to a payload sink
// on `p.sink`. Every header is decidable within MAX_HEADER bytes. Unknown commands are noted as issues and
// skipped by their documented length where the family defines one (every `x ( y pL pH` family does); a truly
// unknown `ESC x` / `GS x` / `FS x` is taken as two bytes and a stray DLE as one, so decoding resynchronises.
import type { Printer, StoredImage } from './printer.js';
import { CollectSink, DAMAGED_RECORD, RecordsSink, SkipSink, UntilNulSink, type BoundedBytes } from './payload.js';
import { barcodeBlock, hriPosition, latin1, symbologyOf } from './barcode.js';
import { PRINT_FN, STORE_FN, storeHeaderLength } from './twod.js';
import { columnsToRows, imageBlock, imageBytes, rowBytes, scaleOf, storedImageBlock, type ImageSpec } from './images.js';
import { underlineMode } from './style.js';
import { MAX_TAB_STOPS } from './printer.js';
import { NOT_DIALECT, bematechDrawer, dialectBarcode, dialectEsc, dialectGs } from './dialects.js';
import {
  DOWNLOADED_MAX_XY,
  DOWNLOADED_MAX_Y,
  GRAPHICS_MAX_HEIGHT,
  GRAPHICS_MAX_WIDTH,
  NV_IMAGE_MAX_X,
  NV_IMAGE_MAX_Y,
  NV_MEMORY_MAX_WRITE,
  RASTER_MAX_ROWS,
  maxImageWidth,
  symbolMaxK,
} from './limits.js';

export const NEED_MORE = -1;
export const MAX_HEADER = 32;

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const DLE = 0x10;

/** Longest barcode / 2D-code data kept (a QR code holds at most 7089 characters). */
const MAX_CODE_DATA = 8192;
/** GS ( k functions other than "store data" whose parameters are read whole. */
const SMALL_FUNCTION = 16;
/** Longest skip of an unknown length-prefixed command: what pL pH can say. */
const MAX_UNKNOWN_SKIP = 0xffff;
/** Colour planes a graphics store function can carry (multi-tone: four). */
const MAX_PLANES = 4;

const u16 = (buf: Uint8Array, i: number): number => buf[i]! | (buf[i + 1]! << 8);
const hex = (b: number): string => '0x' + b.toString(16).padStart(2, '0').toUpperCase();
const printable = (b: number): string => (b >= 0x21 && b <= 0x7e ? String.fromCharCode(b) : hex(b));
const align = (n: number): 'left' | 'center' | 'right' | undefined =>
  (['left', 'center', 'right'] as const)[n >= 48 ? n - 48 : n];
/** Parameters that Epson accepts both as 0/1 and as '0'/'1': only the lowest bit matters. */
const on = (n: number): boolean => (n & 1) === 1;

/** Data text of 2D codes: UTF-8 when it is valid UTF-8 (what generators send), else one byte per character. */
const utf8 = new TextDecoder('utf-8', { fatal: true });
function codeText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return latin1(bytes);
  }
}

export function parseCommand(p: Printer, buf: Uint8Array, i: number, end: number, at: number): number {
  if (end - i < 2) return NEED_MORE;
  switch (buf[i]) {
    case ESC:
      return escCommand(p, buf, i, end, at);
    case GS:
      return gsCommand(p, buf, i, end, at);
    case FS:
      return fsCommand(p, buf, i, end, at);
    case DLE:
      return dleCommand(p, buf, i, end, at);
    default:
      return 1;
  }
}

/** Command bytes as a 256-entry table (1 = in the set): one indexed load on every command, no hashing. */
function byteSet(codes: readonly number[]): Uint8Array {
  const set = new Uint8Array(256);
  for (const c of codes) set[c] = 1;
  return set;
}

/** Length of a fixed-length command, or NEED_MORE when fewer bytes are available. */
function fixed(len: number, i: number, end: number): boolean {
  return end - i >= len;
}

/**
 * A header claiming more than the command can carry on this printer (limits.ts): taken alone, with an issue, and
 * what follows is decoded as commands, so the text and cuts after a damaged length are not swallowed.
 */
function damaged(p: Printer, at: number, what: string, headerLength: number): number {
  p.issue(at, `${what}: more than this printer takes, header skipped and length not trusted`);
  return headerLength;
}

function unknown(p: Printer, at: number, prefix: string, b: number, len: number): number {
  p.issue(at, `unknown command ${prefix} ${printable(b)} skipped`);
  return len;
}

// ---- ESC ------------------------------------------------------------------------------------------------

function escCommand(p: Printer, buf: Uint8Array, i: number, end: number, at: number): number {
  const c = buf[i + 1]!;
  const n = buf[i + 2] ?? 0;
  const s = p.style;
  // Commands with one parameter byte share the length check.
  if (ESC_ONE_PARAM[c] === 1 && !fixed(3, i, end)) return NEED_MORE;
  switch (c) {
    case 0x0c: // ESC FF: print the page and keep it, to print again (FF prints it and clears it)
      p.printPage(at + 2, true, true);
      return 2;
    case 0x20: // ESC SP n: right-side character spacing
      s.charSpacing = n;
      s.update();
      return 3;
    case 0x21: // ESC ! n
      s.setPrintMode(n);
      return 3;
    case 0x24: // ESC $ nL nH: absolute position
      if (!fixed(4, i, end)) return NEED_MORE;
      p.moveTo(u16(buf, i + 2));
      return 4;
    case 0x25: // ESC % n: user-defined character set on/off
      p.userCharsOn = on(n);
      p.rebuildTable();
      return 3;
    case 0x26: // ESC & y c1 c2 [x d1..d(y*x)]...
      return userDefinedChars(p, buf, i, end, at);
    case 0x28: // ESC ( fn pL pH ...
      return lengthPrefixed(p, buf, i, end, at, 'ESC', ESC_FAMILIES);
    case 0x2a: // ESC * m nL nH d...
      return bitImage(p, buf, i, end, at);
    case 0x2d: {
      const u = underlineMode(n);
      if (u !== undefined) {
        s.underline = u;
        s.update();
      }
      return 3;
    }
    case 0x32: // ESC 2: default line spacing
      p.setLineSpacing(30);
      return 2;
    case 0x33: // ESC 3 n
      p.setLineSpacing(n);
      return 3;
    case 0x3d: // ESC = n: select peripheral device
      p.selected = on(n);
      return 3;
    case 0x3f: // ESC ? n: cancel user-defined character
      p.userDefined[n] = 0;
      if (p.userCharsOn) p.rebuildTable();
      return 3;
    case 0x40: // ESC @
      p.initialize(at + 2);
      return 2;
    case 0x42: // ESC B n t: beeper (widespread on Epson-compatible printers)
      if (!fixed(4, i, end)) return NEED_MORE;
      p.event('buzzer', 'ESC B', at + 4, { times: n, duration: buf[i + 3]! });
      return 4;
    case 0x44: // ESC D n1..nk NUL
      p.sink = new UntilNulSink(MAX_TAB_STOPS, (columns) => p.setTabs(columns));
      return 2;
    case 0x45: // ESC E n: emphasized
      // Bematech, Daruma and Elgin send a bare ESC E; Epson's n is always 0/1/'0'/'1' in practice.
      if (n !== 0 && n !== 1 && n !== 48 && n !== 49) {
        s.emphasized = true;
        s.update();
        return 2;
      }
      s.emphasized = on(n);
      s.update();
      return 3;
    case 0x47: // ESC G n: double-strike (prints like emphasized)
      s.doubleStrike = on(n);
      s.update();
      return 3;
    case 0x4a: // ESC J n: print and feed n dots
      p.feedDots(at + 3);
      return 3;
    case 0x4b: // ESC K n: print and reverse feed n dots
      p.flushLine(at + 3);
      p.event('feed', 'ESC K', at + 3, { dots: -n });
      return 3;
    case 0x4c: // ESC L: page mode
      p.enterPageMode(at + 2);
      return 2;
    case 0x4d: // ESC M n: font
      s.setFont(n);
      return 3;
    case 0x52: // ESC R n: international character set
      p.selectInternational(n);
      return 3;
    case 0x53: // ESC S: standard mode
      p.leavePageMode(at);
      return 2;
    case 0x56: // ESC V n: 90° rotation
      s.rotated = n === 1 || n === 2 || n === 49 || n === 50;
      s.update();
      return 3;
    case 0x57: // ESC W xL xH yL yH dxL dxH dyL dyH: page-mode print area
      if (!fixed(10, i, end)) return NEED_MORE;
      p.setPageArea(u16(buf, i + 2), u16(buf, i + 4), u16(buf, i + 6), u16(buf, i + 8));
      return 10;
    case 0x5c: {
      // ESC \ nL nH: relative position, signed
      if (!fixed(4, i, end)) return NEED_MORE;
      const d = u16(buf, i + 2);
      p.moveTo(p.line.x + (d >= 0x8000 ? d - 0x10000 : d));
      return 4;
    }
    case 0x61: {
      const a = align(n);
      if (a !== undefined) p.align = a;
      return 3;
    }
    case 0x63: // ESC c 0..5 n: paper type, sensors, panel buttons
    case 0x66: // ESC f t n: cut-sheet wait time
      return fixed(4, i, end) ? 4 : NEED_MORE;
    case 0x64: {
      // ESC d n: print and feed n lines; the first line feed prints the buffer
      p.lineFeed(at + 3);
      for (let k = 1; k < n; k++) p.lineFeed(at + 3);
      return 3;
    }
    case 0x65: // ESC e n: print and reverse feed n lines
      p.flushLine(at + 3);
      p.event('feed', 'ESC e', at + 3, { lines: -n });
      return 3;
    case 0x69: // ESC i: partial cut (one point left)
    case 0x6d: // ESC m: partial cut (three points left)
      cut(p, c === 0x69 ? 'ESC i' : 'ESC m', { mode: 'partial' }, at + 2);
      return 2;
    case 0x70: {
      // ESC p m t1 t2: drawer kick pulse
      if (!fixed(5, i, end)) return NEED_MORE;
      const pin = (n & 1) === 0 ? 2 : 5;
      p.event('drawer-pulse', 'ESC p', at + 5, { pin, onMs: buf[i + 3]! * 2, offMs: buf[i + 4]! * 2 });
      return 5;
    }
    case 0x74: // ESC t n
      p.selectCodeTable(n);
      return 3;
    case 0x75: // ESC u n: transmit peripheral status
      p.event('status-request', 'ESC u', at + 3, { n });
      return 3;
    case 0x76: // ESC v: transmit paper sensor status
      if (p.bematechNative) return bematechDrawer(p, buf, i, end, at);
      p.event('status-request', 'ESC v', at + 2);
      return 2;
    case 0x7b: // ESC { n: upside-down
      s.upsideDown = on(n);
      s.update();
      return 3;
    case 0x3c: // ESC <: return home
    case 0x0e: // ESC SO / ESC DC4: one-line double width on older models; width is set by ESC ! / GS !
    case 0x14:
      return 2;
    case 0x54: // ESC T n: page-mode direction (not modelled)
    case 0x55: // ESC U n: unidirectional printing
    case 0x72: // ESC r n: colour
    case 0x2b: // ESC + n: (some models) line spacing in 1/360 inch
      return 3;
    default: {
      const len = dialectEsc(p, buf, i, end, at);
      return len === NOT_DIALECT ? unknown(p, at, 'ESC', c, 2) : len;
    }
  }
}

const ESC_ONE_PARAM = byteSet([
  0x20, 0x21, 0x25, 0x2b, 0x2d, 0x33, 0x3d, 0x3f, 0x45, 0x47, 0x4a, 0x4b, 0x4d, 0x52, 0x54, 0x55, 0x56, 0x61, 0x64,
  0x65, 0x72, 0x74, 0x75, 0x7b,
]);

/** ESC & y c1 c2, then per character: width x and y*x bytes of glyph. Glyphs are counted, not kept. */
function userDefinedChars(p: Printer, buf: Uint8Array, i: number, end: number, at: number): number {
  if (!fixed(5, i, end)) return NEED_MORE;
  const y = buf[i + 2]!;
  const c1 = buf[i + 3]!;
  const c2 = buf[i + 4]!;
  if (c2 < c1 || y === 0) {
    p.issue(at, `ESC & with an empty character range (y=${y}, c1=${c1}, c2=${c2})`);
    return 5;
  }
  p.sink = new RecordsSink(
    c2 - c1 + 1,
    1,
    (header) => y * header[0]!,
    (index) => {
      p.userDefined[c1 + index] = 1;
      return null;
    },
    (complete) => {
      if (!complete) p.issue(at, 'ESC & user-defined characters truncated at end of stream');
      if (p.userCharsOn) p.rebuildTable();
    },
  );
  return 5;
}

/** ESC * m nL nH: one band 8 (m = 0, 1) or 24 (m = 32, 33) dots tall, in column format. */
function bitImage(p: Printer, buf: Uint8Array, i: number, end: number, at: number): number {
  if (!fixed(5, i, end)) return NEED_MORE;
  const m = buf[i + 2]!;
  const width = u16(buf, i + 3);
  const bytesPerColumn = m === 0 || m === 1 ? 1 : m === 32 || m === 33 ? 3 : 0;
  if (bytesPerColumn === 0) {
    p.issue(at, `ESC * with unknown mode ${m} skipped`);
    return 5;
  }
  if (width > maxImageWidth(p.opts.paperWidth)) return damaged(p, at, `ESC * bit image of ${width} columns`, 5);
  const spec: ImageSpec = {
    source: 'ESC *',
    width,
    height: bytesPerColumn * 8,
    scaleX: m & 1 ? 1 : 2,
    scaleY: m < 32 ? 3 : 1,
    align: p.align,
  };
  const total = width * bytesPerColumn;
  const fits = imageBytes(width, spec.height) <= p.opts.imageLimitBytes;
  p.sink = new CollectSink(total, 0, total, fits ? total : 0, (data, complete) => {
    if (!complete) p.issue(at, 'ESC * bit image truncated at end of stream');
    const bits = fits && complete ? columnsToRows(data.toSize(total), width, bytesPerColumn) : null;
    p.emitBand(imageBlock(spec, bits), at + 5 + total);
  });
  return 5;
}

// ---- x ( y pL pH families -------------------------------------------------------------------------------

const ESC_FAMILIES = 'AY';
const GS_FAMILIES = 'ABCDEHJKLMNPQkz';
const FS_FAMILIES = 'ACEL';

/**
 * `x ( y pL pH d1..dk`: k = pL + 256 pH bytes follow whatever the function is, so unknown functions are
 * skipped exactly. GS ( k, GS ( L and FS ( C (encoding) are decoded; GS ( H is a status request and ESC ( A the beeper.
 */
function lengthPrefixed(
  p: Printer,
  buf: Uint8Array,
  i: number,
  end: number,
  at: number,
  prefix: string,
  known: string,
): number {
  if (!fixed(5, i, end)) return NEED_MORE;
  const y = buf[i + 2]!;
  const k = u16(buf, i + 3);
  const name = `${prefix} ( ${printable(y)}`;
  if (prefix === 'GS' && y === 0x6b) return twoDCode(p, buf, i, end, at, k);
  if (prefix === 'GS' && y === 0x4c) return graphics(p, buf, i, end, at, 5, k, 'GS ( L');
  if (prefix === 'FS' && y === 0x43 && k === 2) return encodeSystem(p, buf, i, end);
  if (!known.includes(String.fromCharCode(y))) p.issue(at, `unknown command ${name} skipped (${k} bytes)`);
  else if (prefix === 'GS' && y === 0x48) p.event('status-request', name, at + 5 + k);
  else if (prefix === 'ESC' && y === 0x41) p.event('buzzer', name, at + 5 + k);
  if (k > 0) p.sink = new SkipSink(k);
  return 5;
}

/** GS ( k pL pH cn fn ...: 2D codes. */
/** FS ( C 02 00 fn m: fn 48 selects the character encoding (code pages or UTF-8); the rest print nothing. */
function encodeSystem(p: Printer, buf: Uint8Array, i: number, end: number): number {
  if (!fixed(7, i, end)) return NEED_MORE;
  if (buf[i + 5] === 0x30) p.selectEncoding(buf[i + 6]!);
  return 7;
}

function twoDCode(p: Printer, buf: Uint8Array, i: number, end: number, at: number, k: number): number {
  if (!fixed(5 + Math.min(k, 3), i, end)) return NEED_MORE;
  if (k < 2) {
    p.issue(at, `GS ( k with a ${k}-byte parameter skipped`);
    if (k > 0) p.sink = new SkipSink(k);
    return 5;
  }
  const cn = buf[i + 5]!;
  const fn = buf[i + 6]!;
  if (fn === STORE_FN) {
    const head = Math.min(k, storeHeaderLength(cn));
    if (!fixed(5 + head, i, end)) return NEED_MORE;
    if (k > symbolMaxK(cn)) return damaged(p, at, `GS ( k symbol data of ${k - head} bytes for symbol ${cn}`, 5 + head);
    const length = k - head;
    p.sink = new CollectSink(length, 0, length, MAX_CODE_DATA, (data, complete) => {
      if (!complete) p.issue(at, 'GS ( k symbol data truncated at end of stream');
      else if (data.dropped > 0) p.issue(at, `GS ( k symbol data longer than ${MAX_CODE_DATA} bytes cut`);
      p.twoD.store(cn, codeText(data.bytes()));
    });
    return 5 + head;
  }
  if (k > SMALL_FUNCTION) {
    p.issue(at, `GS ( k function ${cn}/${fn} with ${k} bytes skipped`);
    p.sink = new SkipSink(k);
    return 5;
  }
  if (!fixed(5 + k, i, end)) return NEED_MORE;
  const after = at + 5 + k;
  if (fn === PRINT_FN) {
    const block = p.twoD.print(cn, p.align);
    if (block === null) p.issue(at, `GS ( k print for unknown symbol type ${cn}`);
    else {
      p.flushLine(at);
      p.emit(block, after);
    }
  } else if (fn === 82) {
    p.event('status-request', 'GS ( k', after, { symbol: cn, function: fn });
  } else if (!p.twoD.applySetting(cn, fn, buf, i + 7, i + 5 + k)) {
    p.issue(at, `unknown GS ( k function ${cn}/${fn} skipped`);
  }
  return 5 + k;
}

/**
 * GS ( L / GS 8 L graphics. `lenBytes` is where m sits (5 for GS ( L, 7 for GS 8 L) and k the bytes that follow
 * the length. Functions: store in print buffer (112 raster / 113 column) and print it (50), define NV (67/68)
 * and download (83/84) graphics and print them (69/85); the rest are settings, deletions and status.
 */
function graphics(
  p: Printer,
  buf: Uint8Array,
  i: number,
  end: number,
  at: number,
  lenBytes: number,
  k: number,
  command: string,
): number {
  if (!fixed(lenBytes + Math.min(k, 2), i, end)) return NEED_MORE;
  if (k < 2) {
    p.issue(at, `${command} with a ${k}-byte parameter skipped`);
    if (k > 0) p.sink = new SkipSink(k);
    return lenBytes;
  }
  const m = lenBytes;
  const fn = buf[i + m + 1]!;
  // GS 8 L's length can skip far, so an image store's size is checked before its length is trusted.
  const imageHeader = imageHeaderLength(fn);
  if (lenBytes === 7 && imageHeader > 0 && k >= imageHeader) {
    if (!fixed(lenBytes + imageHeader, i, end)) return NEED_MORE;
    const width = u16(buf, i + m + 6);
    const height = u16(buf, i + m + 8);
    if (width > GRAPHICS_MAX_WIDTH || height > GRAPHICS_MAX_HEIGHT) {
      return damaged(p, at, `${command} function ${fn} image of ${width}x${height} dots`, lenBytes + imageHeader);
    }
  }
  // GS 8 L's 4-byte length can claim gigabytes. Only image data can be long: a length past what GS ( L could say
  // and past the function's documented size (its parameters, or header plus four colour planes) is damage.
  if (lenBytes === 7 && k > MAX_UNKNOWN_SKIP) {
    const most = graphicsMaximum(buf, i + m, fn, end);
    if (most === NEED_MORE) return NEED_MORE;
    if (k > most) {
      p.issue(at, `${command} function ${fn} claims ${k} bytes, more than its ${most}: the rest is decoded as commands`);
      k = most;
    }
  }
  const done = at + lenBytes + k;
  const skipRest = (used: number): number => {
    if (k > used) p.sink = new SkipSink(k - used);
    return lenBytes + used;
  };
  switch (fn) {
    case 0x70: // store raster graphics in the print buffer: m fn a bx by c xL xH yL yH d...
    case 0x71: {
      // ... column format
      if (k < 10) return malformed(p, at, command, fn, k, lenBytes);
      if (!fixed(lenBytes + 10, i, end)) return NEED_MORE;
      const tone = buf[i + m + 2]!;
      const bx = buf[i + m + 3]!;
      const by = buf[i + m + 4]!;
      const width = u16(buf, i + m + 6);
      const height = u16(buf, i + m + 8);
      const spec: ImageSpec = {
        source: command,
        width,
        height,
        scaleX: bx === 2 || bx === 50 ? 2 : 1,
        scaleY: by === 2 || by === 50 ? 2 : 1,
        align: p.align,
      };
      if (tone !== 48 && tone !== 0x30) p.issue(at, `${command} multi-tone graphics: first plane kept`);
      p.sink = planeSink(p, at, command, k - 10, spec, fn === 0x71, (image) => {
        p.bufferGraphic = { source: command, image };
      });
      return lenBytes + 10;
    }
    case 0x43: // define NV graphics, raster: m fn a kc1 kc2 b xL xH yL yH c d...
    case 0x44: // ... column
    case 0x53: // define download graphics, raster
    case 0x54: {
      // ... column
      if (k < 11) return malformed(p, at, command, fn, k, lenBytes);
      if (!fixed(lenBytes + 11, i, end)) return NEED_MORE;
      const key = (fn < 0x50 ? 'NV ' : 'download ') + latin1(buf.subarray(i + m + 3, i + m + 5));
      const width = u16(buf, i + m + 6);
      const height = u16(buf, i + m + 8);
      const spec: ImageSpec = { source: command, width, height, scaleX: 1, scaleY: 1, align: 'left' };
      p.sink = planeSink(p, at, command, k - 11, spec, fn === 0x44 || fn === 0x54, (image) => {
        p.storeImage(key, { width, height, bits: image.truncated ? null : image.bits });
      });
      return lenBytes + 11;
    }
    case 0x45: // print NV graphics: m fn kc1 kc2 x y
    case 0x55: {
      // print download graphics
      if (k < 6) return malformed(p, at, command, fn, k, lenBytes);
      if (!fixed(lenBytes + 6, i, end)) return NEED_MORE;
      const ref = latin1(buf.subarray(i + m + 2, i + m + 4));
      const stored = p.stored.get((fn === 0x45 ? 'NV ' : 'download ') + ref);
      const sx = buf[i + m + 4]!;
      const sy = buf[i + m + 5]!;
      const spec: ImageSpec = {
        source: 'GS ( L stored',
        width: stored?.width ?? 0,
        height: stored?.height ?? 0,
        scaleX: sx === 2 || sx === 50 ? 2 : 1,
        scaleY: sy === 2 || sy === 50 ? 2 : 1,
        align: p.align,
        ref,
      };
      printStored(p, spec, stored, done);
      return skipRest(6);
    }
    case 0x02: // print the graphics in the print buffer
    case 0x32: {
      const g = p.bufferGraphic;
      if (g === null) p.issue(at, `${command} print with no graphics stored`);
      else {
        p.flushLine(at);
        p.emit({ ...g.image, align: p.align }, done);
        p.bufferGraphic = null;
      }
      return skipRest(2);
    }
    case 0x00: // transmit NV graphics capacity
    case 0x30:
    case 0x03: // transmit remaining NV graphics capacity
    case 0x33:
    case 0x04: // transmit remaining download graphics capacity
    case 0x34:
    case 0x40: // transmit NV key code list
    case 0x50: // transmit download key code list
      p.event('status-request', command, done, { function: fn });
      return skipRest(2);
    case 0x01: // reference dot density
    case 0x31:
    case 0x41: // delete all NV graphics
    case 0x42: // delete NV graphics by key
    case 0x51: // delete all download graphics
    case 0x52: // delete download graphics by key
      return skipRest(2);
    default:
      p.issue(at, `unknown ${command} function ${fn} skipped (${k} bytes)`);
      return skipRest(2);
  }
}

/**
 * The most bytes after GS 8 L's length a function can carry: image stores their header and four planes of the
 * size the header gives, everything else its parameters as GS ( L documents them (m fn and 0 to 4 bytes).
 */
/** Bytes after the length of GS ( L functions that carry no image: m fn and their parameters. */
const GRAPHICS_PARAMETERS: Readonly<Record<number, number>> = { 0x01: 4, 0x31: 4, 0x42: 4, 0x52: 4, 0x45: 6, 0x55: 6 };

/** Bytes after the length of an image store function up to its data (m fn a ... yL yH [c]); 0 for the rest. */
function imageHeaderLength(fn: number): number {
  return fn === 0x70 || fn === 0x71 ? 10 : fn === 0x43 || fn === 0x44 || fn === 0x53 || fn === 0x54 ? 11 : 0;
}

function graphicsMaximum(buf: Uint8Array, m: number, fn: number, end: number): number {
  const header = imageHeaderLength(fn);
  if (header === 0) return GRAPHICS_PARAMETERS[fn] ?? 2;
  if (end - m < header) return NEED_MORE;
  const width = u16(buf, m + 6);
  const height = u16(buf, m + 8);
  const column = fn === 0x71 || fn === 0x44 || fn === 0x54;
  const plane = column ? width * ((height + 7) >> 3) : rowBytes(width) * height;
  // Each plane after the first is led by its colour byte.
  return header + MAX_PLANES * plane + (MAX_PLANES - 1);
}

function malformed(p: Printer, at: number, command: string, fn: number, k: number, lenBytes: number): number {
  p.issue(at, `${command} function ${fn} with only ${k} parameter bytes skipped`);
  p.sink = new SkipSink(k);
  return lenBytes;
}

/**
 * Image data of a graphics function: the first colour plane (rows or columns) is kept if the image fits the
 * limit, anything after it (further planes, a leading colour byte is part of the header) is skipped.
 */
function planeSink(
  p: Printer,
  at: number,
  command: string,
  length: number,
  spec: ImageSpec,
  columnFormat: boolean,
  done: (image: ReturnType<typeof imageBlock>) => void,
): CollectSink {
  const bytesPerColumn = (spec.height + 7) >> 3;
  const planeSize = columnFormat ? spec.width * bytesPerColumn : rowBytes(spec.width) * spec.height;
  const rowsSize = imageBytes(spec.width, spec.height);
  const fits = rowsSize <= p.opts.imageLimitBytes && planeSize <= p.opts.imageLimitBytes;
  return new CollectSink(length, 0, planeSize, fits ? planeSize : 0, (data: BoundedBytes, complete: boolean) => {
    if (!complete) p.issue(at, `${command} image data truncated at end of stream`);
    else if (length < planeSize) p.issue(at, `${command} image data shorter than ${spec.width}x${spec.height}`);
    let bits: Uint8Array | null = null;
    if (fits && complete) {
      bits = columnFormat
        ? columnsToRows(data.toSize(planeSize), spec.width, bytesPerColumn).subarray(0, rowsSize)
        : data.toSize(planeSize);
    }
    done(imageBlock(spec, bits));
  });
}

function printStored(p: Printer, spec: ImageSpec, stored: StoredImage | undefined, at: number): void {
  p.flushLine(at);
  if (stored === undefined) p.emit(storedImageBlock(spec), at);
  else p.emit(imageBlock(spec, stored.bits), at);
}

// ---- GS -------------------------------------------------------------------------------------------------

const GS_ONE_PARAM = byteSet([0x21, 0x2f, 0x42, 0x45, 0x48, 0x49, 0x54, 0x61, 0x62, 0x66, 0x68, 0x72, 0x77]);

function gsCommand(p: Printer, buf: Uint8Array, i: number, end: number, at: number): number {
  const c = buf[i + 1]!;
  const n = buf[i + 2] ?? 0;
  const s = p.style;
  if (GS_ONE_PARAM[c] === 1 && !fixed(3, i, end)) return NEED_MORE;
  switch (c) {
    case 0x21: // GS ! n: character size
      s.setCharacterSize(n);
      return 3;
    case 0x24: // GS $ nL nH: absolute vertical position (page mode)
      if (!fixed(4, i, end)) return NEED_MORE;
      p.setPageY(u16(buf, i + 2), false, at);
      return 4;
    case 0x28:
      return lengthPrefixed(p, buf, i, end, at, 'GS', GS_FAMILIES);
    case 0x2a: // GS * x y d1..d(x*y*8): define downloaded bit image, column format
      return downloadedImage(p, buf, i, end, at);
    case 0x2f: {
      // GS / m: print downloaded bit image
      const stored = p.stored.get('GS *');
      const spec: ImageSpec = {
        source: 'GS /',
        width: stored?.width ?? 0,
        height: stored?.height ?? 0,
        ...scaleOf(n),
        align: p.align,
      };
      printStored(p, spec, stored, at + 3);
      return 3;
    }
    case 0x38: {
      // GS 8 L p1 p2 p3 p4 m fn ...: graphics with a 4-byte length
      if (!fixed(7, i, end)) return NEED_MORE;
      const k = buf[i + 3]! + buf[i + 4]! * 0x100 + buf[i + 5]! * 0x10000 + buf[i + 6]! * 0x1000000;
      if (buf[i + 2] === 0x4c) return graphics(p, buf, i, end, at, 7, k, 'GS 8 L');
      // An unknown function's length is trusted no further than any `x ( y pL pH` length: past that it is damage,
      // and skipping it would hide the rest of the job, cuts included.
      if (k > MAX_UNKNOWN_SKIP) {
        p.issue(at, `unknown command GS 8 ${printable(buf[i + 2]!)} with a ${k}-byte length: header skipped, length not trusted`);
        return 7;
      }
      p.issue(at, `unknown command GS 8 ${printable(buf[i + 2]!)} skipped (${k} bytes)`);
      if (k > 0) p.sink = new SkipSink(k);
      return 7;
    }
    case 0x3a: // GS :: macro definition start/end
    case 0x63: // GS c: print counter
      return 2;
    case 0x42: // GS B n: white/black reverse
      s.invert = on(n);
      s.update();
      return 3;
    case 0x43: // GS C: counter settings
      return counter(p, buf, i, end, at);
    case 0x48: {
      const hri = hriPosition(n);
      if (hri !== undefined) p.barcode.hri = hri;
      return 3;
    }
    case 0x49: // GS I n: transmit printer ID
      p.event('status-request', 'GS I', at + 3, { n });
      return 3;
    case 0x4c: // GS L nL nH: left margin
      if (!fixed(4, i, end)) return NEED_MORE;
      p.leftMargin = u16(buf, i + 2);
      p.updateArea();
      return 4;
    case 0x50: // GS P x y: motion units (positions are taken as dots)
    case 0x5c: // GS \ nL nH: relative vertical position (page mode)
      if (!fixed(4, i, end)) return NEED_MORE;
      if (c === 0x5c) {
        const d = u16(buf, i + 2);
        p.setPageY(d >= 0x8000 ? d - 0x10000 : d, true, at);
      }
      return 4;
    case 0x56: // GS V m [n]: cut
      return paperCut(p, buf, i, end, at);
    case 0x57: // GS W nL nH: print area width
      if (!fixed(4, i, end)) return NEED_MORE;
      p.printWidth = u16(buf, i + 2);
      p.updateArea();
      return 4;
    case 0x5e: // GS ^ r t m: execute macro
    case 0x7a: // GS z 0 t1 t2: online recovery wait time
      return fixed(5, i, end) ? 5 : NEED_MORE;
    case 0x61: // GS a n: automatic status back
      p.event('status-request', 'GS a', at + 3, { n });
      return 3;
    case 0x67: {
      // GS g 0 m nL nH: initialise maintenance counter; GS g 2 m nL nH: transmit it
      if (!fixed(6, i, end)) return NEED_MORE;
      if (buf[i + 2] === 0x32) p.event('status-request', 'GS g 2', at + 6, { counter: u16(buf, i + 4) });
      return 6;
    }
    case 0x68: // GS h n: barcode height
      p.barcode.height = n;
      return 3;
    case 0x6b:
      return barcode(p, buf, i, end, at);
    case 0x72: // GS r n: transmit status
      p.event('status-request', 'GS r', at + 3, { n });
      return 3;
    case 0x76: // GS v 0 m xL xH yL yH d...: raster bit image
      return rasterImage(p, buf, i, end, at);
    case 0x77: // GS w n: barcode module width
      p.barcode.moduleWidth = n;
      return 3;
    case 0x45: // GS E n: head control
    case 0x54: // GS T n: to beginning of line
    case 0x62: // GS b n: smoothing
    case 0x66: // GS f n: HRI font
      return 3;
    default: {
      const len = dialectGs(p, buf, i, end);
      return len === NOT_DIALECT ? unknown(p, at, 'GS', c, 2) : len;
    }
  }
}

/** GS V m [n]: 0/48 full, 1/49 partial; 65/66 feed n and cut; 97/98 reserve cut at +n; 103/104 feed, cut, feed back. */
function paperCut(p: Printer, buf: Uint8Array, i: number, end: number, at: number): number {
  if (!fixed(3, i, end)) return NEED_MORE;
  const m = buf[i + 2]!;
  if (m === 0 || m === 1 || m === 48 || m === 49) {
    cut(p, 'GS V', { mode: (m & 1) === 0 ? 'full' : 'partial' }, at + 3);
    return 3;
  }
  if (m === 65 || m === 66 || m === 97 || m === 98 || m === 103 || m === 104) {
    if (!fixed(4, i, end)) return NEED_MORE;
    const mode = m === 65 || m === 97 || m === 103 ? 'full' : 'partial';
    cut(p, 'GS V', { mode, feed: buf[i + 3]!, function: m < 97 ? 'B' : m < 103 ? 'C' : 'D' }, at + 4);
    return 4;
  }
  p.issue(at, `GS V with unknown function ${m} skipped`);
  return 3;
}

/** A cut ends the document: the line in progress and any page are printed first, the cut is the last block. */
function cut(p: Printer, command: string, detail: Record<string, string | number>, after: number): void {
  if (p.pageMode) p.printPage(after, true);
  p.flushLine(after);
  p.event('cut', command, after, detail);
  p.endDocument(after);
}

/** GS k: form A (m 0..6, data up to NUL) or form B (m 65..79, length byte). */
function barcode(p: Printer, buf: Uint8Array, i: number, end: number, at: number): number {
  if (!fixed(3, i, end)) return NEED_MORE;
  const m = buf[i + 2]!;
  const symbology = symbologyOf(m);
  const emit = (data: Uint8Array, after: number): void => {
    p.flushLine(after);
    p.emit(barcodeBlock(symbology, data, p.barcode, p.align), after);
  };
  if (m <= 6) {
    p.sink = new UntilNulSink(255, (data, terminated) => {
      if (!terminated) p.issue(at, 'GS k barcode data without NUL terminator');
      emit(data, at + 3 + data.length + 1);
    });
    return 3;
  }
  if (m >= 65 && m <= 79) {
    if (!fixed(4, i, end)) return NEED_MORE;
    const len = buf[i + 3]!;
    p.sink = new CollectSink(len, 0, len, len, (data, complete) => {
      if (!complete) p.issue(at, 'GS k barcode data truncated at end of stream');
      emit(data.bytes(), at + 4 + len);
    });
    return 4;
  }
  return dialectBarcode(p, buf, i, end, at);
}

/** GS v 0 m xL xH yL yH d1..dk: raster image, x bytes wide, y dots tall. */
function rasterImage(p: Printer, buf: Uint8Array, i: number, end: number, at: number): number {
  if (!fixed(8, i, end)) return NEED_MORE;
  if (buf[i + 2] !== 0x30) return unknown(p, at, 'GS v', buf[i + 2]!, 3);
  const xBytes = u16(buf, i + 4);
  const height = u16(buf, i + 6);
  if (xBytes * 8 > maxImageWidth(p.opts.paperWidth) || height > RASTER_MAX_ROWS) {
    return damaged(p, at, `GS v 0 raster image of ${xBytes} bytes x ${height} rows`, 8);
  }
  const spec: ImageSpec = { source: 'GS v 0', width: xBytes * 8, height, ...scaleOf(buf[i + 3]!), align: p.align };
  const total = xBytes * height;
  const fits = total <= p.opts.imageLimitBytes;
  p.sink = new CollectSink(total, 0, total, fits ? total : 0, (data, complete) => {
    if (!complete) p.issue(at, 'GS v 0 raster image truncated at end of stream');
    p.flushLine(at);
    p.emit(imageBlock(spec, fits && complete ? data.toSize(total) : null), at + 8 + total);
  });
  return 8;
}

/** GS * x y d...: downloaded bit image, x*8 dots wide and y*8 tall, column format. */
function downloadedImage(p: Printer, buf: Uint8Array, i: number, end: number, at: number): number {
  if (!fixed(4, i, end)) return NEED_MORE;
  const x = buf[i + 2]!;
  const y = buf[i + 3]!;
  if (y > DOWNLOADED_MAX_Y || x * y > DOWNLOADED_MAX_XY) return damaged(p, at, `GS * bit image of ${x}x${y} bytes`, 4);
  const width = x * 8;
  const total = width * y;
  const fits = total <= p.opts.imageLimitBytes;
  p.sink = new CollectSink(total, 0, total, fits ? total : 0, (data, complete) => {
    if (!complete) p.issue(at, 'GS * bit image truncated at end of stream');
    const bits = fits && complete ? columnsToRows(data.toSize(total), width, y) : null;
    p.storeImage('GS *', { width, height: y * 8, bits });
  });
  return 4;
}

/** GS C 0 n m (counter mode A), GS C 1 aL aH bL bH n r (mode B), GS C 2 nL nH (set counter). */
function counter(p: Printer, buf: Uint8Array, i: number, end: number, at: number): number {
  if (!fixed(3, i, end)) return NEED_MORE;
  const f = buf[i + 2]!;
  const len = f === 0x30 ? 5 : f === 0x31 ? 9 : f === 0x32 ? 5 : 0;
  if (len === 0) return unknown(p, at, 'GS C', f, 3);
  return fixed(len, i, end) ? len : NEED_MORE;
}

// ---- FS -------------------------------------------------------------------------------------------------

const FS_ONE_PARAM = byteSet([0x21, 0x2d, 0x43, 0x57, 0x71]);

function fsCommand(p: Printer, buf: Uint8Array, i: number, end: number, at: number): number {
  const c = buf[i + 1]!;
  const n = buf[i + 2] ?? 0;
  const s = p.style;
  if (FS_ONE_PARAM[c] === 1 && !fixed(3, i, end)) return NEED_MORE;
  switch (c) {
    case 0x21: // FS ! n: Kanji print mode (double width bit 2, underline bit 7)
      s.kanjiDoubleWidth = (n & 0x04) !== 0;
      s.update();
      return 3;
    case 0x26: // FS &: Kanji mode on
      p.kanjiOn = true;
      return 2;
    case 0x2e: // FS .: Kanji mode off
      p.kanjiOn = false;
      return 2;
    case 0x28:
      return lengthPrefixed(p, buf, i, end, at, 'FS', FS_FAMILIES);
    case 0x2d: // FS - n: Kanji underline
      return 3;
    case 0x32: // FS 2 c1 c2 d1..d72: user-defined Kanji (24x24)
      if (!fixed(4, i, end)) return NEED_MORE;
      p.sink = new SkipSink(72);
      return 4;
    case 0x3f: // FS ? c1 c2: cancel user-defined Kanji
      return fixed(4, i, end) ? 4 : NEED_MORE;
    case 0x43: // FS C n: Kanji code system
      p.selectKanjiSystem(n);
      return 3;
    case 0x53: // FS S n1 n2: Kanji left/right spacing
      if (!fixed(4, i, end)) return NEED_MORE;
      s.kanjiSpacing = buf[i + 2]! + buf[i + 3]!;
      s.update();
      return 4;
    case 0x57: // FS W n: Kanji quadruple size
      s.kanjiDoubleWidth = on(n);
      s.update();
      return 3;
    case 0x67: {
      // FS g 1 m a1..a4 nL nH d1..dk: write NV user memory; FS g 2 m a1..a4 nL nH: read it
      if (!fixed(10, i, end)) return NEED_MORE;
      const k = u16(buf, i + 8);
      if (buf[i + 2] === 0x31 && k > NV_MEMORY_MAX_WRITE) return damaged(p, at, `FS g 1 write of ${k} bytes`, 10);
      if (buf[i + 2] === 0x31 && k > 0) p.sink = new SkipSink(k);
      else if (buf[i + 2] === 0x32) p.event('status-request', 'FS g 2', at + 10);
      return 10;
    }
    case 0x70: {
      // FS p n m: print NV bit image n
      if (!fixed(4, i, end)) return NEED_MORE;
      const ref = String(n);
      const stored = p.stored.get('FS q ' + ref);
      const spec: ImageSpec = {
        source: 'FS p',
        width: stored?.width ?? 0,
        height: stored?.height ?? 0,
        ...scaleOf(buf[i + 3]!),
        align: p.align,
        ref,
      };
      printStored(p, spec, stored, at + 4);
      return 4;
    }
    case 0x71: // FS q n [xL xH yL yH d1..dk]1..n: define NV bit images (column format)
      return defineNvImages(p, n, at);
    default:
      return unknown(p, at, 'FS', c, 2);
  }
}

function defineNvImages(p: Printer, count: number, at: number): number {
  let record = 0;
  p.sink = new RecordsSink(
    count,
    4,
    (h) => {
      record++;
      const x = u16(h, 0);
      const y = u16(h, 2);
      if (x > NV_IMAGE_MAX_X || y > NV_IMAGE_MAX_Y) {
        damaged(p, at, `FS q NV bit image ${record} of ${x}x${y} bytes`, 0);
        return DAMAGED_RECORD;
      }
      return x * y * 8;
    },
    (index, h, length) => {
      const width = u16(h, 0) * 8;
      const bytesPerColumn = u16(h, 2);
      const key = 'FS q ' + String(index + 1);
      const fits = length <= p.opts.imageLimitBytes;
      return new CollectSink(length, 0, length, fits ? length : 0, (data, complete) => {
        const bits = fits && complete ? columnsToRows(data.toSize(length), width, bytesPerColumn) : null;
        p.storeImage(key, { width, height: bytesPerColumn * 8, bits });
      });
    },
    (complete) => {
      if (!complete) p.issue(at, 'FS q NV bit images truncated at end of stream');
    },
  );
  return 3;
}

// ---- DLE (real-time commands) ---------------------------------------------------------------------------

function dleCommand(p: Printer, buf: Uint8Array, i: number, end: number, at: number): number {
  const c = buf[i + 1]!;
  if (c === 0x04) {
    // DLE EOT n [a]: real-time status
    if (!fixed(3, i, end)) return NEED_MORE;
    const n = buf[i + 2]!;
    const len = n === 7 || n === 8 ? 4 : 3;
    if (!fixed(len, i, end)) return NEED_MORE;
    p.event('status-request', 'DLE EOT', at + len, len === 4 ? { n, a: buf[i + 3]! } : { n });
    return len;
  }
  if (c === 0x05) {
    // DLE ENQ n: real-time request to printer (error recovery)
    if (!fixed(3, i, end)) return NEED_MORE;
    p.event('status-request', 'DLE ENQ', at + 3, { n: buf[i + 2]! });
    return 3;
  }
  if (c === 0x14) {
    if (!fixed(3, i, end)) return NEED_MORE;
    const fn = buf[i + 2]!;
    const len = DLE_DC4_LENGTH[fn];
    if (len === undefined) {
      p.issue(at, `DLE DC4 with unknown function ${fn}`);
      return 3;
    }
    if (!fixed(len, i, end)) return NEED_MORE;
    const after = at + len;
    if (fn === 1) {
      p.event('drawer-pulse', 'DLE DC4', after, { pin: (buf[i + 3]! & 1) === 0 ? 2 : 5, onMs: buf[i + 4]! * 100 });
    } else if (fn === 3) {
      p.event('buzzer', 'DLE DC4', after, { pattern: buf[i + 3]!, times: buf[i + 4]! });
    } else if (fn === 7) {
      p.event('status-request', 'DLE DC4', after, { function: fn, n: buf[i + 3]! });
    }
    return len;
  }
  p.issue(at, `stray DLE before ${printable(c)} ignored`);
  return 1;
}

/** Total lengths of DLE DC4 fn ...: 1 drawer pulse m t, 2 power-off a b, 3 buzzer a n r t1 t2, 7 status m, 8 clear buffers d1..d7. */
const DLE_DC4_LENGTH: Readonly<Record<number, number>> = { 1: 5, 2: 5, 3: 8, 7: 4, 8: 10 };

