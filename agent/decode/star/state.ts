// What a Star printer remembers between commands beyond the shared printer model: margins in characters,
// drawer pulse widths, 2D-code settings and data, and raster graphics mode with the image it is building.
import type { Printer } from '../printer.js';
import { BoundedBytes, type PayloadSink } from '../payload.js';
import { imageBlock } from '../images.js';
import { maxRowBytes } from './limits.js';
import { endPage, isPageEnd } from './page-end.js';

const ESC = 0x1b;
/** `b n1 n2 d1..dk` in raster mode: one raster row of k = n1 + n2 * 256 bytes. */
const ROW = 0x62;

const QR_MODELS: Readonly<Record<number, string>> = { 1: '1', 2: '2' };
const QR_LEVELS: Readonly<Record<number, string>> = { 0: 'L', 1: 'M', 2: 'Q', 3: 'H' };

/** ESC GS y S: model (0), error correction (1), cell size (2), as last set; D stores the data. */
class QrSettings {
  model = 2;
  level = 1;
  cell = 3;
  data = '';
  set(what: number, n: number): void {
    const v = what >= 0x30 ? what - 0x30 : what;
    if (v === 0) this.model = n;
    else if (v === 1) this.level = n;
    else if (v === 2) this.cell = n;
  }
  settings(): Record<string, number | string> {
    return { model: QR_MODELS[this.model] ?? String(this.model), errorCorrection: QR_LEVELS[this.level] ?? String(this.level), moduleSize: this.cell };
  }
}

/** ESC GS x S: size (0: n p1 p2), security level (1), module width (2), aspect ratio (3). */
class Pdf417Settings {
  rows = 0;
  columns = 0;
  level = 1;
  moduleWidth = 2;
  aspect = 3;
  data = '';
  set(what: number, params: Uint8Array): void {
    const v = what >= 0x30 ? what - 0x30 : what;
    if (v === 0) {
      this.rows = params[1] ?? 0;
      this.columns = params[2] ?? 0;
    } else if (v === 1) this.level = params[0] ?? 0;
    else if (v === 2) this.moduleWidth = params[0] ?? 0;
    else if (v === 3) this.aspect = params[0] ?? 0;
  }
  settings(): Record<string, number | string> {
    return { rows: this.rows, columns: this.columns, errorCorrection: `level ${this.level}`, moduleWidth: this.moduleWidth, rowHeight: this.aspect };
  }
}

/**
 * Raster graphics mode (ESC * r A .. ESC * r B): rows arrive as `b n1 n2 d...` and make one image, as wide as
 * its first row. Memory is bounded by the decoder's image limit; a larger image keeps its size, not its bits.
 */
export class RasterMode {
  active = false;
  private rowBytes = 0;
  private height = 0;
  private bits: BoundedBytes | null = null;
  private overLimit = false;
  /** Bytes of the current row seen so far. */
  private rowFill = 0;
  /** ESC * r E / F / e n NUL: what ESC FF EOT (and ESC * r B), ESC FF NUL and ESC FF EM do (page-end.ts). */
  private modes = { eot: 0, ff: 0, em: 0 };

  constructor(private readonly limit: number) {}

  /** ESC * r A: the image buffer is cleared and the page-end modes are back to their defaults. */
  enter(): void {
    this.active = true;
    this.clearImage();
    this.modes = { eot: 0, ff: 0, em: 0 };
  }

  /** ESC @ or the end of the stream: the image built so far goes into the document, nothing is cut. */
  leave(p: Printer, at: number): void {
    if (!this.active) return;
    this.active = false;
    this.printImage(p, at);
  }

  /** ESC * r B: quits the mode, running the EOT mode first when the image buffer holds rows. */
  quit(p: Printer, at: number): void {
    if (!this.active) return;
    this.runMode(p, 'eot', 'ESC * r B', at);
    this.active = false;
  }

  /** ESC * r E / F / e n NUL. An undefined mode leaves the one set before. */
  setMode(p: Printer, which: 'eot' | 'ff' | 'em', n: number | null, at: number): void {
    if (n !== null && isPageEnd(n)) this.modes[which] = n;
    else p.issue(at, `raster ${which.toUpperCase()} mode ${n ?? 'not a number'} is not defined: kept ${this.modes[which]}`);
  }

  /**
   * ESC FF EOT / ESC FF NUL / ESC FF EM: print the page and run its mode. EOT and FF are ignored with an empty
   * image buffer (so ESC * r B after ESC FF NUL cuts once); EM runs either way.
   */
  runMode(p: Printer, which: 'eot' | 'ff' | 'em', command: string, at: number): void {
    if (this.height === 0 && which !== 'em') return;
    this.printImage(p, at);
    endPage(p, this.modes[which], command, at);
  }

  /** ESC * r Y n NUL: n dots down the page, blank rows of the image (nothing before its first row sets its width). */
  feed(dots: number): void {
    if (this.rowBytes === 0) return;
    let k = 0;
    for (; k < dots && !this.overLimit; k++) {
      this.startRow(this.rowBytes);
      this.endRow();
    }
    // Past the image limit only the height is kept, so rows need not be made one by one.
    this.height += dots - k;
  }

