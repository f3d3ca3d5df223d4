// The printer model the commands act on: modal state (style, alignment, margins, tabs, code page, Kanji,
// page mode, barcode and 2D settings, stored images) and the document being built from it (blocks, issues,
// byte range). The tokenizer (commands.ts) calls the methods here; the hot text loop (decoder.ts) reads
// `line`, `style`, `table` and `areaWidth` directly.
import type {
  Alignment,
  Block,
  DecodeIssue,
  DialectReport,
  EventBlock,
  EventName,
  ImageBlock,
  PrintedDocument,
  TextLine,
} from './document.js';
import type { ResolvedOptions } from './options.js';
import type { PayloadSink } from './payload.js';
import { StyleState } from './style.js';
import { LineBuilder } from './line.js';
import { charTable, jisCodec, kanjiCodec, withUserDefined, UTF8_ASCII, type CharTable, type KanjiCodec } from './chartable.js';
import { EXTRA_PAGES } from './codepages.js';
import { pageOfEscT, type CodePageNumbering } from './code-page-numbering.js';
import { TwoDState } from './twod.js';
import type { BarcodeSettings } from './barcode.js';
import { appendRows } from './images.js';

/** Default tab stops every 8 Font A characters; Epson allows at most 32 stops. */
const DEFAULT_TAB_CHARS = 8;
export const MAX_TAB_STOPS = 32;
/** Line spacing in dots (ESC 2 default, 1/6 inch) — only used to order page-mode lines. */
const DEFAULT_LINE_SPACING = 30;
/** Stored graphics kept across jobs (NV and download graphics, GS * image, FS q images). */
const MAX_STORED_IMAGES = 64;

export interface StoredImage {
  width: number;
  height: number;
  /** null: the definition was larger than the image limit. */
  bits: Uint8Array | null;
}

const ESCPOS_BY_SETUP: DialectReport = Object.freeze({ name: 'escpos', from: 'setup' });

interface PageEntry {
  y: number;
  block: Block;
}

export class Printer {
  readonly style = new StyleState();
  readonly line = new LineBuilder();
  readonly twoD = new TwoDState();
  readonly barcode: BarcodeSettings = { height: 162, moduleWidth: 3, hri: 'none' };

  align: Alignment = 'left';
  leftMargin = 0;
  printWidth: number;
  /** Width available to the current line: print area width limited by what is left of the paper. */
  areaWidth: number;
  tabStops: number[] = [];

  /** The selected page as an Epson `ESC t` value (or an EXTRA_PAGES id), whatever the printer's own numbering. */
  escT: number;
  escR = 0;
  /** Set by rebuildTable() from the page, international set, encoding and user-defined characters. */
  table!: CharTable;
  /** `FS ( C` chose UTF-8 as the text encoding (or the printer starts in it). */
  utf8Selected: boolean;
  /** Text bytes from 0x80 up are UTF-8 sequences: `FS ( C` chose it or a vendor's `ESC t` page is UTF-8. */
  utf8 = false;
  userCharsOn = false;
  readonly userDefined = new Uint8Array(256);

  kanjiOn = false;
  kanji: KanjiCodec;
  /** Bematech printers switched to their native command set (GS 0xF9 '5' '0'), where a few codes differ. */
  bematechNative = false;
  /** ESC = : when the printer is deselected, text and line feeds go nowhere. */
  selected = true;

  pageMode = false;
  private pageLeft = 0;
  private pageWidth: number;
  private pageY = 0;
  private lineSpacing = DEFAULT_LINE_SPACING;
  private page: PageEntry[] = [];
  /** Blocks the page has put in the document through prints that kept it (ESC FF, ESC GS P 6) since it was emptied. */
  private keptPrinted = 0;

  /** ESC * bands print with the line they are in: the LF after one must not add a blank line. */
  bitImageInLine = false;
  /** Index in `blocks` of the ESC * image the next band may extend, or -1. */
  private bandIndex = -1;

  bufferGraphic: { source: string; image: ImageBlock } | null = null;
  readonly stored = new Map<string, StoredImage>();

  sink: PayloadSink | null = null;

