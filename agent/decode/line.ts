// The line being printed: UTF-16 code units of its text in one reusable buffer, span boundaries as numbers,
// and the horizontal print position. Spans become objects only when the line is finished, so a character
// costs a table lookup, a store and an add. A run of two or more spaces (or any explicit move) ends a span;
// a single space stays inside it; spaces are never part of a span's ends.
// Latin-1 lines stay in the buffer after they are finished, and their spans get their text when the document
// is handed out (or the batch fills): one native string for many lines, since the call that makes a string
// from bytes costs more than a receipt line's whole decode.
import type { Alignment, Span, TextLine, TextStyle } from './document.js';
import type { CharTable } from './chartable.js';

/** Caps that keep one line bounded whatever the job sends (x can move back with ESC \ and overprint). */
export const MAX_LINE_UNITS = 4096;
export const MAX_LINE_SPANS = 512;
/**
 * Latin-1 units of finished lines kept for one string before their spans get text: a receipt's lines usually
 * fit, and a span's text, a slice of that string, keeps at most this much alive.
 */
const TEXT_BATCH_UNITS = 4096;

const SPACE = 0x20;
/** A line's UTF-16 units before it has had a character above U+00FF. */
const NO_WIDE_UNITS = new Uint16Array(0);

/**
 * Line bytes to a string. Buffer#latin1Slice and #ucs2Slice are what toString('latin1' / 'utf16le') call after
 * argument checks that cost more than the decode for a receipt line; they exist on every Node release this
 * project supports, and the documented call is the fallback.
 */
type Slice = (this: Buffer, start: number, end: number) => string;
const proto = Buffer.prototype as unknown as { latin1Slice?: Slice; ucs2Slice?: Slice };
const latin1Slice: Slice = proto.latin1Slice ?? function (this: Buffer, start, end) { return this.toString('latin1', start, end); };
const ucs2Slice: Slice = proto.ucs2Slice ?? function (this: Buffer, start, end) { return this.toString('utf16le', start, end); };

/** A span as built here: its text is filled in when its line's batch becomes a string. */
type BuiltSpan = { -readonly [K in keyof Span]: Span[K] };

export class LineBuilder {
  /** Print position in dots from the start of the line (the left margin). */
  x = 0;
  /** Code units and spans dropped because a cap was reached, since the last `takeDropped`. */
  dropped = 0;

  /**
   * The line's code units: one byte each while every character is Latin-1 (receipts in single-byte pages nearly
   * always are), so the line becomes a one-byte string; from its first wider character, UTF-16 in `wideUnits`.
   * One native decode per line, not a string per span.
   */
  // Contents past `len` are never read, so neither buffer needs zeroing; the UTF-16 one is made at the first
  // wide character, since most decoders (one per job) never meet one.
  // `latin1Units` holds the batch (finished Latin-1 lines whose spans wait for text) and then the current line.
  private readonly latin1Units = Buffer.allocUnsafe(TEXT_BATCH_UNITS + MAX_LINE_UNITS);
  private wideUnits = NO_WIDE_UNITS;
  private wideUnitBytes = Buffer.alloc(0);
  private wide = false;
  /** Units of finished lines in `latin1Units`: where the current line begins while it is Latin-1. */
  private batchLen = 0;
  /** Where the current line begins in its buffer (`batchLen`, or 0 in `wideUnits`), and where it ends. */
  private lineFrom = 0;
  private len = 0;
  /** Spans of finished Latin-1 lines, and where their text lies in the batch. */
  private readonly waiting: (BuiltSpan | undefined)[] = [];
  private readonly waitingFrom: number[] = [];
  private readonly waitingTo: number[] = [];
  private waitingCount = 0;
  private readonly spanFrom: number[] = [];
  private readonly spanTo: number[] = [];
  private readonly spanX: number[] = [];
  private readonly spanEndX: number[] = [];
  private readonly spanStyle: TextStyle[] = [];
  private spanCount = 0;

  private open = false;
  private openFrom = 0;
  private openX = 0;
  private inkEnd = 0;
  private openStyle: TextStyle | null = null;
  private pendingSpaces = 0;
  /** Whether anything (ink or a move) happened since the line began. */
  private touched = false;

  get isEmpty(): boolean {
    return !this.touched;
  }

  get hasInk(): boolean {
    return this.spanCount > 0 || this.open;
  }

  /** One printed character of a single code unit. */
  ink(unit: number, advance: number, style: TextStyle): void {
    if (this.open && (this.pendingSpaces > 1 || style !== this.openStyle)) this.close();
    if (!this.open) this.begin(style);
    else if (this.pendingSpaces === 1) this.push(SPACE);
    this.pendingSpaces = 0;
    this.push(unit);
    this.x += advance;
    this.inkEnd = this.x;
  }

