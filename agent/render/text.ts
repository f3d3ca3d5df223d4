// Plain-text rendering of a printed document, laid out on the printer's character grid so that columns
// printed with ESC $, HT or padding line up as they did on paper. Deterministic: golden files depend on it.
import type { Block, PrintedDocument, Span } from '../decode/document.js';

/** How a non-text block reads in a text render. */
export function describeBlock(block: Exclude<Block, { kind: 'text' }>): string {
  switch (block.kind) {
    case 'barcode':
      return `[BARCODE ${block.symbology}: ${block.data}]`;
    case '2d':
      return `[${block.symbology}: ${block.data}]`;
    case 'image':
      return `[IMAGE ${block.width}x${block.height}${block.truncated ? ' truncated' : ''}]`;
    case 'event':
      return eventText(block.event, block.command, block.detail);
  }
}

function eventText(event: string, command: string, detail?: Readonly<Record<string, unknown>>): string {
  const args = detail === undefined ? '' : Object.entries(detail).map(([k, v]) => ` ${k}=${String(v)}`).join('');
  return event === 'cut' ? `--- cut (${command}${args}) ---` : `[${event} ${command}${args}]`;
}

/** Marks a line cut at the print area (text pushed past it by margins or overlapping spans). */
const CUT_MARK = '…';
/** The narrowest character cell of any printer font (Font C of 80 mm printers), in dots. */
const NARROWEST_CELL_DOTS = 8;

/**
 * Places spans on the character grid; a span that would overlap its left neighbour moves right. Enlarged text
 * prints once, as it reads on paper, and is padded to the columns it covers so the next span keeps its
 * column: a double-width `TOTAL 8.90` is searchable and copyable, and the amounts beside it still line up.
 * A line never passes the print area (`columns`): what would is cut and marked, so no job can make a render
 * larger than its lines times the paper's width.
 */
function layoutLine(spans: readonly Span[], gridDots: number, columns: number): string {
  let line = '';
  for (const span of spans) {
    const at = Math.max(span.column, line.length === 0 ? 0 : line.length + 1);
    if (at >= columns) return cut(line, columns);
    const covers = Math.max(span.text.length, Math.round(span.width / gridDots));
    line = line.padEnd(at, ' ') + span.text;
    if (line.length > columns) return cut(line, columns);
    if (span.style.width > 1) line = line.padEnd(Math.min(at + covers, columns), ' ');
  }
  return line.trimEnd();
}

/** The most characters a line of the paper can hold in its narrowest font: a line longer than this never printed. */
function printAreaCharacters(doc: PrintedDocument): number {
  return Math.max(1, doc.columns, Math.ceil(doc.paperWidth / NARROWEST_CELL_DOTS));
}

function cut(line: string, columns: number): string {
  return line.slice(0, columns).trimEnd() + CUT_MARK;
}

export function renderText(doc: PrintedDocument): string {
  const lines: string[] = [];
  for (const block of doc.blocks) {
    if (block.kind === 'text') lines.push(layoutLine(block.spans, doc.gridDots, printAreaCharacters(doc)));
    else if (block.kind !== 'event' || block.event !== 'initialize') lines.push(describeBlock(block));
  }
  for (const issue of doc.issues) lines.push(`[issue at byte ${issue.offset}: ${issue.message}]`);
  return lines.join('\n') + '\n';
}
