// /metrics: the agent's events counted into Prometheus metrics (prom-client), all named posbridge_*. Counters
// and histograms follow the events as they come; gauges (backlog, drift, link state) are read from the agent's
// status when Prometheus scrapes, so they are never stale. Its own Registry, not prom-client's global one,
// so tests and a reloaded daemon never see another instance's figures.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type Metric, type MetricValueWithName } from 'prom-client';
import type { LayoutDrift } from '../daemon/drift-monitor.js';
import { PASSTHROUGH_LATENCY_BUCKETS, type AgentEvents } from '../model/events.js';
import type { AgentStatusView } from '../model/status.js';

export interface MetricsSources {
  readonly events: AgentEvents;
  status(): AgentStatusView;
  drift(): LayoutDrift[];
}

interface BucketSeries {
  readonly labels: Record<string, string>;
  readonly counts: number[];
  sum: number;
  count: number;
}

/**
 * A Prometheus histogram added up from bucket counts made elsewhere (capture counts passthrough latency into
 * PASSTHROUGH_LATENCY_BUCKETS on the hot path and sends the counts, not the samples); prom-client's Histogram
 * only takes one sample at a time. Registered as a custom metric, formatted like any histogram.
 */
class SummedHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #series = new Map<string, BucketSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: readonly number[],
  ) {}

  /** `counts` has one entry per bound plus one for samples above them all. */
  add(labels: Record<string, string>, counts: readonly number[], sum: number, count: number): void {
    const key = JSON.stringify(labels);
    let series = this.#series.get(key);
    if (series === undefined) {
      series = { labels, counts: new Array<number>(this.bounds.length + 1).fill(0), sum: 0, count: 0 };
      this.#series.set(key, series);
    }
    for (let i = 0; i < series.counts.length; i++) series.counts[i]! += counts[i] ?? 0;
    series.sum += sum;
    series.count += count;
  }

  get(): { name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: MetricValueWithName<string>[] } {
    const values: MetricValueWithName<string>[] = [];
    for (const { labels, counts, sum, count } of this.#series.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += counts[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: bound }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: count });
      values.push({ metricName: `${this.name}_sum`, labels, value: sum });
      values.push({ metricName: `${this.name}_count`, labels, value: count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.#series.clear();
  }
}

export class AgentMetrics {
  readonly registry = new Registry();
  readonly #unsubscribe: (() => void)[] = [];

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    const on = sources.events.on.bind(sources.events);
    collectDefaultMetrics({ register: this.registry, prefix: 'posbridge_process_' });

    const jobs = new Counter({ name: 'posbridge_jobs_captured_total', help: 'Print jobs captured and stored.', labelNames: ['link'], registers });
    const bytes = new Counter({ name: 'posbridge_bytes_passed_total', help: 'Bytes passed through, by direction.', labelNames: ['link', 'direction'], registers });
    const decodeErrors = new Counter({ name: 'posbridge_decode_errors_total', help: 'Jobs that could not be decoded (stored raw).', labelNames: ['link'], registers });
    const extractErrors = new Counter({
      name: 'posbridge_extract_errors_total',
      help: 'Receipts extracted whose arithmetic did not reconcile.',
      labelNames: ['link', 'layout'],
      registers,
    });
    const confidence = new Histogram({
      name: 'posbridge_basket_confidence',
      help: 'Confidence of each extracted basket (share of checks passed).',
      labelNames: ['link', 'layout'],
      buckets: [0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1],
      registers,
    });
    const deliveries = new Counter({
      name: 'posbridge_deliveries_total',
      help: 'Delivery outcomes per sink: delivered, failed (to be retried) or dead (set aside).',
      labelNames: ['sink', 'outcome'],
      registers,
    });
    const latency = new SummedHistogram(
      'posbridge_passthrough_latency_seconds',
      'Time bytes waited inside posbridge, from arriving from one side to being accepted by the other (toPrinter: till to printer; toTill: status replies).',
      PASSTHROUGH_LATENCY_BUCKETS,
    );
    // prom-client's registry formats any object with this shape (name, help, type, get, reset).
    this.registry.registerMetric(latency as unknown as Metric);
    this.#unsubscribe.push(
      on('passthrough.latency', (e) => latency.add({ link: e.link, direction: e.direction }, e.buckets, e.sum, e.count)),
      on('job.captured', (e) => jobs.inc({ link: e.link })),
      on('bytes.passed', (e) => bytes.inc({ link: e.link, direction: e.direction }, e.bytes)),
      on('decode.error', (e) => decodeErrors.inc({ link: e.link })),
      on('extract.error', (e) => extractErrors.inc({ link: e.link, layout: e.layout })),
      on('basket.extracted', (e) => confidence.observe({ link: e.link, layout: e.layout }, e.confidence)),
      on('delivery.delivered', (e) => deliveries.inc({ sink: e.sink, outcome: 'delivered' })),
      on('delivery.failed', (e) => deliveries.inc({ sink: e.sink, outcome: 'failed' })),
      on('delivery.dead', (e) => deliveries.inc({ sink: e.sink, outcome: 'dead' })),
    );

    new Gauge({
      name: 'posbridge_link_up',
      help: '1 while a link runs.',
      labelNames: ['link'],
      registers,
      collect() {
        this.reset();
        for (const link of sources.status().links) this.set({ link: link.name }, link.running ? 1 : 0);
      },
    });
    new Gauge({
      name: 'posbridge_printer_reachable',
      help: '1 when the printer opened the last time it was tried, 0 when it did not (absent until tried).',
      labelNames: ['link'],
      registers,
      collect() {
        this.reset();
        for (const link of sources.status().links) if (link.printerReachable !== null) this.set({ link: link.name }, link.printerReachable ? 1 : 0);
      },
    });
    new Gauge({
      name: 'posbridge_capture_backlog_bytes',
      help: 'Captured bytes waiting for the processing worker.',
      registers,
      collect() {
        this.set(sources.status().capture.backlogBytes);
      },
    });
    new Gauge({
      name: 'posbridge_backlog_size',
      help: 'Baskets waiting for delivery, per sink.',
      labelNames: ['sink'],
      registers,
      collect() {
        this.reset();
        for (const sink of sources.status().forward?.sinks ?? []) this.set({ sink: sink.sink }, sink.pending + sink.inFlight);
      },
    });
    new Gauge({
      name: 'posbridge_backlog_age_seconds',
      help: 'How long the oldest undelivered basket has waited, per sink (0 when none waits).',
      labelNames: ['sink'],
      registers,
      collect() {
        this.reset();
        const now = Date.now();
        for (const sink of sources.status().forward?.sinks ?? []) {
          const oldest = sink.oldestPendingAt === null ? now : Date.parse(sink.oldestPendingAt);
          this.set({ sink: sink.sink }, Math.max(0, (now - oldest) / 1000));
        }
      },
    });
    new Gauge({
      name: 'posbridge_drift_reconciled_share',
      help: 'Share of the latest receipts that fully reconciled, per link and layout.',
      labelNames: ['link', 'layout'],
      registers,
      collect() {
        this.reset();
        for (const d of sources.drift()) this.set({ link: d.link, layout: d.layout }, d.reconciledShare);
      },
    });
    new Gauge({
      name: 'posbridge_drift_alarm',
      help: '1 while a layout drift alarm is raised for a link and layout.',
      labelNames: ['link', 'layout'],
      registers,
      collect() {
        this.reset();
        for (const d of sources.drift()) this.set({ link: d.link, layout: d.layout }, d.alarm ? 1 : 0);
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  close(): void {
    for (const off of this.#unsubscribe.splice(0)) off();
  }
}
