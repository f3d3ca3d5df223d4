// `posbridge status`: what the running daemon is doing, per link: sessions, jobs, baskets, low-confidence
// receipts, the last basket; and whether capture keeps up (backlog, shed and lost bytes).
import { ConfigError, loadAgentConfig } from '../config.js';
import { ControlError, controlRequest } from '../control/index.js';
import type { ForwardStatus } from '../forward/protocol.js';
import type { OcrStatus } from '../ocr/index.js';
import type { StoreHealth } from '../model/store-health.js';

export interface StatusOptions {
  config?: string;
  json?: boolean;
}

interface LinkStatus {
  name: string;
  tillId: string;
  till: string;
  printer: string;
  running: boolean;
  activeSessions: number;
  jobs: number;
  baskets: number;
  lowConfidence: number;
  lastJobAt: string | null;
  lastBasket: { total: string | null; items: number; confidence: number } | null;
}

interface DaemonStatus {
  pid: number;
  uptimeSeconds: number;
  config: string;
  dataDir: string;
  capture: { workerRunning: boolean; backlogBytes: number; spilledBytes?: number; shedBytes: number; lostBytes: number };
  forward?: Partial<ForwardStatus> & { running: boolean; fatal: string | null };
  store?: StoreHealth;
  links: LinkStatus[];
  ocr?: OcrStatus | null;
}

function describeOcr(o: OcrStatus | null | undefined): string {
  if (o === null || o === undefined) return 'ocr: not reported yet';
  if (!o.enabled) return 'ocr: off';
  return (
    `ocr: ${o.queued}/${o.maxQueue} queued${o.reading ? ', reading one' : ''}, ${o.done} read, ${o.failed} failed, ${o.turnedAway} turned away` +
    `${o.lastMs === null ? '' : `, last ${o.lastMs} ms`}; engine ${o.engineRunning ? 'running' : 'stopped'}`
  );
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function describeForward(forward: NonNullable<DaemonStatus['forward']>): string[] {
  const lines = [
    `forward: ${forward.running ? 'running' : 'DOWN'}${forward.fatal !== null ? ` (${forward.fatal})` : ''}, store ${mib(forward.diskBytes ?? 0)} on disk` +
      (forward.lastPrune ? `, last prune ${forward.lastPrune.at} (${forward.lastPrune.prunedJobs} jobs)` : ''),
  ];
  for (const s of forward.sinks ?? []) {
    lines.push(
      `sink ${s.sink}${s.configured ? '' : ' (no longer configured)'}: ${s.pending} pending, ${s.inFlight} in flight, ${s.delivered} delivered, ${s.dead} dead; ` +
        `oldest undelivered ${s.oldestPendingAt ?? 'none'}, last delivery ${s.lastDeliveryAt ?? 'never'}` +
        (s.lastError !== null ? `; last error: ${s.lastError}` : ''),
    );
  }
  for (const d of forward.deadLetters ?? []) {
    lines.push(`  dead letter: basket ${d.basketId} rev ${d.revision} (till ${d.tillId}, ${d.capturedAt}) to ${d.sink}: ${d.reason ?? 'no reason'}`);
  }
  if ((forward.deadLetters ?? []).length > 0) lines.push('  re-send dead letters with: posbridge backfill --status dead');
  return lines;
}

function describe(status: DaemonStatus): string {
  const c = status.capture;
  const lines = [
    `posbridge running (pid ${status.pid}, up ${status.uptimeSeconds} s), config ${status.config}, data ${status.dataDir}`,
    `capture: worker ${c.workerRunning ? 'running' : 'DOWN'}, backlog ${c.backlogBytes} bytes${c.spilledBytes ? ` (${c.spilledBytes} spilled to disk)` : ''}, shed ${c.shedBytes}, lost ${c.lostBytes}`,
    ...(status.forward === undefined ? [] : describeForward(status.forward)),
    describeOcr(status.ocr),
  ];
  if (status.store !== undefined) lines.push(describeStore(status.store));
  for (const l of status.links) {
    const last = l.lastBasket === null ? 'none yet' : `${l.lastBasket.total ?? 'no total'}, ${l.lastBasket.items} items, conf ${l.lastBasket.confidence.toFixed(2)}`;
    lines.push(
      `link ${l.name} (till ${l.tillId}, ${l.till} → ${l.printer}): ${l.running ? 'running' : 'STOPPED'}, ${l.activeSessions} open, ` +
        `${l.jobs} jobs, ${l.baskets} baskets (${l.lowConfidence} low confidence), last basket: ${last}`,
    );
  }
  return lines.join('\n');
}

function describeStore(store: StoreHealth): string {
  const outage = store.outage;
  const state = outage === null
    ? 'writing'
    : `DOWN since ${outage.since} (${outage.code}: ${outage.reason}; ${outage.needsOperator ? 'fix the file or its permissions' : 'retrying'}), ${store.pendingJobs} jobs held`;
  const dead = store.lastDeadLetter === null ? '' : ` (last: job ${store.lastDeadLetter.job}, ${store.lastDeadLetter.reason})`;
  return `store: ${state}, ${store.deadLettered} dead-lettered${dead}, ${store.droppedJobs} dropped`;
}

export async function status(options: StatusOptions): Promise<void> {
  try {
    const config = await loadAgentConfig(options.config);
    const reply = (await controlRequest(config.dataDir, { op: 'status' }, 10_000)) as DaemonStatus;
    process.stdout.write(`${options.json === true ? JSON.stringify(reply) : describe(reply)}\n`);
  } catch (error) {
    process.stderr.write(`posbridge status: ${(error as Error).message}\n`);
    process.exitCode = error instanceof ConfigError ? 2 : 1;
    if (!(error instanceof ConfigError || error instanceof ControlError)) throw error;
  }
}
