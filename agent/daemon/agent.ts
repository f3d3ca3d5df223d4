// The daemon: runs every configured link, the processing worker behind them and the control socket; reloads
// config without touching links whose config did not change; drains in-flight jobs on stop.
import { isDeepStrictEqual } from 'node:util';
import { Link } from '../capture/link.js';
import type { AgentConfig, LinkConfig } from '../config.js';
import { ConfigError, tillIdOf } from '../config.js';
import { loadProfiles } from '../extract/index.js';
import { formatAmount } from '../extract/money.js';
import { log } from '../log.js';
import type { JobSummary } from './job-processor.js';
import { prepareDataDir } from './data-dir.js';
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

  private constructor(config: AgentConfig) {
    this.#config = config;
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
    for (const warning of await prepareDataDir(config.dataDir)) log.warn(warning);
    const agent = new Agent(config);
    try {
      // Links start once captured bytes can be journalled: a receipt a till sees completed is then always stored.
      await agent.#worker.start();
    } catch (error) {
      await agent.#worker.drain(1_000);
      throw new ConfigError(
        `dataDir ${config.dataDir}: the store cannot be opened: ${(error as Error).message}; ` +
          'fix or move the file, or set dataDir (or POSBRIDGE_DATA) to another folder',
      );
    }
    try {
      for (const link of config.links) await agent.#startLink(link);
    } catch (error) {
      await agent.stop({ graceMs: 0, drainMs: 5_000 });
      throw error;
    }
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
    this.#config = next;
    this.#worker.configure(workerSettings(next));
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
    await Promise.all([...this.#links.values()].map((link) => link.stop(graceMs)));
    this.#links.clear();
    const drained = await this.#worker.drain(drainMs);
    if (drained !== undefined && drained.pendingJobs > 0) {
      log.error({ pendingJobs: drained.pendingJobs }, 'jobs could not be stored before exit (see the store errors above)');
    }
    log.info('stopped');
  }

  status(): unknown {
    return {
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
      },
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
          totalSessions: link?.totalSessions ?? 0,
          ...this.#statsFor(config.name),
        };
      }),
    };
  }

  async #startLink(config: LinkConfig): Promise<void> {
    const link = new Link(config, this.#worker.sink);
    await link.start();
    this.#links.set(config.name, link);
  }

  #statsFor(name: string): LinkStats {
    let stats = this.#stats.get(name);
    if (stats === undefined) {
      stats = { jobs: 0, baskets: 0, lowConfidence: 0, bytes: 0, lastJobAt: null, lastBasket: null };
      this.#stats.set(name, stats);
    }
    return stats;
  }

  #onJob(job: JobSummary): void {
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
}
