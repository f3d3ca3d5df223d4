// The daemon: runs every configured link, the processing worker behind them and the control socket; reloads
// config without touching links whose config did not change; drains in-flight jobs on stop.
import { hostname } from 'node:os';
import type { MessagePort } from 'node:worker_threads';
import { isDeepStrictEqual } from 'node:util';
import { createPrinterSide, createTillSide } from '../../drivers/index.js';
import type { PrinterSide } from '../../drivers/types.js';
import { AdminServer } from '../admin/server.js';
import type { SinkProbe } from '../admin/health.js';
import { Link } from '../capture/link.js';
import type { AgentConfig, LinkConfig } from '../config.js';
import { adminAddress, ConfigError, printerSetupsOf, tillIdOf } from '../config.js';
import { loadProfiles } from '../extract/profile.js';
import { formatAmount } from '../extract/money.js';
import { ForwardingHandle } from '../forward/handle.js';
import { checkSinkFiles, sinkName } from '../forward/sink-config.js';
import type { ForwardSettings } from '../forward/protocol.js';
import { log } from '../log.js';
import { Store } from '../store/index.js';
import { AgentEvents } from '../model/events.js';
import type { AgentStatusView } from '../model/status.js';
import { DriftMonitor } from './drift-monitor.js';
import type { JobSummary } from './job-processor.js';
import { prepareDataDir } from './data-dir.js';
import { parseFaults } from './faults.js';
import { LinkStartError } from './link-start-error.js';
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
    config.links.map((l) => [l.name, { idleGapMs: l.idleGapMs, maxJobBytes: l.maxJobBytes, printerSetup: l.printerSetup, store: { locale: config.locale, ...l.store } }]),
  );
  return {
    dataDir: config.dataDir,
    storeId: config.storeId,
    timezone: config.timezone,
    currency: config.currency,
    profilesDir: config.profilesDir,
    links,
    ocr: config.ocr,
  };
}

/** Where a link's till side listens or reads; two links with the same endpoint cannot both run. */
function tillEndpoint(config: LinkConfig): string | undefined {
  const till = config.till;
  if (till.kind === 'tcp') return till.port === 0 ? undefined : `tcp ${till.host}:${till.port}`;
  return 'path' in till ? `${till.kind} ${till.path}` : undefined;
}

function sameTillEndpoint(a: LinkConfig, b: LinkConfig): boolean {
  const endpoint = tillEndpoint(a);
  return endpoint !== undefined && endpoint === tillEndpoint(b);
}


function forwardSettings(config: AgentConfig): ForwardSettings {
  return {
    dataDir: config.dataDir,
    baseDir: config.baseDir,
    agentId: config.forward.agentId ?? hostname(),
    storeId: config.storeId ?? null,
    printerSetups: printerSetupsOf(config),
    forward: config.forward,
  };
}

/**
 * Checks what can only be checked by reading files (layout profiles, sinks' token and CA files), so a bad
 * start or reload is refused whole, naming the file.
 */
export function checkConfigFiles(config: AgentConfig): void {
  if (config.profilesDir !== undefined) loadProfiles([config.profilesDir]);
  for (const sink of config.forward.sinks) checkSinkFiles(sink, config.baseDir);
}

/**
 * Opens (creating or migrating) the store once before any thread does, so the threads never race to migrate,
 * and records which sinks new baskets are queued for.
 */
function prepareStore(config: AgentConfig): void {
  const store = Store.open(Store.fileIn(config.dataDir));
  try {
    store.outbox.registerSinks(config.forward.sinks.map(sinkName));
  } finally {
    store.close();
  }
}

export class Agent {
  #config: AgentConfig;
  readonly #links = new Map<string, Link>();
  readonly #stats = new Map<string, LinkStats>();
  readonly #worker: ProcessingWorker;
  #forward: ForwardingHandle;
  readonly #startedAt = new Date();
  #stopping: Promise<void> | undefined;
  /** Links replaced by a reload, still finishing their connections in flight. */
  readonly #retiring = new Set<Promise<void>>();
  /** What happens in the agent, for metrics, the drift alarm and the forwarder. */
  readonly events = new AgentEvents();
  readonly drift: DriftMonitor;
  #admin: AdminServer | undefined;