  // The document being built.
  private blocks: Block[] = [];
  private issues: DecodeIssue[] = [];
  private droppedIssues = 0;
  private lastDroppedAt = 0;
  private userGlyphIssued = false;
  docStart = 0;
  /** Documents finished since the caller last collected them. */
  out: PrintedDocument[] = [];

  readonly columns: number;
  /** How this printer numbers its ESC t pages: the setup's, or a maker's its own commands showed (numberedBy). */
  private numbering: CodePageNumbering;
  /** The n of the last ESC t, to select again in a numbering learned later; null before any. */
  private escTNumber: number | null = null;

  constructor(
    readonly opts: ResolvedOptions,
    readonly dialect: DialectReport = ESCPOS_BY_SETUP,
  ) {
    this.printWidth = opts.paperWidth;
    this.areaWidth = opts.paperWidth;
    this.pageWidth = opts.paperWidth;
    this.columns = Math.floor(opts.paperWidth / opts.gridDots);
    this.numbering = opts.codePageNumbering;
    this.escT = pageOfEscT(opts.codePageNumbering, opts.codePage);
    this.utf8Selected = opts.characterEncoding === 'utf-8';
    this.rebuildTable();
    this.kanji = kanjiCodec(opts.kanjiEncoding);
    this.resetTabs();
  }

  // ---- document -------------------------------------------------------------------------------------------

  issue(offset: number, message: string): void {
    if (this.issues.length < this.opts.maxIssues - 1) this.issues.push({ offset, message });
    else {
      this.droppedIssues++;
      this.lastDroppedAt = offset;
    }
  }

  /** Add a finished block; `at` is the byte offset just after the command that produced it. */
  emit(block: Block, at: number): void {
    if (this.pageMode) {
      this.page.push({ y: this.pageY, block });
      if (this.page.length >= this.opts.maxBlocks) {
        this.issue(at, `page mode buffer reached ${this.opts.maxBlocks} entries; printed early`);
        this.printPage(at, true);
      }
      return;
    }
    this.blocks.push(block);
    this.bandIndex = -1;
    if (this.blocks.length >= this.opts.maxBlocks) {
      this.issue(at, `document reached ${this.opts.maxBlocks} blocks without a cut; split here`);
      this.endDocument(at);
    }
  }

  event(event: EventName, command: string, at: number, detail?: Record<string, number | string | boolean>): void {
    const block: EventBlock =
      detail === undefined ? { kind: 'event', event, command } : { kind: 'event', event, command, detail };
    // Events are not positioned on a page: they go straight into the document even in page mode.
    this.blocks.push(block);
    this.bandIndex = -1;
    if (this.blocks.length >= this.opts.maxBlocks) {
      this.issue(at, `document reached ${this.opts.maxBlocks} blocks without a cut; split here`);
      this.endDocument(at);
    }
  }

  endDocument(end: number): void {
    // The document's text lines may still wait for their text (LineBuilder makes it a batch at a time).
    this.line.flushText();
    const issues = this.issues;
    if (this.droppedIssues > 0) {
      issues.push({ offset: this.lastDroppedAt, message: `${this.droppedIssues} further issues not kept` });
    }
    this.out.push({
      start: this.docStart,
      end,
      paperWidth: this.opts.paperWidth,
      gridDots: this.opts.gridDots,
      columns: this.columns,
      blocks: this.blocks,
      issues,
      dialect: this.dialect,
    });
    this.blocks = [];
    this.issues = [];
    this.droppedIssues = 0;
    this.userGlyphIssued = false;
    this.bandIndex = -1;
    this.docStart = end;
  }

  /** Whether the current document holds anything: used by end-of-stream to decide on a trailing document. */
  get documentHasContent(): boolean {
    return this.blocks.length > 0 || this.issues.length > 0;
  }

  // ---- lines ----------------------------------------------------------------------------------------------

  /** LF (and ESC d, ESC J): print the line; an empty line prints as a blank line. */
  lineFeed(at: number): void {
    if (!this.selected) return;
    if (this.bitImageInLine && !this.line.hasInk) {
      this.line.clear();
      this.bitImageInLine = false;
      this.advancePage();
      return;
    }
    this.bitImageInLine = false;
    this.finishLine(at);
    this.advancePage();
    if (this.style.oneLineDoubleWidth) {
      this.style.oneLineDoubleWidth = false;
      this.style.update();
    }
  }

