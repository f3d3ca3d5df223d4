// The reference backend's web page: the receipts it holds, newest first, each as the paper it was printed on
// (the HTML preview of its raw job, when the agent sent one) beside the basket extracted from it. Everything shown
// came from an agent and is escaped.
import { decode, type DecoderOptions, type PrintedDocument } from '../decode/index.js';
import { printerSetupSchema } from '../decode/setup-schema.js';
import type { Basket } from '../extract/basket.js';
import { formatAmount } from '../extract/money.js';
import { documentHtml, escapeHtml, htmlHead, htmlTail } from '../render/html.js';
import type { RawJobPrinterSetup } from '../model/index.js';
import type { DriftReport, HeldReceipt } from './store.js';

const PAGE_STYLE = `<style>
body{font-family:system-ui,sans-serif;background:#eee}
header{font-family:system-ui,sans-serif;color:#222;margin-bottom:1.5em}
.receipt{display:flex;gap:2em;align-items:flex-start;margin-bottom:2em;padding:1em;background:#fff;border-radius:6px;box-shadow:0 1px 3px #0003}
.preview{background:#6b6b6b;padding:1em;font-family:"DejaVu Sans Mono",Consolas,monospace}
.preview .job{margin:0}
.no-preview{color:#666;font-style:italic;padding:1em;border:1px dashed #aaa}
.basket{font-size:14px;min-width:24em}
.basket table{border-collapse:collapse}
.basket td,.basket th{padding:.15em .6em;text-align:left;vertical-align:top}
.basket td.amount{text-align:right;font-variant-numeric:tabular-nums}
.meta{color:#555;font-size:12px}
.low{color:#a00}
.drift{background:#fff3f3;border:1px solid #a00;border-radius:6px;padding:.5em 1em;margin-bottom:2em;color:#222}
.drift h2{color:#a00;font-size:1.1em;margin:.2em 0}
.drift td,.drift th{padding:.1em .6em;text-align:left}
pre{font-size:11px;max-width:60em;overflow:auto;background:#f6f6f6;padding:.5em}
</style>`;

/** Which of the job's documents the basket came from: the daemon names them <jobId>, <jobId>.1, <jobId>.2, … */
function documentIndex(receipt: HeldReceipt): number | null {
  if (receipt.basketId === receipt.jobId) return 0;
  const suffix = receipt.basketId.startsWith(`${receipt.jobId}.`) ? receipt.basketId.slice(receipt.jobId.length + 1) : '';
  return /^\d+$/.test(suffix) ? Number(suffix) : null;
}

/**
 * The decoder options for a raw job: as the agent's printer reads it. A job sent without its setup (an older
 * agent) or with one this backend does not know is read in whichever dialect the bytes show, and says so.
 */
function decoderSetup(sent: RawJobPrinterSetup | undefined): { options: DecoderOptions; note?: string } {
  if (sent === undefined) return { options: { dialect: 'auto' } };
  const parsed = printerSetupSchema.safeParse(sent);
  if (parsed.success) return { options: parsed.data };
  return { options: { dialect: 'auto' }, note: `the agent's printer setup (${JSON.stringify(sent)}) is not one this backend knows: read as the bytes look` };
}

function previewHtml(receipt: HeldReceipt): string {
  if (receipt.rawJob === undefined) return '<div class="preview-none no-preview">no raw job sent (the agent sends it with sendRawJob)</div>';
  let docs: PrintedDocument[];
  const setup = decoderSetup(receipt.rawJob.printerSetup);
  try {
    docs = decode(Buffer.from(receipt.rawJob.data, 'base64'), setup.options);
  } catch (error) {
    return `<div class="no-preview">cannot decode the raw job: ${escapeHtml((error as Error).message)}</div>`;
  }
  const index = documentIndex(receipt);
  const shown = index !== null && docs[index] !== undefined ? [docs[index]] : docs;
  if (shown.length === 0) return '<div class="no-preview">the raw job prints nothing</div>';
  const note = setup.note === undefined ? '' : `<div class="preview-note">${escapeHtml(setup.note)}</div>`;
  return `<div class="preview">${note}${shown.map((doc) => documentHtml(doc, `job ${receipt.jobId}`)).join('')}</div>`;
}

