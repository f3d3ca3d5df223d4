// `posbridge status`: what the running daemon is doing, per link: sessions, jobs, baskets, low-confidence
// receipts, the last basket; and whether capture keeps up (backlog, shed and lost bytes).
import type { Command } from 'commander';
import { ConfigError, loadAgentConfig } from '../config.js';
import { ControlError, controlRequest } from '../control/index.js';
import type { StoreHealth } from '../model/store-health.js';

interface StatusOptions {
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
  capture: { workerRunning: boolean; backlogBytes: number; shedBytes: number; lostBytes: number };
  store?: StoreHealth;
  links: LinkStatus[];
}

function describe(status: DaemonStatus): string {
  const c = status.capture;
  const lines = [
    `posbridge running (pid ${status.pid}, up ${status.uptimeSeconds} s), config ${status.config}, data ${status.dataDir}`,
    `capture: worker ${c.workerRunning ? 'running' : 'DOWN'}, backlog ${c.backlogBytes} bytes, shed ${c.shedBytes}, lost ${c.lostBytes}`,
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

async function status(options: StatusOptions): Promise<void> {
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

export function register(program: Command): void {
  program
    .command('status')
    .description("ask the running daemon how its links and capture are doing")
    .option('-c, --config <file>', 'agent configuration, for the data folder (default: the embedded default)')
    .option('--json', 'the raw status as JSON')
    .action((options: StatusOptions) => status(options));
}