  /** ESC J: print what is in the buffer (text or an ESC * band) and feed; nothing to print adds nothing. */
  feedDots(at: number): void {
    if (this.line.hasInk) this.lineFeed(at);
    else {
      this.line.clear();
      this.bitImageInLine = false;
    }
  }

  /** Finish the line only when it printed something (before a cut, ESC @, page print, end of stream). */
  flushLine(at: number): void {
    if (this.line.hasInk) this.finishLine(at);
    else this.line.clear();
    this.bitImageInLine = false;
  }

  /** Automatic wrap when the next character does not fit the print area. */
  wrap(at: number): void {
    this.finishLine(at);
    this.advancePage();
  }

  /** Wraps first if a character `advance` dots wide would pass the print area (a line never wraps empty). */
  makeRoom(advance: number, at: number): void {
    if (this.line.x + advance > this.areaWidth && this.line.x > 0) this.wrap(at);
  }

  private finishLine(at: number): void {
    const dropped = this.line.takeDropped();
    if (dropped > 0) this.issue(at, `line too long: ${dropped} characters not kept`);
    const left = this.pageMode ? this.pageLeft : this.leftMargin;
    const align = this.pageMode ? 'left' : this.align;
    const line: TextLine = this.line.finish(align, left, this.areaWidth, this.opts.gridDots);
    if (this.pageMode && line.spans.length === 0) return;
    this.emit(line, at);
  }

  /** Horizontal move that keeps to the print area (Epson ignores moves past its end). */
  moveTo(x: number): void {
    if (x < 0) x = 0;
    if (x > this.areaWidth) return;
    this.line.moveTo(x);
  }

  tab(): void {
    const x = this.line.x;
    for (const stop of this.tabStops) {
      if (stop > x) {
        if (stop <= this.areaWidth) this.line.moveTo(stop);
        return;
      }
    }
  }

  resetTabs(): void {
    this.tabStops = [];
    for (let i = 1; i <= MAX_TAB_STOPS; i++) this.tabStops.push(i * DEFAULT_TAB_CHARS * 12);
  }

  /** ESC D: positions in characters of the current width (including spacing and double width). */
  setTabs(columns: Uint8Array): void {
    const unit = this.style.tabUnit();
    const stops: number[] = [];
    let last = 0;
    for (const c of columns) {
      if (c <= last) break; // Epson: a position not above the previous one ends the list.
      stops.push(c * unit);
      last = c;
    }
    this.tabStops = stops;
  }

  updateArea(): void {
    if (this.pageMode) {
      this.areaWidth = this.pageWidth;
      return;
    }
    const left = Math.min(this.leftMargin, this.opts.paperWidth - 1);
    this.areaWidth = Math.max(1, Math.min(this.printWidth, this.opts.paperWidth - left));
  }

  // ---- code pages, user-defined characters and Kanji ------------------------------------------------------

  /** ESC t n, n in the printer's own numbering. */
  selectCodeTable(n: number): void {
    this.escTNumber = n;
    this.selectCodeTableIn(this.numbering, n);
  }

  /**
   * The job sent a command only one maker's printers have (a Daruma's ESC w): with no numbering set up, its ESC t
   * numbers are that maker's, the page selected so far included (a Daruma's ESC t 3 is Windows-1252, Epson's PC860).
   */
  numberedBy(maker: CodePageNumbering): void {
    if (this.numbering !== 'epson' || maker === 'epson') return;
    this.numbering = maker;
    if (this.escTNumber !== null) this.selectCodeTableIn(maker, this.escTNumber);
  }

  /** A code page selected by a command that has its own numbering whatever the printer's ESC t follows. */
  selectCodeTableIn(numbering: CodePageNumbering, n: number): void {
    this.escT = pageOfEscT(numbering, n);
    this.rebuildTable();
  }

  /** FS ( C fn 48 m: 1 or '1' one-byte code pages, 2 or '2' UTF-8; other values are ignored, as the printer does. */
  selectEncoding(m: number): void {
    if (m === 1 || m === 0x31) this.utf8Selected = false;
    else if (m === 2 || m === 0x32) this.utf8Selected = true;
    else return;
    this.rebuildTable();
  }

