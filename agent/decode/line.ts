// The line being printed: UTF-16 code units of its text in one reusable buffer, span boundaries as numbers,
// and the horizontal print position. Spans become objects only when the line is finished, so a character
// costs a table lookup, a store and an add. A run of two or more spaces (or any explicit move) ends a span;
// a single space stays inside it; spaces are never part of a span's ends.
import type { Alignment, Span, TextLine, TextStyle } from './document.js';

/** Caps that keep one line bounded whatever the job sends (x can move back with ESC \ and overprint). */
export const MAX_LINE_UNITS = 4096;
export const MAX_LINE_SPANS = 512;

const SPACE = 0x20;

export class LineBuilder {
  /** Print position in dots from the start of the line (the left margin). */
  x = 0;
  /** Code units and spans dropped because a cap was reached, since the last `takeDropped`. */
  dropped = 0;

  private readonly units = new Uint16Array(MAX_LINE_UNITS);
  private len = 0;
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
    const spans: Span[] = new Array<Span>(this.spanCount);
    for (let i = 0; i < this.spanCount; i++) {
      const x = this.spanX[i]! + offset;
      spans[i] = {
        text: String.fromCharCode.apply(null, this.units.subarray(this.spanFrom[i]!, this.spanTo[i]!) as unknown as number[]),
        x,
        width: this.spanEndX[i]! - this.spanX[i]!,
        column: Math.round(x / gridDots),
        style: this.spanStyle[i]!,
      };
    }
    this.clear();
    return { kind: 'text', spans, align };
  }

  clear(): void {
    this.len = 0;
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

  private push(unit: number): void {
    if (this.len < MAX_LINE_UNITS) this.units[this.len++] = unit;
    else this.dropped++;
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
