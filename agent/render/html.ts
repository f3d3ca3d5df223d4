// An HTML preview that looks like the paper receipt: one paper strip per document, text in the printer's
// monospace grid with its styles, images as real pictures, codes as their data. Receipt text is untrusted input,
// so everything printed is escaped.
import type { Block, PrintedDocument, Span, TextLine } from '../decode/document.js';
import { encodePng1 } from './png.js';
import { describeBlock } from './text.js';

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function spanHtml(span: Span, gridDots: number): string {
  const s = span.style;
  const css = [`left:${(span.x / gridDots).toFixed(2)}ch`];
  if (s.bold) css.push('font-weight:bold');
  if (s.underline) css.push(`text-decoration:underline${s.underline === 2 ? ' 2px' : ''}`);
  if (s.invert) css.push('background:#000;color:#fff');
  if (s.font !== 'A') css.push('font-size:0.75em');
  if (s.width > 1 || s.height > 1 || s.upsideDown) {
    css.push(`transform:scale(${s.width},${s.height})${s.upsideDown ? ' rotate(180deg)' : ''}`, 'transform-origin:left bottom');
  }
  return `<span style="${css.join(';')}">${escapeHtml(span.text)}</span>`;
}

function lineHtml(line: TextLine, gridDots: number): string {
  const tallest = line.spans.reduce((h, span) => Math.max(h, span.style.height), 1);
  const spans = line.spans.map((span) => spanHtml(span, gridDots)).join('');
  return `<div class="line" style="height:${tallest * 1.25}em">${spans}</div>`;
}

function blockHtml(block: Block, gridDots: number): string {
  switch (block.kind) {
    case 'text':
      return lineHtml(block, gridDots);
    case 'image': {
      if (block.bits.length === 0) return `<div class="code" style="text-align:${block.align}">${escapeHtml(describeBlock(block))}</div>`;
      const png = encodePng1(block.width, block.height, block.bits).toString('base64');
      const size = `width:${(block.width * block.scaleX) / gridDots}ch`;
      return `<div style="text-align:${block.align}"><img alt="image ${block.width}x${block.height}" style="${size};image-rendering:pixelated" src="data:image/png;base64,${png}"></div>`;
    }
    case 'barcode':
    case '2d':
      return `<div class="code" style="text-align:${block.align}">${escapeHtml(describeBlock(block))}</div>`;
    case 'event':
      return block.event === 'cut' || block.event === 'initialize' ? '' : `<div class="event">${escapeHtml(describeBlock(block))}</div>`;
  }
}

function documentHtml(doc: PrintedDocument, index: number): string {
  const body = doc.blocks.map((block) => blockHtml(block, doc.gridDots)).join('\n');
  return `<section class="paper" style="width:${doc.columns}ch" aria-label="job ${index + 1}">\n${body}\n</section>`;
}

export function renderHtml(docs: readonly PrintedDocument[], title = 'posbridge receipt preview'): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{background:#777;margin:0;padding:2em;font-family:"DejaVu Sans Mono",Consolas,monospace;font-size:14px}
.paper{background:#fff;color:#000;margin:0 auto 0;padding:1.5em 1ch;box-shadow:0 2px 6px #0006}
.paper+.paper{margin-top:1.5em;border-top:3px dashed #777}
.line{position:relative;white-space:pre;line-height:1.25em}
.line span{position:absolute;bottom:0;display:inline-block}
.code{color:#333;margin:.3em 0;word-break:break-all}
.event{color:#888;font-size:.8em;text-align:center}
</style></head><body>
${docs.map(documentHtml).join('\n')}
</body></html>
`;
}
