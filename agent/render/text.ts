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

/** Places spans on the character grid; a span that would overlap its left neighbour moves right. */
function layoutLine(spans: readonly Span[]): string {
  let line = '';
  for (const span of spans) {
    const text = span.style.width > 1 ? widen(span.text, span.style.width) : span.text;
    const at = Math.max(span.column, line.length === 0 ? 0 : line.length + 1);
    line = line.padEnd(at, ' ') + text;
  }
  return line.trimEnd();
}

/** Double-width text takes `width` cells per character: a gap after each keeps later columns aligned. */
function widen(text: string, width: number): string {
  let out = '';
  for (const ch of text) out += ch.padEnd(width, ' ');
  return out.trimEnd();
}

export function renderText(doc: PrintedDocument): string {
  const lines: string[] = [];
  for (const block of doc.blocks) {
    if (block.kind === 'text') lines.push(layoutLine(block.spans));
    else if (block.kind !== 'event' || block.event !== 'initialize') lines.push(describeBlock(block));
  }
  for (const issue of doc.issues) lines.push(`[issue at byte ${issue.offset}: ${issue.message}]`);
  return lines.join('\n') + '\n';
}
