// The drift alarm: per link and layout (profile name or "generic"), the share of the latest receipts that fully
// reconciled. A till update that changes the receipt layout makes it drop, either under the layout the till
// used to print (a profile now misreading) or under a layout new to that link (the profile no longer matching).
// Raised and cleared here, with one error log line each way; /healthz, /metrics, the status page and the
// backend (DriftNotice in the next delivery) all read it from here.
import { ReconciliationTally } from '../extract/drift.js';
import type { Logger } from '../log.js';
import type { DriftNotice } from '../model/delivery.js';
import type { AgentEvents } from '../model/events.js';

export interface DriftSettings {
  /** How many of the latest receipts the share covers. */
  readonly window: number;
  /** Receipts seen before a layout can raise the alarm (one bad receipt is not yet a changed layout). */
  readonly minReceipts: number;
  /** Alarm while the share is below this. */
  readonly alarmBelow: number;
}

export interface LayoutDrift {
  readonly link: string;
  readonly layout: string;
  readonly receipts: number;
  readonly reconciled: number;
  readonly reconciledShare: number;
  readonly alarm: boolean;
  /** ISO 8601: when the alarm was raised (null while it is not). */
  readonly since: string | null;
  readonly lastReceiptAt: string;
}

interface Tracked {
  link: string;
  layout: string;
  tally: ReconciliationTally;
  alarmSince: Date | null;
  lastReceiptAt: Date;
}

export class DriftMonitor {
  #settings: DriftSettings;
  readonly #events: AgentEvents;
  readonly #log: Logger;
  readonly #layouts = new Map<string, Tracked>();
  readonly #unsubscribe: () => void;

  constructor(settings: DriftSettings, events: AgentEvents, logger: Logger) {
    this.#settings = settings;
    this.#events = events;
    this.#log = logger;
    this.#unsubscribe = events.on('basket.extracted', (e) => this.record(e.link, e.layout, e.reconciled));
  }

  /** New settings start every tally again: a share over a different window is not comparable. */
  configure(settings: DriftSettings): void {
    if (JSON.stringify(settings) === JSON.stringify(this.#settings)) return;
    this.#settings = settings;
    for (const tracked of this.#layouts.values()) tracked.tally = new ReconciliationTally(settings.window);
  }

  record(link: string, layout: string, reconciled: boolean, at = new Date()): void {
    const key = JSON.stringify([link, layout]);
    let tracked = this.#layouts.get(key);
    if (tracked === undefined) {
      tracked = { link, layout, tally: new ReconciliationTally(this.#settings.window), alarmSince: null, lastReceiptAt: at };
      this.#layouts.set(key, tracked);
    }
    tracked.tally.record(reconciled);
    tracked.lastReceiptAt = at;
    const { tally } = tracked;
    const low = tally.count >= Math.min(this.#settings.minReceipts, this.#settings.window) && tally.share < this.#settings.alarmBelow;
    if (low && tracked.alarmSince === null) {
      tracked.alarmSince = at;
      this.#log.error(
        { link, layout, reconciledShare: tally.share, receipts: tally.count, alarmBelow: this.#settings.alarmBelow },
        'receipt layout DRIFT: too few receipts reconcile; has a till update changed the layout? Fix the profile, then run posbridge backfill --reparse',
      );
      this.#events.emit('drift.changed', { link, layout, alarm: true, reconciledShare: tally.share });
    } else if (!low && tracked.alarmSince !== null) {
      tracked.alarmSince = null;
      this.#log.info({ link, layout, reconciledShare: tally.share }, 'receipt layout drift cleared: receipts reconcile again');
      this.#events.emit('drift.changed', { link, layout, alarm: false, reconciledShare: tally.share });
    }
  }

  /** Every link and layout seen, alarms first. */
  state(): LayoutDrift[] {
    return [...this.#layouts.values()]
      .map((t) => ({
        link: t.link,
        layout: t.layout,
        receipts: t.tally.count,
        reconciled: t.tally.reconciled,
        reconciledShare: t.tally.share,
        alarm: t.alarmSince !== null,
        since: t.alarmSince?.toISOString() ?? null,
        lastReceiptAt: t.lastReceiptAt.toISOString(),
      }))
      .sort((a, b) => Number(b.alarm) - Number(a.alarm) || a.link.localeCompare(b.link) || a.layout.localeCompare(b.layout));
  }

  /** What the backend is told with the next delivery: the layouts in alarm now. */
  notices(): DriftNotice[] {
    return this.state()
      .filter((d) => d.alarm)
      .map((d) => ({ link: d.link, layout: d.layout, reconciledShare: d.reconciledShare, since: d.since! }));
  }

  close(): void {
    this.#unsubscribe();
  }
}
