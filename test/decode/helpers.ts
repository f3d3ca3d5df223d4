// Builders for the exact documents the decoder tests expect, and for the bytes they feed it.
import type {
  Alignment,
  Block,
  DecodeIssue,
  EventBlock,
  EventName,
  PrintedDocument,
  Span,
  TextLine,
  TextStyle,
} from '../../agent/decode/document.js';
import { Decoder, type DecoderOptions } from '../../agent/decode/index.js';

export const ESC = 0x1b;
export const GS = 0x1d;
export const FS = 0x1c;
export const DLE = 0x10;
export const LF = 0x0a;
export const HT = 0x09;

/** Bytes from parts: strings are taken one byte per character (latin1), numbers are bytes, arrays are spread. */
export function bytes(...parts: (string | number | readonly number[] | Uint8Array)[]): Uint8Array {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === 'string') for (let i = 0; i < part.length; i++) out.push(part.charCodeAt(i) & 0xff);
    else if (typeof part === 'number') out.push(part & 0xff);
    else for (const b of part) out.push(b);
  }
  return Uint8Array.from(out);
}

export function style(over: Partial<TextStyle> = {}): TextStyle {
  return {
    bold: false,
    underline: 0,
    width: 1,
    height: 1,
    invert: false,
    font: 'A',
    upsideDown: false,
    rotated: false,
    ...over,
  };
}

/** A span at x; width defaults to 12 dots per character times the style's width multiplier. */
export function span(text: string, x: number, over: { width?: number; style?: Partial<TextStyle>; grid?: number } = {}): Span {
  const st = style(over.style);
  return {
    text,
    x,
    width: over.width ?? [...text].length * 12 * st.width,
    column: Math.round(x / (over.grid ?? 12)),
    style: st,
  };
}

export function line(spans: Span[], align: Alignment = 'left'): TextLine {
  return { kind: 'text', spans, align };
}

export function event(name: EventName, command: string, detail?: Record<string, number | string | boolean>): EventBlock {
  return detail === undefined ? { kind: 'event', event: name, command } : { kind: 'event', event: name, command, detail };
}

export function doc(
  start: number,
  end: number,
  blocks: Block[],
  issues: DecodeIssue[] = [],
  paper: { paperWidth?: number; gridDots?: number } = {},
): PrintedDocument {
  const paperWidth = paper.paperWidth ?? 576;
  const gridDots = paper.gridDots ?? 12;
  return { start, end, paperWidth, gridDots, columns: Math.floor(paperWidth / gridDots), blocks, issues, dialect: { name: 'escpos', from: 'setup' } };
}

/** JSON of documents with image bits as base64: what the chunking property compares. */
export function toJson(docs: readonly PrintedDocument[]): string {
  return JSON.stringify(docs, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v));
}

/** Decodes `bytes` fed in pieces cut at `cuts` (any order, repeats allowed), as a capture would feed them. */
export function decodeSplit(bytes: Uint8Array, cuts: readonly number[], opts?: DecoderOptions): PrintedDocument[] {
  const decoder = new Decoder(opts);
  const out: PrintedDocument[] = [];
  let from = 0;
  for (const at of [...cuts].sort((a, b) => a - b)) {
    out.push(...decoder.write(bytes.subarray(from, at)));
    from = at;
  }
  out.push(...decoder.write(bytes.subarray(from)), ...decoder.end());
  return out;
}

/** Each printed line's text, its spans joined by a space, across documents (for tests that read what printed). */
export function printedLines(docs: readonly PrintedDocument[]): string[] {
  return docs.flatMap((d) => d.blocks.filter((b): b is TextLine => b.kind === 'text' && b.spans.length > 0).map((l) => l.spans.map((s) => s.text).join(' ')));
}

/** Documents that end in a cut. */
export function cutCount(docs: readonly PrintedDocument[]): number {
  return docs.filter((d) => d.blocks.some((b) => b.kind === 'event' && b.event === 'cut')).length;
}

/** Every issue's message, across documents. */
export function issueMessages(docs: readonly PrintedDocument[]): string[] {
  return docs.flatMap((d) => d.issues.map((i) => i.message));
}