  private constructor(config: AgentConfig) {
    this.#config = config;
    this.drift = new DriftMonitor(config.drift, this.events, log.child({ component: 'drift' }));
    // The backend hears of a layout change with the next batch after the alarm (or its end).
    this.events.on('drift.changed', () => this.#forward.setDrift(this.drift.notices()));
    this.events.on('printer.state', (e) => {
      const stats = this.#statsFor(e.link);
      stats.printerReachable = e.reachable;
      stats.printerProblem = e.reason;
    });
    this.#worker = new ProcessingWorker(workerSettings(config), {
      maxBacklogBytes: config.captureBacklogBytes,
      onJob: (summary) => this.#onJob(summary),
    });
    this.#forward = this.#newForwarding(config);
  }

  /** Starts the worker and every link; if a link cannot start, everything started is stopped again. */
  static async start(config: AgentConfig): Promise<Agent> {
    checkConfigFiles(config);
    // Checked here too, so a mistyped fault stops the start instead of failing inside the worker.
    parseFaults(process.env.POSBRIDGE_FAULTS);
    // The data folder holds the database and the control socket; only the agent's user may read it.
    for (const warning of await prepareDataDir(config.dataDir)) log.warn(warning);
    const agent = new Agent(config);
    try {
      // Migrated here, before any thread opens it, and the sinks recorded that new baskets are queued for.
      prepareStore(config);
      // Links start once captured bytes can be journalled: a receipt a till sees completed is then always stored.
      await agent.#worker.start();
    } catch (error) {
      await agent.#worker.drain(1_000);
      throw new ConfigError(
        `dataDir ${config.dataDir}: the store cannot be opened: ${(error as Error).message}; ` +
          'fix or move the file, or set dataDir (or POSBRIDGE_DATA) to another folder',
      );
    }
    agent.#forward.start();
    try {
      for (const [index, link] of config.links.entries()) await agent.#startLink(link, index);
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
   * Applies a new config without a moment when printing is down, and all or nothing: links added or changed are
   * started (their ports bound) BEFORE the links they replace are stopped; a changed TCP link whose till side is
   * unchanged takes over the running listener; a link that must release its till endpoint first (a serial line,
   * a changed listener on the same port) is stopped, and started again as it was if its successor cannot start.
   * On any failure every link started for `next` is stopped, the running ones keep running, and the error names
   * the link and the config key. Links whose config did not change are not touched. The data folder needs a restart.
   */
  async reload(next: AgentConfig, graceMs: number): Promise<{ started: string[]; stopped: string[]; unchanged: string[] }> {
    checkConfigFiles(next);
    if (next.dataDir !== this.#config.dataDir) {
      log.warn({ dataDir: this.#config.dataDir, requested: next.dataDir }, 'dataDir changes need a restart; keeping the current one');
      next = { ...next, dataDir: this.#config.dataDir };
    }
    const previous = this.#config;
    const wanted = new Map(next.links.map((l) => [l.name, l]));
    const unchanged = [...this.#links.keys()].filter((name) => isDeepStrictEqual(wanted.get(name), this.#links.get(name)!.config));
    const leaving = new Map([...this.#links].filter(([name]) => !unchanged.includes(name)));
    const holderOf = (config: LinkConfig): Link | undefined =>
      [...leaving.values()].find((link) => sameTillEndpoint(link.config, config));

    const fresh = new Map<string, Link>();
    /** Links stopped to free their endpoint for a successor: started again as they were if the reload fails. */
    const released: Link[] = [];
    const handOvers: { from: Link; config: LinkConfig }[] = [];
    this.#worker.configure(workerSettings(next));
    try {
      const incoming = next.links.map((config, index) => ({ config, index })).filter(({ config }) => !unchanged.includes(config.name));
      // First what binds somewhere new: nothing running is touched until these are up.
      for (const { config, index } of incoming) {
        if (holderOf(config) === undefined) fresh.set(config.name, await this.#openLink(config, index));
      }
      for (const { config, index } of incoming) {
        const holder = holderOf(config);
        if (holder === undefined) continue;
        if (holder.canHandOver(config)) {
          handOvers.push({ from: holder, config });
          continue;
        }
        if (!released.includes(holder)) {
          await holder.stop(graceMs);
          released.push(holder);
        }
        fresh.set(config.name, await this.#openLink(config, index));
      }
    } catch (error) {
      await Promise.all([...fresh.values()].map((link) => link.stop(0)));
      this.#worker.configure(workerSettings(previous));
      for (const link of released) {
        const index = previous.links.findIndex((l) => l.name === link.name);
        const again = await this.#openLink(link.config, index).catch((restartError: unknown) => {
          log.error({ link: link.name, reason: (restartError as Error).message }, 'link could not be started again after a failed reload; it is DOWN');
          return undefined;
        });
        if (again === undefined) this.#links.delete(link.name);
        else this.#links.set(link.name, again);
      }
      throw error;
    }
    // Everything new is up; what can no longer fail happens now.
    for (const { from, config } of handOvers) {
      const link = from.handOver(config);
      await link.start();
      fresh.set(config.name, link);
    }
    if (!isDeepStrictEqual(forwardSettings(next), forwardSettings(this.#config))) {
      prepareStore(next);
      await this.#forward.stop();
      this.#forward = this.#newForwarding(next);
      this.#forward.start();
      log.info({ sinks: next.forward.sinks.map(sinkName) }, 'forwarding restarted with the new sinks');
    }
    const adminChanged = !isDeepStrictEqual(next.admin, this.#config.admin);
    this.#config = next;
    this.drift.configure(next.drift);
    if (adminChanged) await this.#restartAdmin();
    const stopping = [...leaving.values()].filter((link) => !released.includes(link));
    for (const [name] of leaving) this.#links.delete(name);
    for (const [name, link] of fresh) this.#links.set(name, link);
    // Replaced links finish their connections in flight in the background; a stop waits for them too.
    for (const link of stopping) {
      const retired = link.stop(graceMs).finally(() => this.#retiring.delete(retired));
      this.#retiring.add(retired);
    }
    const stopped = [...leaving.keys()];
    const started = [...fresh.keys()];
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
    await Promise.all([...[...this.#links.values()].map((link) => link.stop(graceMs)), ...this.#retiring]);
    this.#links.clear();
    // Forwarding first: it runs on the worker, which the drain ends. Baskets stored by the drain wait in the outbox.
    await this.#forward.stop();
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
        spilledBytes: this.#worker.spilledBytes,
        shedBytes: this.#worker.sink.shedBytes,
        lostBytes: this.#worker.lostBytes,
        storeProblem: this.#worker.storeProblem,
      },
      forward: this.#forward.status(),
      ocr: this.#worker.ocrStatus,
      store: this.#worker.storeHealth ?? { outage: null, pendingJobs: 0, droppedJobs: 0, deadLettered: 0, lastDeadLetter: null },
      links: this.#config.links.map((config) => {
        const link = this.#links.get(config.name);
        return {
          name: config.name,
          tillId: tillIdOf(config),
          till: config.till.kind,
          printer: config.printer.kind,
          running: link !== undefined,
          activeSessions: link?.activeSessions ?? 0,
          sessionStates: link?.sessionStates ?? {},
          totalSessions: link?.totalSessions ?? 0,
          ...this.#statsFor(config.name),
        };
      }),
    };
  }

  async #startLink(config: LinkConfig, index: number): Promise<void> {
    this.#links.set(config.name, await this.#openLink(config, index));
  }

  /** A started link for `config` (the `index`th in its config, for the error message). */
  async #openLink(config: LinkConfig, index: number): Promise<Link> {
    const linkLog = log.child({ link: config.name });
    const sides = { till: createTillSide(config.till, linkLog), printer: this.#watchedPrinter(config.name, createPrinterSide(config.printer, linkLog)) };
    const link = new Link(config, this.#worker.sink, sides, (event) => this.events.emit('passthrough.latency', event));
    try {
      await link.start();
    } catch (error) {
      throw new LinkStartError(config, index, error);
    }
    return link;
  }

  /** Starts the admin endpoint if configured; one that cannot start is logged and the agent runs on without it. */
  async #startAdmin(): Promise<void> {
    const admin = this.#config.admin;
    if (!admin.enabled) return;
    const { host, port } = adminAddress(this.#config);
    try {
      this.#admin = await AdminServer.start(host, port, {
        events: this.events,
        dataDir: this.#config.dataDir,
        maxBacklogAgeSeconds: admin.maxBacklogAgeSeconds,
        status: () => this.status(),
        drift: () => this.drift.state(),
        printerSetup: (name) => this.#config.links.find((l) => l.name === name)?.printerSetup,
        probeSinks: () => this.probeSinks(),
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
      ...(side.start !== undefined && { start: () => side.start!() }),
      close: () => side.close(),
    };
  }

  #statsFor(name: string): LinkStats {
    let stats = this.#stats.get(name);
    if (stats === undefined) {
      stats = { jobs: 0, baskets: 0, lowConfidence: 0, bytes: 0, lastJobAt: null, lastBasket: null, printerReachable: null, printerProblem: null };
      this.#stats.set(name, stats);
    }
    return stats;
  }

  /**
   * Forwarding for a config, hosted by the processing worker: its batches become delivery events (metrics), and
   * the drift alarm's notices go with its next batch to the backend.
   */
  #newForwarding(config: AgentConfig): ForwardingHandle {
    const host = (port: MessagePort, settings: ForwardSettings): boolean => this.#worker.hostForwarding(port, settings);
    const forwarding = new ForwardingHandle(forwardSettings(config), host, log, (batch) => {
      for (let i = 0; i < batch.delivered; i++) this.events.emit('delivery.delivered', { sink: batch.sink });
      for (let i = 0; i < batch.retried; i++) this.events.emit('delivery.failed', { sink: batch.sink, reason: batch.error ?? 'retry' });
      for (let i = 0; i < batch.dead; i++) this.events.emit('delivery.dead', { sink: batch.sink, reason: batch.error ?? 'rejected' });
    });
    forwarding.setDrift(this.drift.notices());
    return forwarding;
  }

  /** Asks each sink whether its backend answers (doctor, /healthz). */
  async probeSinks(): Promise<SinkProbe[]> {
    return [...(await this.#forward.probe())];
  }

  #onJob(job: JobSummary): void {
    if (job.baskets.length > 0) this.#forward.wake();
    this.#emitJobEvents(job);
    const stats = this.#statsFor(job.link);
    if (job.ocr !== true) {
      // OCR baskets arrive later for a job already counted when it was captured.
      stats.jobs++;
      stats.bytes += job.size;
      stats.lastJobAt = job.capturedAt;
    }
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
