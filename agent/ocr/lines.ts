// Recognised lines → the document's text lines, so extraction reads an OCR'd receipt exactly as a printed one.
// Words are put back at their positions in dots; words closer than about two character widths stay in one span
// (one cell), wider gaps start a new span, as the decoder splits text at runs of spaces. A line whose left and
// right margins match is marked centred, like a header printed with ESC a 1. Lines the engine itself doubts
// (dithered logo speckle read as letters) are dropped.
import type { Alignment, PrintedDocument, Span, TextLine, TextStyle } from '../decode/index.js';
import type { RecognizedLine, RecognizedWord } from './engine.js';
import { toDots, type Page, type Preprocessing } from './page.js';

/** Line confidence (0..100) under which a line is taken for picture noise, not text. */
export const MIN_LINE_CONFIDENCE = 45;

const PLAIN: TextStyle = Object.freeze({ bold: false, underline: 0, width: 1, height: 1, invert: false, font: 'A', upsideDown: false, rotated: false });
const TALL: TextStyle = Object.freeze({ ...PLAIN, height: 2 });

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

interface DotWord {
  readonly text: string;
  readonly x0: number;
  readonly x1: number;
}

function inDots(word: RecognizedWord, pre: Preprocessing): DotWord {
  return { text: word.text, x0: toDots(word.x0, pre), x1: toDots(word.x1, pre) };
}

function alignmentOf(x0: number, x1: number, paperWidth: number, charWidth: number): Alignment {
  const leftGap = x0;
  const rightGap = paperWidth - x1;
  if (leftGap > 2 * charWidth && Math.abs(leftGap - rightGap) <= 1.5 * charWidth) return 'center';
  return 'left';
}

function textLine(words: readonly DotWord[], style: TextStyle, doc: PrintedDocument, page: Page, charWidth: number): TextLine {
  const spans: Span[] = [];
  let current: DotWord[] = [];
  const close = (): void => {
    if (current.length === 0) return;
    const x = Math.max(0, Math.round(current[0]!.x0));
    const width = Math.max(1, Math.round(current[current.length - 1]!.x1) - x);
    spans.push({ text: normaliseSpanText(current.map((w) => normaliseWord(w.text)).join(' ')), x, width, column: Math.round(x / doc.gridDots), style });
    current = [];
  };
  for (const word of words) {
    const previous = current[current.length - 1];
    if (previous !== undefined && word.x0 - previous.x1 > 2 * charWidth) close();
    current.push(word);
  }
  close();
  const first = words[0]!;
  const last = words[words.length - 1]!;
  return { kind: 'text', spans, align: alignmentOf(first.x0, last.x1, page.printedWidth, charWidth) };
}

/** A quantity prefix whose multiplication sign was read as '%', 'X', '×' or doubled ("2 % Flat White"). */
const QUANTITY_SIGN = /^(\d{1,3}) (?:%|X|×|xX|Xx|\*) /;
/** An amount with letters the engine confuses with digits at this size: O for 0, l or I for 1 ("1O.5O"). */
const AMOUNT_LOOKALIKE = /^([-£$€]?)([\dOolI]+[.,][\dOolI]{2})$/;

/** Undoes the engine's usual misreadings of receipt text that extraction would otherwise trip on. */
function normaliseWord(text: string): string {
  const m = AMOUNT_LOOKALIKE.exec(text);
  if (m === null || !/\d/.test(m[2]!)) return text;
  return m[1]! + m[2]!.replace(/[Oo]/g, '0').replace(/[lI]/g, '1');
}

function normaliseSpanText(text: string): string {
  return text.replace(QUANTITY_SIGN, '$1 x ');
}

/** One page's recognised lines as text lines, top to bottom. */
export function textLinesOf(lines: readonly RecognizedLine[], page: Page, pre: Preprocessing, doc: PrintedDocument): TextLine[] {
  const kept = lines.filter((l) => l.confidence >= MIN_LINE_CONFIDENCE);
  const heights = kept.map((l) => (l.y1 - l.y0) / pre.scale);
  const normalHeight = median(heights);
  const charWidth = median(kept.flatMap((l) => l.words.map((w) => (w.x1 - w.x0) / pre.scale / Math.max(1, [...w.text].length)))) || doc.gridDots;
  return kept.map((line, i) => {
    const words = [...line.words].sort((a, b) => a.x0 - b.x0).map((w) => inDots(w, pre));
    // Totals are often printed larger; extraction gives large lines weight, so a line 1.4× the usual is marked tall.
    const style = normalHeight > 0 && heights[i]! > normalHeight * 1.4 ? TALL : PLAIN;
    return textLine(words, style, doc, page, charWidth);
  });
}

/** The document with each page's pictures replaced by the text lines read from it (other blocks kept). */
export function withRecognisedText(doc: PrintedDocument, pages: readonly { page: Page; lines: readonly TextLine[] }[]): PrintedDocument {
  const blocks: PrintedDocument['blocks'][number][] = [];
  let next = 0;
  doc.blocks.forEach((block, index) => {
    const entry = pages[next];
    if (entry !== undefined && index >= entry.page.firstBlock && index <= entry.page.lastBlock) {
      if (block.kind !== 'image') blocks.push(block);
      if (index === entry.page.lastBlock) {
        blocks.push(...entry.lines);
        next++;
      }
      return;
    }
    blocks.push(block);
  });
  return { ...doc, blocks };
}
