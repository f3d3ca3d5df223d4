// /healthz: what needs a person at this till, in plain words. Each check says what it looked at and, when it
// fails, what to do. The answer is 200 only when no check fails, so a fleet monitor can alert on anything else.
import { constants } from 'node:fs';
import { access, statfs } from 'node:fs/promises';
import type { LayoutDrift } from '../daemon/drift-monitor.js';
import type { AgentStatusView } from '../model/status.js';

export interface HealthCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  /** What to do about it, when it failed. */
  readonly fix?: string;
}

export interface HealthReport {
  readonly ok: boolean;
  readonly checkedAt: string;
  readonly checks: readonly HealthCheck[];
}

export interface SinkProbe {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface HealthSources {
  status(): AgentStatusView;
  drift(): LayoutDrift[];
  /** The forwarder's backend probes, when forwarding runs. */
  probeSinks?: (() => Promise<SinkProbe[]>) | undefined;
  readonly maxBacklogAgeSeconds: number;
}

/** Below this much free space the store may soon refuse jobs. */
const MIN_FREE_BYTES = 100 * 1024 * 1024;
const PROBE_TIMEOUT_MS = 5_000;

function linkChecks(status: AgentStatusView): HealthCheck[] {
  return status.links.flatMap((link): HealthCheck[] => {
    const running: HealthCheck = link.running
      ? { name: `link ${link.name}`, ok: true, detail: `running (${link.till} → ${link.printer}), ${link.jobs} jobs` }
      : { name: `link ${link.name}`, ok: false, detail: 'not running', fix: 'see the service log (journalctl -u posbridge) for why it stopped, then restart posbridge' };
    const printer: HealthCheck =
      link.printerReachable === false
        ? { name: `printer ${link.name}`, ok: false, detail: `unreachable: ${link.printerProblem ?? 'no answer'}`, fix: 'check the printer is on, has paper and its cable or network is connected' }
        : { name: `printer ${link.name}`, ok: true, detail: link.printerReachable === true ? 'reachable' : 'not tried yet (no job since start)' };
    return [running, printer];
  });
}

async function storeCheck(status: AgentStatusView): Promise<HealthCheck> {
  if (!status.capture.workerRunning) {
    return { name: 'store', ok: false, detail: 'the processing worker is down: receipts are printed but not captured', fix: 'see the service log; posbridge restarts it by itself, restart the service if it stays down' };
  }
  if (status.capture.storeProblem !== null) {
    return { name: 'store', ok: false, detail: `captured jobs cannot be stored: ${status.capture.storeProblem}; they are held in memory and retried`, fix: 'free disk space, or stop whatever holds the database (posbridge doctor checks it)' };
  }
  try {
    await access(status.dataDir, constants.W_OK);
    const fs = await statfs(status.dataDir);
    const free = fs.bavail * fs.bsize;
    if (free < MIN_FREE_BYTES) {
      return { name: 'store', ok: false, detail: `only ${Math.round(free / 1024 / 1024)} MiB free in ${status.dataDir}`, fix: 'free disk space on the till PC (old logs, downloads)' };
    }
    return { name: 'store', ok: true, detail: `writable, ${Math.round(free / 1024 / 1024)} MiB free` };
  } catch (error) {
    return { name: 'store', ok: false, detail: `${status.dataDir} is not writable: ${(error as Error).message}`, fix: 'give the posbridge user its data folder back (sudo ./install.sh repairs it)' };
  }
}

async function backendChecks(sources: HealthSources): Promise<HealthCheck[]> {
  if (sources.probeSinks === undefined) return [{ name: 'backend', ok: true, detail: 'forwarding is not configured' }];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), PROBE_TIMEOUT_MS);
  });
  const probes = await Promise.race([sources.probeSinks().catch((error: unknown) => [{ name: 'backend', ok: false, detail: (error as Error).message }]), timeout]);
  clearTimeout(timer);
  if (probes === undefined) return [{ name: 'backend', ok: false, detail: `no answer in ${PROBE_TIMEOUT_MS / 1000} s`, fix: 'check the till PC reaches the receipts backend (network, proxy, firewall)' }];
  if (probes.length === 0) return [{ name: 'backend', ok: true, detail: 'forwarding is not configured' }];
  return probes.map((p) => (p.ok ? { name: `backend ${p.name}`, ok: true, detail: p.detail } : { name: `backend ${p.name}`, ok: false, detail: p.detail, fix: 'check the backend URL, the token and the network (posbridge doctor explains)' }));
}

function backlogChecks(status: AgentStatusView, maxAgeSeconds: number, now: number): HealthCheck[] {
  return (status.forward?.sinks ?? []).map((sink) => {
    const age = sink.oldestPendingAt === null ? 0 : (now - Date.parse(sink.oldestPendingAt)) / 1000;
    const detail = `${sink.pending + sink.inFlight} waiting, oldest ${Math.round(age)} s, ${sink.dead} set aside`;
    return age > maxAgeSeconds
      ? { name: `backlog ${sink.sink}`, ok: false, detail: `${detail}${sink.lastError === null ? '' : `; last error: ${sink.lastError}`}`, fix: `baskets have waited over ${maxAgeSeconds} s: check the backend is reachable` }
      : { name: `backlog ${sink.sink}`, ok: true, detail };
  });
}

function driftChecks(drift: readonly LayoutDrift[]): HealthCheck[] {
  return drift
    .filter((d) => d.alarm)
    .map((d) => ({
      name: `drift ${d.link}/${d.layout}`,
      ok: false,
      detail: `only ${Math.round(d.reconciledShare * 100)}% of the last ${d.receipts} receipts reconcile (since ${d.since})`,
      fix: 'the receipt layout has changed: fix or add the layout profile, then run posbridge backfill --reparse',
    }));
}

export async function checkHealth(sources: HealthSources): Promise<HealthReport> {
  const status = sources.status();
  const checks = [
    ...linkChecks(status),
    await storeCheck(status),
    ...(await backendChecks(sources)),
    ...backlogChecks(status, sources.maxBacklogAgeSeconds, Date.now()),
    ...driftChecks(sources.drift()),
  ];
  return { ok: checks.every((c) => c.ok), checkedAt: new Date().toISOString(), checks };
}
