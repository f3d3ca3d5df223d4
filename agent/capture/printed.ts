// Whether a decoded document put anything on paper. Tills send bytes that print nothing: status polls between
// receipts, an initialise or a paper feed after the last cut. Those are not receipts, so they are neither kept
// as jobs (framer) nor shown as empty slips (parse, the HTML preview).
import type { Block, PrintedDocument, TextLine } from '../decode/index.js';

/** Events that leave no mark: asking for status, resetting the printer, switching modes, advancing paper. */
const SILENT_EVENTS: ReadonlySet<string> = new Set(['status-request', 'initialize', 'page-mode', 'feed']);

/** A line of nothing but spaces leaves no ink, unless underlined or printed white on black. */
function blankLine(line: TextLine): boolean {
  return line.spans.every((span) => span.text.trim() === '' && span.style.underline === 0 && !span.style.invert);
}

function leavesAMark(block: Block): boolean {
  if (block.kind === 'event') return !SILENT_EVENTS.has(block.event);
  if (block.kind === 'text') return !blankLine(block);
  return true;
}

export function printsSomething(doc: PrintedDocument): boolean {
  return doc.blocks.some(leavesAMark);
}
