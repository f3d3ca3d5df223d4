// An HTML preview that looks like the paper receipt: one paper strip per document, text in the printer's
// monospace grid with its styles, images as real pictures, codes as their data, a torn edge where the paper was
// cut. Receipt text is untrusted input, so everything printed is escaped.
// The page comes in three parts (head, one section per document, tail) so the CLI can stream a long capture.
import type { Block, PrintedDocument, Span, TextLine } from '../decode/document.js';
import { encodePng1 } from './png.js';
import { describeBlock } from './text.js';

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

// One grid cell is 1ch wide; a line of Font A is two cells high (12x24 dots), so one dot is 1/gridDots ch
// horizontally and vertically alike.
function dots(n: number, gridDots: number): string {
  return `${+(n / gridDots).toFixed(3)}ch`;
}

function spanHtml(span: Span, gridDots: number): string {
  const s = span.style;
  const css = [`left:${dots(span.x, gridDots)}`];
  if (s.bold) css.push('font-weight:bold');
  if (s.underline) css.push(`text-decoration:underline${s.underline === 2 ? ' 2px' : ''}`);
  if (s.invert) css.push('background:#000;color:#fff');
  if (s.font !== 'A') css.push('font-size:0.75em');
  const transforms: string[] = [];
  if (s.width > 1 || s.height > 1) transforms.push(`scale(${s.width},${s.height})`);
  if (s.upsideDown) transforms.push('rotate(180deg)');
  if (transforms.length > 0) css.push(`transform:${transforms.join(' ')}`, 'transform-origin:left bottom');
  return `<span style="${css.join(';')}">${escapeHtml(span.text)}</span>`;
}

function lineHtml(line: TextLine, gridDots: number): string {
  const tallest = line.spans.reduce((h, span) => Math.max(h, span.style.height), 1);
  const spans = line.spans.map((span) => spanHtml(span, gridDots)).join('');
  return `<div class="line" style="height:${tallest * 2}ch">${spans}</div>`;
}

function imageHtml(block: Extract<Block, { kind: 'image' }>, gridDots: number): string {
  if (block.bits.length === 0) return `<div class="code" style="text-align:${block.align}">${escapeHtml(describeBlock(block))}</div>`;
  const png = encodePng1(block.width, block.height, block.bits).toString('base64');
  const size = `width:${dots(block.width * block.scaleX, gridDots)};height:${dots(block.height * block.scaleY, gridDots)}`;
  return (
    `<div style="text-align:${block.align}"><img alt="image ${block.width}x${block.height}" ` +
    `style="${size}" src="data:image/png;base64,${png}"></div>`
  );
}

function blockHtml(block: Block, gridDots: number): string {
  switch (block.kind) {
    case 'text':
      return lineHtml(block, gridDots);
    case 'image':
      return imageHtml(block, gridDots);
    case 'barcode':
    case '2d':
      return `<div class="code" style="text-align:${block.align}">${escapeHtml(describeBlock(block))}</div>`;
    case 'event':
      // The cut is the paper's torn edge; initialize leaves no mark on paper.
      return block.event === 'cut' || block.event === 'initialize' ? '' : `<div class="event">${escapeHtml(describeBlock(block))}</div>`;
  }
}

export function htmlHead(title = 'posbridge receipt preview'): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{background:#6b6b6b;margin:0;padding:2em;font-family:"DejaVu Sans Mono",Consolas,monospace;font-size:14px}
.job{margin:0 auto 2.5em;width:max-content}
.label{color:#ddd;font-size:.8em;margin-bottom:.4em}
.paper{position:relative;background:#fff;color:#000;padding:1.5em 1ch 2em;box-shadow:0 2px 6px #0006}
.paper.cut::after{content:"";position:absolute;left:0;right:0;bottom:-8px;height:8px;
background:linear-gradient(-45deg,transparent 6px,#fff 0) 0 0/12px 8px,linear-gradient(45deg,transparent 6px,#fff 0) 0 0/12px 8px}
.line{position:relative;white-space:pre}
.line span{position:absolute;bottom:0;line-height:2ch}
img{display:inline-block;image-rendering:pixelated;vertical-align:top}
.code{color:#333;margin:.3em 0;word-break:break-all}
.event{color:#888;font-size:.8em;text-align:center}
.issues{color:#a00;font-size:.75em;margin-top:1em;border-top:1px dotted #a00;white-space:pre-wrap}
</style></head><body>
`;
}

/** One document as a strip of paper; `label` names it above the paper (file and job, say). */
export function documentHtml(doc: PrintedDocument, label: string): string {
  const body = doc.blocks.map((block) => blockHtml(block, doc.gridDots)).join('\n');
  const cut = doc.blocks.some((b) => b.kind === 'event' && b.event === 'cut');
  const issues =
    doc.issues.length === 0
      ? ''
      : `\n<div class="issues">${doc.issues.map((i) => escapeHtml(`byte ${i.offset}: ${i.message}`)).join('\n')}</div>`;
  return (
    `<div class="job"><div class="label">${escapeHtml(label)}</div>\n` +
    `<section class="paper${cut ? ' cut' : ''}" style="width:${doc.columns}ch">\n${body}${issues}\n</section></div>\n`
  );
}

export function htmlTail(): string {
  return '</body></html>\n';
}

/** The whole preview for documents already in memory. */
export function renderHtml(docs: readonly PrintedDocument[], title?: string): string {
  return htmlHead(title) + docs.map((doc, i) => documentHtml(doc, `job ${i + 1}`)).join('') + htmlTail();
}