  private printImage(p: Printer, at: number): void {
    if (this.height > 0) {
      const bits = this.overLimit || this.bits === null ? null : this.bits.toSize(this.rowBytes * this.height);
      p.emit(imageBlock({ source: 'ESC * r', width: this.rowBytes * 8, height: this.height, scaleX: 1, scaleY: 1, align: 'left' }, bits), at);
    }
    this.clearImage();
  }

  private clearImage(): void {
    this.rowBytes = 0;
    this.height = 0;
    this.bits = null;
    this.overLimit = false;
  }

  startRow(length: number): void {
    if (this.rowBytes === 0) this.rowBytes = length;
    this.height++;
    this.rowFill = 0;
    if (this.rowBytes * this.height > this.limit) this.overLimit = true;
    if (this.bits === null && !this.overLimit) this.bits = new BoundedBytes(this.limit, this.rowBytes * 64);
  }

  /** Bytes of the current row: kept up to the image's width, padded with white when the row is shorter. */
  rowPart(data: Uint8Array, from: number, to: number): void {
    const keep = Math.max(0, Math.min(to, from + (this.rowBytes - this.rowFill)) - from);
    if (keep > 0 && !this.overLimit && this.bits !== null) this.bits.append(data, from, from + keep);
    this.rowFill += to - from;
  }

  endRow(): void {
    if (this.overLimit || this.bits === null) return;
    const kept = Math.min(this.rowFill, this.rowBytes);
    if (kept < this.rowBytes) this.bits.append(new Uint8Array(this.rowBytes - kept), 0, this.rowBytes - kept);
  }

  /** A sink for the bytes between raster-mode commands (from stream offset `at`): rows, and whatever else the printer would ignore. */
  sink(p: Printer, at: number): PayloadSink {
    return new RasterRowsSink(this, p, at);
  }
}

/**
 * Reads `b n1 n2 d...` rows until the next ESC, which it leaves for the tokenizer (done, not consumed). A row
 * longer than the paper is wide is damage: its header is reported and skipped, and the bytes after it are read
 * as rows and commands again, so a later ESC * r B or cut is still found.
 */
class RasterRowsSink implements PayloadSink {
  done = false;
  private header = -1;
  private lengthLow = 0;
  private remaining = 0;
  /** Stream offset of buf[pos] at the next take(). */
  private offset: number;

  constructor(
    private readonly raster: RasterMode,
    private readonly p: Printer,
    at: number,
  ) {
    this.offset = at;
  }

  take(buf: Uint8Array, pos: number, end: number): number {
    const i = this.rows(buf, pos, end);
    this.offset += i - pos;
    return i;
  }

  private rows(buf: Uint8Array, pos: number, end: number): number {
    let i = pos;
    while (i < end) {
      if (this.remaining > 0) {
        const n = Math.min(end - i, this.remaining);
        this.raster.rowPart(buf, i, i + n);
        this.remaining -= n;
        i += n;
        if (this.remaining === 0) this.raster.endRow();
        continue;
      }
      const b = buf[i]!;
      if (this.header === 0) {
        this.lengthLow = b;
        this.header = 1;
        i++;
        continue;
      }
      if (this.header === 1) {
        this.header = -1;
        const length = this.lengthLow | (b << 8);
        i++;
        if (length > maxRowBytes(this.p)) {
          const at = this.offset + (i - pos) - 3;
          this.p.issue(at, `raster row of ${length} bytes, more than the paper's ${maxRowBytes(this.p)}: header skipped, length not trusted`);
          continue;
        }
        this.raster.startRow(length);
        this.remaining = length;
        if (length === 0) this.raster.endRow();
        continue;
      }
      if (b === ESC) {
        this.done = true;
        return i;
      }
      if (b === ROW) this.header = 0;
      i++;
    }
    return i;
  }

  abort(): void {
    this.done = true;
  }
}

export class StarState {
  /** ESC l n / ESC Q n: left margin and right edge of the print area, in characters (0: the paper's edge). */
  leftColumns = 0;
  rightColumn = 0;
  /** ESC BEL n1 n2: the pulse the next BEL / SUB drives, in ms. */
  pulseOnMs = 200;
  pulseOffMs = 200;
  qr = new QrSettings();
  pdf417 = new Pdf417Settings();
  /** ESC GS P 2 n: page-mode print direction (0 left to right, 1 bottom to top, 2 right to left, 3 top to bottom). */
  pageDirection = 0;
  readonly raster: RasterMode;

  constructor(imageLimit: number) {
    this.raster = new RasterMode(imageLimit);
  }

  /** ESC @: settings back to power-on (raster mode is left by the tokenizer before). */
  reset(): void {
    this.leftColumns = 0;
    this.rightColumn = 0;
    this.pulseOnMs = 200;
    this.pulseOffMs = 200;
    this.qr = new QrSettings();
    this.pdf417 = new Pdf417Settings();
    this.pageDirection = 0;
  }
}