  selectInternational(escR: number): void {
    this.escR = escR;
    this.rebuildTable();
  }

  rebuildTable(): void {
    this.utf8 = this.utf8Selected || this.escT === EXTRA_PAGES.utf8;
    // In UTF-8 the fast text loop still takes ASCII; bytes from 0x80 up leave it for the sequence decoder.
    const base = this.utf8 ? UTF8_ASCII : charTable(this.escT, this.escR);
    this.table = this.userCharsOn ? withUserDefined(base, this.userDefined) : base;
  }

  userGlyphPrinted(at: number): void {
    if (this.userGlyphIssued) return;
    this.userGlyphIssued = true;
    this.issue(at, 'user-defined characters printed: shown as U+FFFD');
  }

  /** FS C: 0 JIS, 1 Shift JIS, 2 Shift JIS-2004. */
  selectKanjiSystem(n: number): void {
    const v = n >= 48 ? n - 48 : n;
    if (v === 0) this.kanji = jisCodec;
    else if (v === 1 || v === 2) this.kanji = kanjiCodec('shift_jis');
  }

  // ---- page mode ------------------------------------------------------------------------------------------

  enterPageMode(at: number): void {
    if (this.pageMode) return;
    this.flushLine(at);
    this.pageMode = true;
    this.pageY = 0;
    this.clearPage();
    this.updateArea();
  }

  /** ESC S: back to standard mode; what was laid out on the page is discarded by the printer. */
  /** Back to standard mode without printing the page (`command` names what did it, for the issue). */
  leavePageMode(at: number, command = 'ESC S'): void {
    if (!this.pageMode) return;
    this.flushLine(at);
    if (this.page.length > 0) this.issue(at, `${command} discarded a page of ${this.page.length} unprinted lines`);
    this.clearPage();
    this.pageMode = false;
    this.updateArea();
  }

  /** ESC W: print area in page mode. */
  setPageArea(x: number, _y: number, dx: number, _dy: number): void {
    this.pageLeft = Math.min(x, this.opts.paperWidth - 1);
    this.pageWidth = Math.max(1, Math.min(dx || this.opts.paperWidth, this.opts.paperWidth - this.pageLeft));
    if (this.pageMode) this.updateArea();
  }

  setLineSpacing(dots: number): void {
    this.lineSpacing = dots;
  }

  /** GS $ / GS \: a new vertical position; what is on the current line stays at the old one. */
  setPageY(y: number, relative: boolean, at: number): void {
    if (!this.pageMode) return;
    const x = this.line.x;
    if (this.line.hasInk) this.finishLine(at);
    else this.line.clear();
    this.pageY = Math.max(0, relative ? this.pageY + y : y);
    if (x > 0) this.line.moveTo(x);
  }

  private advancePage(): void {
    if (this.pageMode) this.pageY += this.lineSpacing;
  }

  /** CAN in page mode: delete what was laid out. */
  cancelPage(): void {
    if (!this.pageMode) return;
    this.line.clear();
    this.clearPage();
  }

  private clearPage(): void {
    this.page = [];
    this.keptPrinted = 0;
  }