function money(amount: number | null, currency: string | null): string {
  return escapeHtml(formatAmount(amount, currency) ?? '—');
}

function basketHtml(receipt: HeldReceipt): string {
  // Validated against basket.schema.json when it was received, so it has the Basket shape.
  const b = receipt.basket as unknown as Basket;
  const rows = b.items
    .map((item) => `<tr><td>${escapeHtml(item.description)}</td><td class="amount">${item.quantity}</td><td class="amount">${money(item.amount, b.currency)}</td></tr>`)
    .join('');
  const tenders = b.tenders.map((t) => `${escapeHtml(t.type)}${t.maskedPan === null ? '' : ` ${escapeHtml(t.maskedPan)}`} ${money(t.amount, b.currency)}`).join(', ');
  const failed = b.checks.filter((c) => !c.ok).map((c) => c.name);
  return `<div class="basket">
<div><strong class="merchant">${escapeHtml(b.merchant.name ?? 'unknown merchant')}</strong> ${b.receiptNumber === null ? '' : `#${escapeHtml(b.receiptNumber)}`} · ${escapeHtml(b.kind)}</div>
<div class="meta">${escapeHtml(b.transactionAt ?? 'no transaction time')} · till ${escapeHtml(receipt.tillId)} · link ${escapeHtml(receipt.link)}</div>
<table class="items"><tr><th>item</th><th>qty</th><th>amount</th></tr>${rows}
<tr><th>total</th><td></td><td class="amount total">${money(b.total, b.currency)}</td></tr></table>
<div>tenders: ${tenders === '' ? '—' : tenders}</div>
<div class="${failed.length > 0 ? 'low' : ''}">confidence ${b.confidence.toFixed(2)}${failed.length > 0 ? ` (failed: ${escapeHtml(failed.join(', '))})` : ''}</div>
<div class="meta">#${receipt.seq} · ${escapeHtml(receipt.idempotencyKey)} · captured ${escapeHtml(receipt.capturedAt)} · received ${escapeHtml(receipt.receivedAt)} · agent ${escapeHtml(receipt.agent.id)} ${escapeHtml(receipt.agent.version)}</div>
<details><summary>basket JSON</summary><pre>${escapeHtml(JSON.stringify(b, null, 2))}</pre></details>
</div>`;
}

function driftHtml(reports: readonly DriftReport[]): string {
  if (reports.length === 0) return '';
  const rows = reports
    .map((d) => `<tr><td>${escapeHtml(d.agentId)}</td><td>${escapeHtml(d.link)}</td><td>${escapeHtml(d.layout)}</td><td class="amount">${(d.reconciledShare * 100).toFixed(0)}%</td><td>${escapeHtml(d.since)}</td><td>${escapeHtml(d.lastReportedAt)}</td></tr>`)
    .join('');
  return `<section class="drift"><h2>Layout drift reported</h2><table><tr><th>agent</th><th>link</th><th>layout</th><th>reconciled</th><th>since</th><th>last reported</th></tr>${rows}</table></section>\n`;
}

export interface PageFacts {
  readonly drift: readonly DriftReport[];
  readonly count: number;
  readonly lastSeq: number;
  /** The seq to page back from, when there are older receipts than these. */
  readonly olderThan: number | null;
}

export function receiptsPage(receipts: readonly HeldReceipt[], facts: PageFacts): string {
  const items = receipts.map((r) => `<article class="receipt" id="r${r.seq}" data-key="${escapeHtml(r.idempotencyKey)}">\n${previewHtml(r)}\n${basketHtml(r)}\n</article>`).join('\n');
  const older = facts.olderThan === null ? '' : `<p><a href="/?before=${facts.olderThan}">older receipts</a></p>`;
  return (
    htmlHead('posbridge dev-backend: received receipts') +
    PAGE_STYLE +
    `<header><h1>Received receipts</h1><p class="count">${facts.count} receipt${facts.count === 1 ? '' : 's'} held · <a href="/">newest</a> · JSON at <a href="/v1/receipts">/v1/receipts</a></p></header>\n` +
    driftHtml(facts.drift) +
    (receipts.length === 0 ? '<p class="empty">Nothing received yet. Point an agent\'s HTTP sink at this backend and print a receipt.</p>' : items) +
    older +
    htmlTail()
  );
}
