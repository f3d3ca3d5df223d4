// Recognising a printer's command language from the stream itself (printerSetup.dialect `auto`). Star Line mode,
// StarPRNT and ESC/POS share ESC and most printable bytes, so the decision rests on commands that exist in only
// one of them: the first such command in the stream decides. Commands both languages define with different
// meanings (ESC d n is a cut on Star and a feed on Epson, ESC a n a feed or the alignment) are no evidence.
import type { DialectName } from './document.js';

const ESC = 0x1b;
const GS = 0x1d;
const RS = 0x1e;
const FS = 0x1c;
const DLE = 0x10;
const BEL = 0x07;
const EOT = 0x04;

export interface Detection {
  readonly name: DialectName;
  readonly evidence: string;
  /** Stream offset just after the command that decided it. */
  readonly at: number;
}

/** Star's own command prefixes after ESC GS whose third byte names a StarPRNT-only command. */
const STAR_PRNT_ONLY = new Set([0x53, 0x50]); // ESC GS S (raster image), ESC GS P (page mode)
/** GS x commands of ESC/POS that no Star driver sends (node-thermal-printer's STAR type sends GS h / w / k / v). */
const ESCPOS_GS = new Set([0x56, 0x21, 0x28, 0x42, 0x4c, 0x57, 0x61, 0x2f, 0x38]);

const name = (b: number): string => (b >= 0x21 && b <= 0x7e ? String.fromCharCode(b) : '0x' + b.toString(16).padStart(2, '0'));

/** Scans bytes as they come; `detection` is set from the byte that decides, identical however they are split. */
export class DialectSniffer {
  detection: Detection | null = null;
  /** The three bytes before the current one (b1 the nearest); -1 before the stream began. */
  private b1 = -1;
  private b2 = -1;
  private b3 = -1;

  /** Looks at buf[from, to) whose first byte is at stream offset `base`; returns the index just after the deciding byte, or -1. */
  scan(buf: Uint8Array, from: number, to: number, base: number): number {
    for (let i = from; i < to; i++) {
      const b = buf[i]!;
      const found = this.decide(b);
      this.b3 = this.b2;
      this.b2 = this.b1;
      this.b1 = b;
      if (found !== null) {
        this.detection = { ...found, at: base + i + 1 };
        return i + 1;
      }
    }
    return -1;
  }

  private decide(b: number): { name: DialectName; evidence: string } | null {
    const { b1, b2, b3 } = this;
    // Three-byte Star prefixes: ESC GS x, ESC * r.
    if (b2 === ESC && b1 === GS) return { name: STAR_PRNT_ONLY.has(b) ? 'star-prnt' : 'star-line', evidence: `ESC GS ${name(b)}` };
    if (b2 === ESC && b1 === 0x2a && b === 0x72) return { name: 'star-line', evidence: 'ESC * r' };
    if (b1 === ESC) {
      if (b === RS) return { name: 'star-line', evidence: 'ESC RS' };
      if (b === BEL) return { name: 'star-line', evidence: 'ESC BEL' };
      if (b === 0x62) return { name: 'star-line', evidence: 'ESC b' };
      if (b === 0x21) return { name: 'escpos', evidence: 'ESC !' };
      if (b === 0x74) return { name: 'escpos', evidence: 'ESC t' };
    }
    // ESC i n1 n2 with both expansions in range is Star's character size; Epson's ESC i (a cut) takes no parameters.
    if (b3 === ESC && b2 === 0x69 && expansion(b1) && expansion(b)) return { name: 'star-line', evidence: 'ESC i' };
    if (b1 === GS && b2 !== ESC && ESCPOS_GS.has(b)) return { name: 'escpos', evidence: `GS ${name(b)}` };
    if (b1 === FS && b2 !== ESC && b === 0x28) return { name: 'escpos', evidence: 'FS (' };
    if (b1 === DLE && b === EOT) return { name: 'escpos', evidence: 'DLE EOT' };
    return null;
  }
}

function expansion(n: number): boolean {
  return n <= 5 || (n >= 0x30 && n <= 0x35);
}
