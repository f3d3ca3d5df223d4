// `posbridge tail`: baskets as the daemon stores them, one line each (time, till, total, items, confidence), so
// support staff see at a glance that receipts are coming in and whether their layout still reads cleanly.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { ConfigError, loadAgentConfig } from '../config.js';
import { formatAmount } from '../extract/money.js';
import { Store, StoreError, type StoredBasket } from '../store/index.js';

interface TailOptions {
  config?: string;
  since?: Date;
  link?: string;
  json?: boolean;
  follow: boolean;
  lines: number;
}

const POLL_MS = 500;
const LOW_CONFIDENCE = 0.9;
const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "10m", "2h", "1d" back from now, or an ISO 8601 time. */
export function parseSince(text: string, now = Date.now()): Date {
  const relative = /^(\d+)([smhd])$/.exec(text);
  if (relative !== null) return new Date(now - Number(relative[1]) * UNITS[relative[2]!]!);
  const at = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(at.getTime())) {
    throw new InvalidArgumentError('expected an ISO time (2026-11-23T09:00) or a duration (30s, 10m, 2h, 1d).');
  }
  return at;
}

function wholeNumber(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError('expected a whole number.');
  return Number(text);
}

export function basketLine(row: StoredBasket, timeZone: string): string {
  const b = row.basket;
  const time = new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'medium' }).format(new Date(row.capturedAt));
  const failed = b.checks.find((c) => !c.ok);
  const fields = [
    time,
    row.tillId,
    formatAmount(b.total, b.currency) ?? 'no total',
    `${b.items.length} item${b.items.length === 1 ? '' : 's'}`,
    `conf ${b.confidence.toFixed(2)}`,
    b.kind,
    ...(b.receiptNumber === null ? [] : [`#${b.receiptNumber}`]),
    ...(b.confidence < LOW_CONFIDENCE ? [`LOW${failed === undefined ? '' : ` (${failed.name})`}`] : []),
  ];
  return fields.join('  ');
}

async function tail(options: TailOptions): Promise<void> {
  let config;
  try {
    config = await loadAgentConfig(options.config);
  } catch (error) {
    process.stderr.write(`posbridge tail: ${(error as Error).message}\n`);
    process.exitCode = error instanceof ConfigError ? 2 : 1;
    return;
  }
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  const file = Store.fileIn(config.dataDir);
  const show = (rows: StoredBasket[]): void => {
    for (const row of rows) {
      if (options.link !== undefined && row.link !== options.link) continue;
      process.stdout.write(`${options.json === true ? JSON.stringify({ ...row.basket, capturedAt: row.capturedAt, link: row.link, jobId: row.jobId }) : basketLine(row, config.timezone)}\n`);
    }
  };

  let store: Store | undefined;
  let waiting = false;
  let stopped = false;
  const stop = (): void => {
    stopped = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let seq = 0;
  for (;;) {
    if (store === undefined) {
      try {
        if (existsSync(file)) {
          store = Store.open(file, { readonly: true });
          const first = options.since === undefined ? store.latestBaskets(options.lines) : store.basketsSince(options.since, Number.MAX_SAFE_INTEGER);
          show(first);
          seq = (first.at(-1) ?? store.latestBaskets(1)[0])?.seq ?? 0;
        }
      } catch (error) {
        if (!(error instanceof StoreError)) throw error;
        store = undefined;
      }
      if (store === undefined) {
        if (!options.follow) {
          process.stderr.write(`posbridge tail: no baskets yet (no store at ${file})\n`);
          return;
        }
        if (!waiting) process.stderr.write(`posbridge tail: waiting for the daemon to create ${file}\n`);
        waiting = true;
      }
    } else {
      const rows = store.basketsAfter(seq);
      show(rows);
      seq = rows.at(-1)?.seq ?? seq;
    }
    if (!options.follow || stopped) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    if (stopped) break;
  }
  store?.close();
}

export function register(program: Command): void {
  program
    .command('tail')
    .description('show baskets as they are captured, one line each: time, till, total, items, confidence, kind, receipt number')
    .option('-c, --config <file>', 'agent configuration, for the data folder and timezone (default: the embedded default)')
    .option('--since <when>', 'start from this time: ISO 8601, or a duration back from now (30s, 10m, 2h, 1d)', (text) => parseSince(text))
    .option('-n, --lines <count>', 'without --since, how many of the latest baskets to show first', wholeNumber, 10)
    .option('--link <name>', 'only baskets from this link')
    .option('--json', 'each basket as one JSON line (with capturedAt, link and jobId)')
    .option('--no-follow', 'print what is stored and exit')
    .action((options: TailOptions) => tail(options));
}