  /**
   * The hot path: printable bytes from buf[i, end) that map to one code unit each, with the print position
   * kept in locals. Stops (returning the index reached) at a control byte, a byte whose table entry is not a
   * single unit (0) or not Latin-1 in a Latin-1 line, or when the next character would pass `limit` (the
   * caller wraps and calls again).
   */
  run(buf: Uint8Array, i: number, end: number, chars: CharTable, advance: number, style: TextStyle, limit: number): number {
    // While the line is Latin-1, wider characters map to 0 and stop the run: `push` widens the line for them.
    // Spaces and control bytes map to 0 in both tables, so a word ends on one lookup.
    const table = this.wide ? chars.runWide : chars.runLatin1;
    const units: Uint8Array | Uint16Array = this.wide ? this.wideUnits : this.latin1Units;
    const lastX = limit - advance;
    const cap = this.lineFrom + MAX_LINE_UNITS;
    let x = this.x;
    let len = this.len;
    let pending = this.pendingSpaces;
    let inkEnd = this.inkEnd;
    let open = this.open;
    if (open && style !== this.openStyle) {
      this.close();
      open = false;
      pending = 0;
    }
    this.touched = true;
    while (i < end) {
      const b = buf[i]!;
      if (b < 0x20 || (x > lastX && x > 0)) break;
      if (b === SPACE) {
        // Column padding: runs of spaces only move x (the fast path is never used while ESC % could redefine it).
        // The first space is taken (the check above let it in), then as many as start inside the area.
        let j = i + 1;
        while (j < end && buf[j] === SPACE) j++;
        let n = j - i;
        if (x + (n - 1) * advance > lastX) n = x > lastX ? 1 : Math.floor((lastX - x) / advance) + 1;
        pending += n;
        x += n * advance;
        i += n;
        continue;
      }
      const u = table[b]!;
      if (u === 0) break;
      if (pending !== 0 || !open) {
        if (!open || pending > 1) {
          if (open) {
            this.len = len;
            this.inkEnd = inkEnd;
            this.close();
          }
          open = true;
          this.open = true;
          this.openFrom = len;
          this.openX = x;
          this.openStyle = style;
        } else if (len < cap) units[len++] = SPACE;
        else this.dropped++;
        pending = 0;
      }
      if (len < cap) units[len++] = u;
      else this.dropped++;
      x += advance;
      i++;
      // The rest of the word: no spaces, no span changes, so fewer checks per character.
      const stop = Math.min(end, i + (cap - len));
      while (i < stop) {
        const v = table[buf[i]!]!;
        if (v === 0 || x > lastX) {
          // A single space between two characters that fit stays in the span ("ITEM 01 MILK"): taken here as
          // the outer loop would take it (a pending space, then the character), without leaving the word.
          if (buf[i] !== SPACE || i + 1 >= stop || x + advance > lastX) break;
          const w = table[buf[i + 1]!]!;
          if (w === 0) break;
          units[len++] = SPACE;
          units[len++] = w;
          x += 2 * advance;
          i += 2;
          continue;
        }
        units[len++] = v;
        x += advance;
        i++;
      }
      inkEnd = x;
    }
    this.x = x;
    this.len = len;
    this.inkEnd = inkEnd;
    // Spaces before the first character of a span are not pending: they only moved x.
    this.pendingSpaces = open ? pending : 0;
    return i;
  }

  /** One printed character that is several code units (Kanji outside the BMP, multi-char table entries). */
  inkText(text: string, advance: number, style: TextStyle): void {
    if (text.length === 0) return this.space(advance);
    this.ink(text.charCodeAt(0), 0, style);
    for (let i = 1; i < text.length; i++) this.push(text.charCodeAt(i));
    this.x += advance;
    this.inkEnd = this.x;
  }

  space(advance: number): void {
    if (this.open) this.pendingSpaces++;
    this.x += advance;
    this.touched = true;
  }

  /** An explicit horizontal move (HT, ESC $, ESC \): always starts a new span. */
  moveTo(x: number): void {
    this.close();
    this.x = x;
    this.touched = true;
  }

