// The daemon: runs every configured link, the processing worker behind them and the control socket; reloads
// config without touching links whose config did not change; drains in-flight jobs on stop.
import { mkdir } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { createPrinterSide, createTillSide } from '../../drivers/index.js';
import type { PrinterSide } from '../../drivers/types.js';
import { AdminServer } from '../admin/server.js';
import type { SinkProbe } from '../admin/health.js';
import { Link } from '../capture/link.js';
import type { AgentConfig, LinkConfig } from '../config.js';
import { adminAddress, tillIdOf } from '../config.js';
import { loadProfiles } from '../extract/index.js';
import { formatAmount } from '../extract/money.js';
import { log } from '../log.js';
import { AgentEvents } from '../model/events.js';
import type { AgentStatusView } from '../model/status.js';
import { DriftMonitor } from './drift-monitor.js';
import type { JobSummary } from './job-processor.js';
import { parseFaults } from './faults.js';
import { LOW_CONFIDENCE } from './job-log.js';
import { ProcessingWorker } from './processing-worker.js';
import type { WorkerSettings } from './worker-protocol.js';


export interface StopOptions {
  /** How long connections in flight may take to finish. */
  graceMs: number;
  /** How long the worker may take to store what it holds. */
  drainMs: number;
}

interface LinkStats {
  jobs: number;
  baskets: number;
  lowConfidence: number;
  bytes: number;
  lastJobAt: string | null;
  lastBasket: { id: string; total: string | null; items: number; confidence: number } | null;
  printerReachable: boolean | null;
  printerProblem: string | null;
}

function workerSettings(config: AgentConfig): WorkerSettings {
  const links = Object.fromEntries(
    config.links.map((l) => [l.name, { idleGapMs: l.idleGapMs, maxJobBytes: l.maxJobBytes, printerSetup: l.printerSetup }]),
  );
  return {
    dataDir: config.dataDir,
    storeId: config.storeId,
    timezone: config.timezone,
    currency: config.currency,
    profilesDir: config.profilesDir,
    links,
  };
}

/** Checks what can only be checked by reading files (layout profiles), so a bad reload is refused whole. */
export function checkConfigFiles(config: AgentConfig): void {
  if (config.profilesDir !== undefined) loadProfiles([config.profilesDir]);
}

export class Agent {
  #config: AgentConfig;
  readonly #links = new Map<string, Link>();
  readonly #stats = new Map<string, LinkStats>();
  readonly #worker: ProcessingWorker;
  readonly #startedAt = new Date();
  #stopping: Promise<void> | undefined;
  /** What happens in the agent, for metrics, the drift alarm and the forwarder. */
  readonly events = new AgentEvents();
  readonly drift: DriftMonitor;
  #admin: AdminServer | undefined;

