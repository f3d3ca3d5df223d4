// `posbridge tail`: baskets as the daemon stores them, one line each (time, till, total, items, confidence), so
// support staff see at a glance that receipts are coming in and whether their layout still reads cleanly.
import { existsSync } from 'node:fs';
import { ConfigError, loadAgentConfig } from '../config.js';
import { formatAmount } from '../extract/money.js';
import { Store, StoreError, type BasketQuery, type StoredBasket } from '../store/index.js';
import { parseSince } from './since.js';

export interface TailOptions {
  config?: string;
  since?: string;
  link?: string;
  json?: boolean;
  follow: boolean;
  lines: number;
}

const POLL_MS = 500;
const LOW_CONFIDENCE = 0.9;

const clocks = new Map<string, Intl.DateTimeFormat>();

/** "2026-11-23 09:30:05" in the given zone (sv-SE is the locale that writes dates the ISO way). */
function localTime(iso: string, timeZone: string): string {
  let clock = clocks.get(timeZone);
  if (clock === undefined) {
    clock = new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'medium' });
    clocks.set(timeZone, clock);
  }
  return clock.format(new Date(iso));
}

export function basketLine(row: StoredBasket, timeZone: string): string {
  const b = row.basket;
  const time = localTime(row.capturedAt, timeZone);
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

/** The store once it can be read; undefined while it does not exist yet (the daemon has not started). */
function openStore(file: string): Store | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return Store.open(file, { readonly: true });
  } catch (error) {
    // Created a moment ago and still being set up by the daemon: like missing.
    if (error instanceof StoreError && error.code === 'POSBRIDGE_NOT_READY') return undefined;
    throw error;
  }
}

const PAGE = 500;

export async function tail(options: TailOptions): Promise<void> {
  let config;
  try {
    config = await loadAgentConfig(options.config);
  } catch (error) {
    process.stderr.write(`posbridge tail: ${(error as Error).message}\n`);
    process.exitCode = error instanceof ConfigError ? 2 : 1;
    return;
  }
  // `posbridge tail | head`: the reader has gone, so has the point of going on.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  const timeZone = config.timezone;
  const since = options.since === undefined ? undefined : parseSince(options.since, timeZone);
  const link = options.link;
  const show = (rows: StoredBasket[]): number | undefined => {
    for (const row of rows) {
      const line = options.json === true ? JSON.stringify({ ...row.basket, seq: row.seq, jobId: row.jobId, link: row.link, capturedAt: row.capturedAt }) : basketLine(row, timeZone);
      process.stdout.write(`${line}\n`);
    }
    return rows.at(-1)?.seq;
  };
  // Everything matching after `seq`, a page at a time; returns the last seq shown.
  const showAll = (store: Store, query: BasketQuery, seq: number): number => {
    for (;;) {
      const rows = store.baskets({ ...query, afterSeq: seq, limit: PAGE });
      seq = show(rows) ?? seq;
      if (rows.length < PAGE) return seq;
    }
  };
  const byLink: BasketQuery = link === undefined ? {} : { link };
  // What was stored before tail started: the latest few, or everything since a time. Following then starts at the
  // last basket stored when tail started, whether or not it matched.
  const showFirst = (store: Store): number => {
    const last = store.lastSeq();
    const seq = since === undefined ? show(store.latestBaskets(options.lines, link)) ?? 0 : showAll(store, { ...byLink, since }, 0);
    return Math.max(last, seq);
  };

  let stopped = false;
  let wake = (): void => {};
  const stop = (): void => {
    stopped = true;
    wake();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const file = Store.fileIn(config.dataDir);
  let store: Store | undefined;
  let seq = 0;
  try {
    for (let waiting = false; ; ) {
      if (store === undefined) {
        store = openStore(file);
        if (store !== undefined) {
          seq = showFirst(store);
        } else if (!options.follow) {
          process.stderr.write(`posbridge tail: no baskets yet (no store at ${file})\n`);
          return;
        } else if (!waiting) {
          waiting = true;
          process.stderr.write(`posbridge tail: waiting for the daemon to create ${file}\n`);
        }
      } else {
        seq = showAll(store, byLink, seq);
      }
      if (!options.follow || stopped) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (stopped) return;
    }
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    process.stderr.write(`posbridge tail: ${error.message}\n`);
    process.exitCode = 1;
  } finally {
    store?.close();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