  /**
   * Emit the page. FF, ESC GS P 7 and ESC @ (`stayInPageMode` false) print it and go back to standard mode with
   * the print area reset to the whole paper (Epson's FF, Star's ESC GS P 7); a cut prints it and stays in page
   * mode with an empty page. `keep` is ESC FF and ESC GS P 6: the printer keeps the page, its vertical position
   * and its area, for "when the data in page mode is printed repeatedly" (Epson, ESC FF; Star Line Mode Command
   * Specifications, ESC GS P 6), so the next print puts the page, and whatever was added since, on paper again.
   * Entries are ordered by vertical position (stable, so equal positions keep their order) and text lines at the
   * same position are merged with their spans ordered by x. Direction (ESC T) and the vertical extent of
   * characters are not modelled: a good approximation for receipts.
   */
  printPage(at: number, stayInPageMode: boolean, keep = false): void {
    if (!this.pageMode) return;
    this.flushLine(at);
    const entries = keep ? this.page.slice() : this.page;
    if (keep) {
      // Two bytes print a kept page again: uncapped, a few kilobytes of ESC FF would put millions of blocks in
      // the output. What one page prints while kept is capped at maxBlocks; copies past that are left out.
      this.keptPrinted += entries.length;
      if (this.keptPrinted > this.opts.maxBlocks) {
        if (this.keptPrinted - entries.length <= this.opts.maxBlocks) {
          this.issue(at, `a kept page printed again past ${this.opts.maxBlocks} blocks; further copies left out`);
        }
        return;
      }
    } else {
      this.clearPage();
      this.pageY = 0;
    }
    this.pageMode = false;
    entries.sort((a, b) => a.y - b.y);
    let pendingY = -1;
    let pending: TextLine | null = null;
    for (const { y, block } of entries) {
      if (block.kind === 'text') {
        if (pending !== null && pendingY === y) {
          pending = { kind: 'text', align: 'left', spans: [...pending.spans, ...block.spans].sort((a, b) => a.x - b.x) };
          continue;
        }
        if (pending !== null) this.emit(pending, at);
        pending = block;
        pendingY = y;
        continue;
      }
      if (pending !== null) this.emit(pending, at);
      pending = null;
      this.emit(block, at);
    }
    if (pending !== null) this.emit(pending, at);
    this.pageMode = stayInPageMode || keep;
    if (!this.pageMode) this.setPageArea(0, 0, 0, 0);
    this.updateArea();
  }

  // ---- images ---------------------------------------------------------------------------------------------

  /** ESC * band: appended to the band just above it when nothing was printed in between. */
  emitBand(block: ImageBlock, at: number): void {
    this.bitImageInLine = true;
    const prevIndex = this.bandIndex;
    const prev = prevIndex >= 0 ? this.blocks[prevIndex] : undefined;
    if (
      !this.pageMode &&
      prev !== undefined &&
      prev.kind === 'image' &&
      prevIndex === this.blocks.length - 1 &&
      prev.width === block.width &&
      prev.scaleX === block.scaleX &&
      prev.scaleY === block.scaleY &&
      !prev.truncated &&
      !block.truncated &&
      prev.bits.length + block.bits.length <= this.opts.imageLimitBytes
    ) {
      this.blocks[prevIndex] = { ...prev, height: prev.height + block.height, bits: appendRows(prev.bits, block.bits) };
      this.bandIndex = prevIndex;
      return;
    }
    this.emit(block, at);
    if (!this.pageMode && this.blocks[this.blocks.length - 1] === block) this.bandIndex = this.blocks.length - 1;
  }

  storeImage(key: string, image: StoredImage): void {
    if (!this.stored.has(key) && this.stored.size >= MAX_STORED_IMAGES) {
      const oldest = this.stored.keys().next().value;
      if (oldest !== undefined) this.stored.delete(oldest);
    }
    this.stored.set(key, image);
  }

  // ---- ESC @ ----------------------------------------------------------------------------------------------

  initialize(at: number): void {
    if (this.pageMode) this.printPage(at, false);
    this.flushLine(at);
    this.style.reset();
    this.align = 'left';
    this.leftMargin = 0;
    this.printWidth = this.opts.paperWidth;
    this.pageLeft = 0;
    this.pageWidth = this.opts.paperWidth;
    this.lineSpacing = DEFAULT_LINE_SPACING;
    this.updateArea();
    this.resetTabs();
    this.escT = pageOfEscT(this.numbering, this.opts.codePage);
    this.escTNumber = null;
    this.utf8Selected = this.opts.characterEncoding === 'utf-8';
    this.escR = 0;
    this.userCharsOn = false;
    this.userDefined.fill(0);
    this.rebuildTable();
    this.kanjiOn = false;
    this.kanji = kanjiCodec(this.opts.kanjiEncoding);
    this.selected = true;
    this.barcode.height = 162;
    this.barcode.moduleWidth = 3;
    this.barcode.hri = 'none';
    this.twoD.reset();
    this.bufferGraphic = null;
    this.event('initialize', 'ESC @', at);
  }
}
