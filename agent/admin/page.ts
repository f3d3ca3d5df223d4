// The status page a person opens on the till (http://127.0.0.1:8790/): links, health, the last receipts with
// their confidence, backlog and drift; and one receipt's HTML preview beside its basket. Server-rendered HTML
// with no script and nothing fetched from elsewhere; every value from a receipt is escaped.
import type { LayoutDrift } from '../daemon/drift-monitor.js';
import type { PrintedDocument } from '../decode/index.js';
import { reconciled } from '../extract/checks.js';
import { formatAmount } from '../extract/money.js';
import type { AgentStatusView } from '../model/status.js';
import { documentHtml, escapeHtml as e, htmlHead, htmlTail } from '../render/html.js';
import type { StoredBasket } from '../store/index.js';
import type { HealthReport } from './health.js';

const PAGE_STYLE = `<style>
body.admin{background:#f4f4f4;font-family:system-ui,sans-serif;font-size:15px;padding:1em 2em;color:#222}
.admin h1{font-size:1.4em;margin:.2em 0}.admin h2{font-size:1.1em;margin:1.4em 0 .4em}
.admin table{border-collapse:collapse;background:#fff}.admin th,.admin td{border:1px solid #ccc;padding:.25em .6em;text-align:left}
.admin .bad{color:#b00;font-weight:bold}.admin .good{color:#070}.admin nav a{margin-right:1em}
.admin .receipt{display:flex;gap:2em;align-items:flex-start}.admin .preview{background:#6b6b6b;padding:1em}
.admin pre.basket{background:#fff;border:1px solid #ccc;padding:1em;max-width:60ch;overflow:auto;font-size:12px}
</style>`;

function page(title: string, body: string): string {
  return `${htmlHead(title).replace('<body>', `${PAGE_STYLE}<body class="admin">`)}<nav><a href="/">status</a><a href="/healthz">/healthz</a><a href="/metrics">/metrics</a></nav>\n${body}\n${htmlTail()}`;
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function table(headings: readonly string[], rows: readonly string[][], empty: string): string {
  if (rows.length === 0) return `<p>${e(empty)}</p>`;
  return `<table><tr>${headings.map((h) => `<th>${e(h)}</th>`).join('')}</tr>\n${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n')}</table>`;
}

function flag(ok: boolean, good: string, bad: string): string {
  return ok ? `<span class="good">${e(good)}</span>` : `<span class="bad">${e(bad)}</span>`;
}

export interface StatusPageData {
  readonly status: AgentStatusView;
  readonly health: HealthReport;
  readonly receipts: readonly StoredBasket[];
  readonly drift: readonly LayoutDrift[];
  /** Why receipts could not be read (no database yet, a damaged file), instead of the list. */
  readonly receiptsProblem?: string;
}

export function statusPage({ status, health, receipts, drift, receiptsProblem }: StatusPageData): string {
  const problems = health.checks.filter((c) => !c.ok);
  const healthHtml = problems.length === 0
    ? `<p id="health" class="good">All checks pass (${health.checks.length}).</p>`
    : `<ul id="health">${problems.map((c) => `<li class="bad">${e(c.name)}: ${e(c.detail)}${c.fix === undefined ? '' : ` — ${e(c.fix)}`}</li>`).join('')}</ul>`;
  const links = table(
    ['link', 'till', 'path', 'state', 'printer', 'jobs', 'baskets', 'low confidence', 'last job'],
    status.links.map((l) => [
      e(l.name),
      e(l.tillId),
      e(`${l.till} → ${l.printer}`),
      flag(l.running, 'running', 'STOPPED'),
      l.printerReachable === null ? 'not tried yet' : flag(l.printerReachable, 'reachable', `UNREACHABLE ${l.printerProblem ?? ''}`),
      String(l.jobs),
      String(l.baskets),
      String(l.lowConfidence),
      e(l.lastJobAt ?? 'none yet'),
    ]),
    'No links configured.',
  );
  const receiptRows = receipts
    .slice()
    .reverse()
    .map((r) => [
      e(r.capturedAt),
      e(r.link),
      `<a class="receipt-link" href="/receipts/${encodeURIComponent(r.basket.id)}">${e(r.basket.receiptNumber ?? r.basket.id)}</a>`,
      e(formatAmount(r.basket.total, r.basket.currency) ?? 'no total'),
      String(r.basket.items.length),
      `<span class="confidence">${percent(r.basket.confidence)}</span>`,
      e(r.basket.parser.profile ?? 'generic'),
      flag(reconciled(r.basket.checks), 'yes', 'NO'),
    ]);
  const receiptsHtml = receiptsProblem !== undefined
    ? `<p>${e(receiptsProblem)}</p>`
    : table(['captured', 'link', 'receipt', 'total', 'items', 'confidence', 'layout', 'reconciled'], receiptRows, 'No receipts yet.');
  const sinks = status.forward?.sinks;
  const backlog =
    `<p>Capture: ${status.capture.backlogBytes} bytes waiting for the decoder, ${status.capture.shedBytes} shed, ${status.capture.lostBytes} lost.</p>` +
    (sinks === undefined
      ? '<p>Forwarding is not configured.</p>'
      : table(
          ['sink', 'waiting', 'in flight', 'set aside', 'oldest waiting since', 'last delivery', 'last error'],
          sinks.map((s) => [e(s.sink), String(s.pending), String(s.inFlight), String(s.dead), e(s.oldestPendingAt ?? '-'), e(s.lastDeliveryAt ?? '-'), e(s.lastError ?? '-')]),
          'No sinks.',
        ));
  const driftHtml = table(
    ['link', 'layout', 'receipts', 'reconciled', 'state'],
    drift.map((d) => [e(d.link), e(d.layout), String(d.receipts), percent(d.reconciledShare), flag(!d.alarm, 'ok', `DRIFT since ${d.since ?? ''}`)]),
    'No receipts seen since the start.',
  );
  return page(
    'posbridge status',
    `<h1>posbridge ${flag(health.ok, 'healthy', 'needs attention')}</h1>
<p>pid ${status.pid}, up ${status.uptimeSeconds} s, config ${e(status.config)}, data ${e(status.dataDir)}</p>
${healthHtml}
<h2>Links</h2>${links}
<h2>Last receipts</h2><div id="receipts">${receiptsHtml}</div>
<h2>Backlog</h2>${backlog}
<h2>Layout drift</h2><div id="drift">${driftHtml}</div>`,
  );
}

/** One receipt: its paper preview beside the basket extracted from it. */
export function receiptPage(stored: StoredBasket, document: PrintedDocument | undefined, previewProblem?: string): string {
  const b = stored.basket;
  const preview = document === undefined ? `<p>${e(previewProblem ?? 'no preview')}</p>` : documentHtml(document, `job ${stored.jobId}`);
  const checks = table(['check', 'ok', 'detail'], b.checks.map((c) => [e(c.name), flag(c.ok, 'ok', 'FAILED'), e(c.detail)]), 'No checks applied.');
  return page(
    `receipt ${b.id}`,
    `<h1>Receipt ${e(b.receiptNumber ?? b.id)} <small>(${e(stored.link)}, ${e(stored.capturedAt)}, confidence <span class="confidence">${percent(b.confidence)}</span>)</small></h1>
<div class="receipt"><div class="preview">${preview}</div>
<div><h2>Checks</h2>${checks}<h2>Basket</h2><pre class="basket">${e(JSON.stringify(b, null, 2))}</pre></div></div>`,
  );
}