  private constructor(config: AgentConfig) {
    this.#config = config;
    this.drift = new DriftMonitor(config.drift, this.events, log.child({ component: 'drift' }));
    this.events.on('printer.state', (e) => {
      const stats = this.#statsFor(e.link);
      stats.printerReachable = e.reachable;
      stats.printerProblem = e.reason;
    });
    this.#worker = new ProcessingWorker(workerSettings(config), {
      maxBacklogBytes: config.captureBacklogBytes,
      onJob: (summary) => this.#onJob(summary),
    });
  }

  /** Starts the worker and every link; if a link cannot start, everything started is stopped again. */
  static async start(config: AgentConfig): Promise<Agent> {
    checkConfigFiles(config);
    // Checked here too, so a mistyped fault stops the start instead of failing inside the worker.
    parseFaults(process.env.POSBRIDGE_FAULTS);
    // The data folder holds the database and the control socket; only the agent's user may read it.
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    const agent = new Agent(config);
    agent.#worker.start();
    try {
      for (const link of config.links) await agent.#startLink(link);
    } catch (error) {
      await agent.stop({ graceMs: 0, drainMs: 5_000 });
      throw error;
    }
    await agent.#startAdmin();
    return agent;
  }

  get config(): AgentConfig {
    return this.#config;
  }

  link(name: string): Link | undefined {
    return this.#links.get(name);
  }

  /**
   * Applies a new config: links removed or changed are stopped (their connections in flight finish first),
   * links added or changed are started, the others are not touched. The data folder needs a restart.
   */
  async reload(next: AgentConfig, graceMs: number): Promise<{ started: string[]; stopped: string[]; unchanged: string[] }> {
    checkConfigFiles(next);
    if (next.dataDir !== this.#config.dataDir) {
      log.warn({ dataDir: this.#config.dataDir, requested: next.dataDir }, 'dataDir changes need a restart; keeping the current one');
      next = { ...next, dataDir: this.#config.dataDir };
    }
    const wanted = new Map(next.links.map((l) => [l.name, l]));
    const stopped: string[] = [];
    const started: string[] = [];
    const unchanged: string[] = [];
    for (const [name, link] of this.#links) {
      const config = wanted.get(name);
      if (config !== undefined && isDeepStrictEqual(config, link.config)) {
        unchanged.push(name);
        continue;
      }
      await link.stop(graceMs);
      this.#links.delete(name);
      stopped.push(name);
    }
    const adminChanged = !isDeepStrictEqual(next.admin, this.#config.admin);
    this.#config = next;
    this.#worker.configure(workerSettings(next));
    this.drift.configure(next.drift);
    if (adminChanged) await this.#restartAdmin();
    for (const config of next.links) {
      if (this.#links.has(config.name)) continue;
      await this.#startLink(config);
      started.push(config.name);
    }
    log.info({ started, stopped, unchanged }, 'configuration reloaded');
    return { started, stopped, unchanged };
  }

  /** Stops accepting, lets connections in flight finish, stores every job still held, stops the worker. */
  stop(options: StopOptions): Promise<void> {
    this.#stopping ??= this.#stop(options);
    return this.#stopping;
  }

  async #stop({ graceMs, drainMs }: StopOptions): Promise<void> {
    await this.#admin?.close();
    this.#admin = undefined;
    await Promise.all([...this.#links.values()].map((link) => link.stop(graceMs)));
    this.#links.clear();
    const drained = await this.#worker.drain(drainMs);
    if (drained !== undefined && drained.pendingJobs > 0) {
      log.error({ pendingJobs: drained.pendingJobs }, 'jobs could not be stored before exit (see the store errors above)');
    }
    log.info('stopped');
  }

  status(): AgentStatusView {
    return {
      ...(this.#admin !== undefined && { admin: { url: this.#admin.url } }),
      pid: process.pid,
      startedAt: this.#startedAt.toISOString(),
      uptimeSeconds: Math.round((Date.now() - this.#startedAt.getTime()) / 1000),
      config: this.#config.source,
      dataDir: this.#config.dataDir,
      capture: {
        workerRunning: this.#worker.running,
        backlogBytes: this.#worker.sink.backlogBytes,
        shedBytes: this.#worker.sink.shedBytes,
        lostBytes: this.#worker.lostBytes,
        storeProblem: this.#worker.storeProblem,
      },
      links: this.#config.links.map((config) => {
        const link = this.#links.get(config.name);
        return {
          name: config.name,
          tillId: tillIdOf(config),
          till: config.till.kind,
          printer: config.printer.kind,
          running: link !== undefined,
          activeSessions: link?.activeSessions ?? 0,
          totalSessions: link?.totalSessions ?? 0,
          ...this.#statsFor(config.name),
        };
      }),
    };
  }

  /** Starts the admin endpoint if configured; one that cannot start is logged and the agent runs on without it. */
  async #startAdmin(): Promise<void> {
    const admin = this.#config.admin;
    if (!admin.enabled) return;
    const { host, port } = adminAddress(this.#config);
    // The forwarder adds probeSinks() to the agent; until it runs, the backend counts as not configured.
    const probe = (this as { probeSinks?: () => Promise<SinkProbe[]> }).probeSinks;
    try {
      this.#admin = await AdminServer.start(host, port, {
        events: this.events,
        dataDir: this.#config.dataDir,
        maxBacklogAgeSeconds: admin.maxBacklogAgeSeconds,
        status: () => this.status(),
        drift: () => this.drift.state(),
        printerSetup: (name) => this.#config.links.find((l) => l.name === name)?.printerSetup,
        probeSinks: probe === undefined ? undefined : () => probe.call(this),
      }, log.child({ component: 'admin' }));
      log.info({ url: this.#admin.url }, 'admin endpoint listening');
    } catch (error) {
      log.error({ listen: admin.listen, reason: (error as Error).message }, 'admin endpoint NOT started (is another program on that port? set admin.listen)');
    }
  }

  async #restartAdmin(): Promise<void> {
    await this.#admin?.close();
    this.#admin = undefined;
    await this.#startAdmin();
  }

  /** The printer side, reporting each open's outcome as a printer.state event (for /healthz and the status page). */
  #watchedPrinter(name: string, side: PrinterSide): PrinterSide {
    const report = (reachable: boolean, reason: string | null): void => this.events.emit('printer.state', { link: name, reachable, reason });
    return {
      kind: side.kind,
      open: () =>
        side.open().then(
          (stream) => {
            report(true, null);
            return stream;
          },
          (error: unknown) => {
            report(false, error instanceof Error ? error.message : String(error));
            throw error;
          },
        ),
      close: () => side.close(),
    };
  }

  async #startLink(config: LinkConfig): Promise<void> {
    const sides = { till: createTillSide(config.till), printer: this.#watchedPrinter(config.name, createPrinterSide(config.printer)) };
    const link = new Link(config, this.#worker.sink, sides);
    await link.start();
    this.#links.set(config.name, link);
  }

  #statsFor(name: string): LinkStats {
    let stats = this.#stats.get(name);
    if (stats === undefined) {
      stats = { jobs: 0, baskets: 0, lowConfidence: 0, bytes: 0, lastJobAt: null, lastBasket: null, printerReachable: null, printerProblem: null };
      this.#stats.set(name, stats);
    }
    return stats;
  }

  #onJob(job: JobSummary): void {
    this.#emitJobEvents(job);
    const stats = this.#statsFor(job.link);
    stats.jobs++;
    stats.bytes += job.size;
    stats.lastJobAt = job.capturedAt;
    for (const basket of job.baskets) {
      stats.baskets++;
      stats.lastBasket = { id: basket.id, total: formatAmount(basket.total, basket.currency), items: basket.items, confidence: basket.confidence };
      if (basket.confidence < LOW_CONFIDENCE) stats.lowConfidence++;
    }
  }

  #emitJobEvents(job: JobSummary): void {
    const link = job.link;
    this.events.emit('job.captured', { link, bytes: job.size, endedBy: job.endedBy });
    // Every captured byte was passed to the printer first (capture taps what the printer was given).
    this.events.emit('bytes.passed', { link, direction: 'toPrinter', bytes: job.size });
    if (job.decodeError !== null) this.events.emit('decode.error', { link, reason: job.decodeError });
    for (const basket of job.baskets) {
      this.events.emit('basket.extracted', { link, layout: basket.layout, confidence: basket.confidence, reconciled: basket.reconciled });
      if (!basket.reconciled) this.events.emit('extract.error', { link, layout: basket.layout, failedChecks: basket.failedChecks });
    }
  }
}