  /**
   * The finished line. `left` is the left margin, `area` the print area width: alignment puts the line's
   * extent (print position at its end, as the printer does) inside the area.
   */
  finish(align: Alignment, left: number, area: number, gridDots: number): TextLine {
    this.close();
    const lineWidth = this.x;
    let offset = left;
    if (align === 'center') offset += Math.max(0, Math.floor((area - lineWidth) / 2));
    else if (align === 'right') offset += Math.max(0, area - lineWidth);
    const count = this.spanCount;
    const spans: Span[] = new Array<Span>(count);
    const wideText = this.wide && count > 0 ? ucs2Slice.call(this.wideUnitBytes, 0, this.len * 2) : '';
    for (let i = 0; i < count; i++) {
      const x = this.spanX[i]! + offset;
      const from = this.spanFrom[i]!;
      const to = this.spanTo[i]!;
      const span: BuiltSpan = {
        text: this.wide ? wideText.slice(from, to) : '',
        x,
        width: this.spanEndX[i]! - this.spanX[i]!,
        column: Math.round(x / gridDots),
        style: this.spanStyle[i]!,
      };
      spans[i] = span;
      if (!this.wide) this.await(span, from, to);
    }
    // A Latin-1 line's units stay in the batch for its spans' text.
    if (!this.wide) this.batchLen = this.len;
    this.clear();
    if (this.batchLen > TEXT_BATCH_UNITS) this.flushText();
    return { kind: 'text', spans, align };
  }

  /**
   * Gives every finished span its text: called before a document is handed out, since its spans may still be
   * waiting. The line being built, if any, moves to the start of the buffer.
   */
  flushText(): void {
    if (this.waitingCount > 0) {
      const text = latin1Slice.call(this.latin1Units, 0, this.batchLen);
      for (let i = 0; i < this.waitingCount; i++) {
        this.waiting[i]!.text = text.slice(this.waitingFrom[i]!, this.waitingTo[i]!);
        // Not held until the next batch overwrites it: the span belongs to a document handed out now.
        this.waiting[i] = undefined;
      }
      this.waitingCount = 0;
    }
    if (this.batchLen === 0) return;
    if (!this.wide) this.moveLine(-this.batchLen);
    this.batchLen = 0;
  }

  clear(): void {
    this.lineFrom = this.batchLen;
    this.len = this.batchLen;
    this.wide = false;
    this.spanCount = 0;
    this.open = false;
    this.openStyle = null;
    this.pendingSpaces = 0;
    this.x = 0;
    this.inkEnd = 0;
    this.touched = false;
  }

  takeDropped(): number {
    const n = this.dropped;
    this.dropped = 0;
    return n;
  }

  private begin(style: TextStyle): void {
    this.open = true;
    this.openFrom = this.len;
    this.openX = this.x;
    this.openStyle = style;
    this.touched = true;
  }

  private await(span: BuiltSpan, from: number, to: number): void {
    const i = this.waitingCount++;
    this.waiting[i] = span;
    this.waitingFrom[i] = from;
    this.waitingTo[i] = to;
  }

  /** Moves the current line's units and span bounds by `delta` positions in the Latin-1 buffer. */
  private moveLine(delta: number): void {
    this.latin1Units.copyWithin(this.lineFrom + delta, this.lineFrom, this.len);
    this.shiftLine(delta);
  }

  /** The current line's bounds and its spans' bounds, `delta` positions on. */
  private shiftLine(delta: number): void {
    this.lineFrom += delta;
    this.len += delta;
    this.openFrom += delta;
    for (let i = 0; i < this.spanCount; i++) {
      this.spanFrom[i] = this.spanFrom[i]! + delta;
      this.spanTo[i] = this.spanTo[i]! + delta;
    }
  }

  private push(unit: number): void {
    if (this.len - this.lineFrom >= MAX_LINE_UNITS) {
      this.dropped++;
      return;
    }
    if (this.wide) this.wideUnits[this.len++] = unit;
    else if (unit <= 0xff) this.latin1Units[this.len++] = unit;
    else {
      this.widen();
      this.wideUnits[this.len++] = unit;
    }
  }

  /** The first character above U+00FF: the line so far moves to UTF-16. */
  private widen(): void {
    if (this.wideUnits === NO_WIDE_UNITS) {
      this.wideUnits = new Uint16Array(MAX_LINE_UNITS);
      this.wideUnitBytes = Buffer.from(this.wideUnits.buffer);
    }
    const from = this.latin1Units;
    const to = this.wideUnits;
    const start = this.lineFrom;
    for (let i = start; i < this.len; i++) to[i - start] = from[i]!;
    // Bounds were in the Latin-1 buffer, after the batch; the line now begins at 0 of the UTF-16 one.
    this.shiftLine(-start);
    this.wide = true;
  }

  private close(): void {
    this.pendingSpaces = 0;
    if (!this.open) return;
    this.open = false;
    if (this.len === this.openFrom) return;
    if (this.spanCount >= MAX_LINE_SPANS) {
      this.dropped += this.len - this.openFrom;
      this.len = this.openFrom;
      return;
    }
    const i = this.spanCount++;
    this.spanFrom[i] = this.openFrom;
    this.spanTo[i] = this.len;
    this.spanX[i] = this.openX;
    this.spanEndX[i] = this.inkEnd;
    this.spanStyle[i] = this.openStyle!;
  }
}
