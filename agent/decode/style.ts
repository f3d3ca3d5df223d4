// Character style state (ESC !, ESC E, ESC G, ESC -, GS !, GS B, ESC M, ESC {, ESC V) and the shared,
// frozen TextStyle objects spans point at. Styles are interned by a packed key so that spans compare by
// identity cheaply and no style object is allocated per character.
import type { FontName, TextStyle } from './document.js';

const FONTS: readonly FontName[] = ['A', 'B', 'C', 'D', 'E'];
/** Character cell widths in dots: Font A 12x24, Font B 9x17 (Epson TM-T88/TM-T20 at 576 dots: 48/64 columns). */
const FONT_WIDTH: readonly number[] = [12, 9, 9, 12, 12];

const interned = new Map<number, TextStyle>();

function internStyle(key: number): TextStyle {
  let style = interned.get(key);
  if (style === undefined) {
    style = Object.freeze({
      bold: (key & 1) !== 0,
      underline: ((key >> 1) & 3) as 0 | 1 | 2,
      width: ((key >> 3) & 7) + 1,
      height: ((key >> 6) & 7) + 1,
      invert: (key & (1 << 9)) !== 0,
      font: FONTS[(key >> 10) & 7] ?? 'A',
      upsideDown: (key & (1 << 13)) !== 0,
      rotated: (key & (1 << 14)) !== 0,
    });
    interned.set(key, style);
  }
  return style;
}

export const DEFAULT_STYLE: TextStyle = internStyle(0);

/** Mutable print-mode state; `style` and `advance` are recomputed only when a command changes something. */
export class StyleState {
  emphasized = false;
  doubleStrike = false;
  underline: 0 | 1 | 2 = 0;
  widthMul = 1;
  heightMul = 1;
  invert = false;
  font = 0;
  upsideDown = false;
  rotated = false;
  /** ESC SP right-side character spacing in dots (before width multiplication). */
  charSpacing = 0;
  /** Kanji: FS ! / FS W doubling and FS S left/right spacing. */
  kanjiDoubleWidth = false;
  kanjiSpacing = 0;
  /** SO: double width until DC4 or the end of the line (older ESC/POS, still sent by generic drivers). */
  oneLineDoubleWidth = false;

  style: TextStyle = DEFAULT_STYLE;
  /** The packed key of `style`. */
  private styleKey = 0;
  /** Dots one single-byte character advances the print position. */
  advance = 12;
  /** Dots one double-byte (Kanji) character advances the print position. */
  kanjiAdvance = 24;

  reset(): void {
    this.emphasized = false;
    this.doubleStrike = false;
    this.underline = 0;
    this.widthMul = 1;
    this.heightMul = 1;
    this.invert = false;
    this.font = 0;
    this.upsideDown = false;
    this.rotated = false;
    this.charSpacing = 0;
    this.kanjiDoubleWidth = false;
    this.kanjiSpacing = 0;
    this.oneLineDoubleWidth = false;
    this.update();
  }

  /** ESC ! n: font, emphasis, double height/width and underline in one byte. */
  setPrintMode(n: number): void {
    this.font = n & 1;
    this.emphasized = (n & 0x08) !== 0;
    this.heightMul = n & 0x10 ? 2 : 1;
    this.widthMul = n & 0x20 ? 2 : 1;
    this.underline = n & 0x80 ? 1 : 0;
    this.update();
  }

  /** GS ! n: width multiplier in the high nibble, height in the low one (0 = 1x .. 7 = 8x). */
  setCharacterSize(n: number): void {
    this.widthMul = ((n >> 4) & 7) + 1;
    this.heightMul = (n & 7) + 1;
    this.update();
  }

  /** ESC M n: 0..4 or '0'..'4'; 97/98 are the "special" fonts A/B. */
  setFont(n: number): void {
    if (n >= 48 && n <= 52) this.font = n - 48;
    else if (n <= 4) this.font = n;
    else if (n === 97 || n === 98) this.font = n - 97;
    this.update();
  }

  update(): void {
    const widthMul = this.oneLineDoubleWidth ? Math.max(2, this.widthMul) : this.widthMul;
    const key =
      (this.emphasized || this.doubleStrike ? 1 : 0) |
      (this.underline << 1) |
      ((widthMul - 1) << 3) |
      ((this.heightMul - 1) << 6) |
      (this.invert ? 1 << 9 : 0) |
      (this.font << 10) |
      (this.upsideDown ? 1 << 13 : 0) |
      (this.rotated ? 1 << 14 : 0);
    // Most style commands set what is already in force (ESC E 0 after every total line): no lookup then.
    if (key !== this.styleKey) {
      this.styleKey = key;
      this.style = internStyle(key);
    }
    const cell = FONT_WIDTH[this.font] ?? 12;
    this.advance = (cell + this.charSpacing) * widthMul;
    const kanjiMul = Math.max(widthMul, this.kanjiDoubleWidth ? 2 : 1);
    this.kanjiAdvance = (cell * 2 + this.kanjiSpacing) * kanjiMul;
  }

  /** Width of one character of the current font at normal size, used by ESC D tab positions. */
  tabUnit(): number {
    return this.advance;
  }
}

/** 0/'0' off, 1/'1' one-dot, 2/'2' two-dot: the encoding ESC - and FS - share. */
export function underlineMode(n: number): 0 | 1 | 2 | undefined {
  const v = n >= 48 ? n - 48 : n;
  return v === 0 || v === 1 || v === 2 ? v : undefined;
}
