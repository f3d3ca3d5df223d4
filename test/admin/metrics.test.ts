// The forwarder's side of /metrics and /healthz, driven the way the forwarder will drive them: delivery events
// and a `forward` field in the agent's status (its shape from agent/model/status.ts), and sink probes.
import { describe, expect, it } from 'vitest';
import { checkHealth } from '../../agent/admin/health.js';
import { AgentMetrics } from '../../agent/admin/metrics.js';
import { AgentEvents } from '../../agent/model/events.js';
import type { AgentStatusView, SinkStatusView } from '../../agent/model/status.js';

function statusWith(sinks: SinkStatusView[] | undefined, dataDir = process.cwd()): AgentStatusView {
  return {
    pid: 1,
    startedAt: new Date().toISOString(),
    uptimeSeconds: 1,
    config: 'test',
    dataDir,
    capture: { workerRunning: true, backlogBytes: 0, shedBytes: 0, lostBytes: 0, storeProblem: null },
    links: [],
    ...(sinks !== undefined && { forward: { sinks } }),
  };
}

const waiting: SinkStatusView = {
  sink: 'receipts',
  pending: 7,
  inFlight: 2,
  dead: 1,
  oldestPendingAt: new Date(Date.now() - 3_600_000).toISOString(),
  lastDeliveryAt: null,
  lastError: 'HTTP 503',
};

function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('forwarding in /metrics and /healthz', () => {
  it('counts delivery outcomes per sink and reads backlog size and age from the status', async () => {
    const events = new AgentEvents();
    const metrics = new AgentMetrics({ events, status: () => statusWith([waiting]), drift: () => [] });
    events.emit('delivery.delivered', { sink: 'receipts' });
    events.emit('delivery.delivered', { sink: 'receipts' });
    events.emit('delivery.failed', { sink: 'receipts', reason: 'timeout' });
    events.emit('delivery.dead', { sink: 'receipts', reason: '422' });
    const text = await metrics.text();
    expect(value(text, 'posbridge_deliveries_total{sink="receipts",outcome="delivered"}')).toBe(2);
    expect(value(text, 'posbridge_deliveries_total{sink="receipts",outcome="failed"}')).toBe(1);
    expect(value(text, 'posbridge_deliveries_total{sink="receipts",outcome="dead"}')).toBe(1);
    expect(value(text, 'posbridge_backlog_size{sink="receipts"}')).toBe(9);
    expect(value(text, 'posbridge_backlog_age_seconds{sink="receipts"}')).toBeGreaterThanOrEqual(3600);
    expect(text).toContain('posbridge_process_nodejs_eventloop_lag_seconds');
    metrics.close();
  });

  it('shows no backlog series while forwarding is absent', async () => {
    const metrics = new AgentMetrics({ events: new AgentEvents(), status: () => statusWith(undefined), drift: () => [] });
    expect(await metrics.text()).not.toMatch(/^posbridge_backlog_size\{/m);
    metrics.close();
  });

  it('fails /healthz on an old backlog and on a backend that does not answer, each with its fix', async () => {
    const report = await checkHealth({
      status: () => statusWith([waiting]),
      drift: () => [],
      maxBacklogAgeSeconds: 900,
      probeSinks: async () => [{ name: 'receipts', ok: false, detail: 'connect ECONNREFUSED 127.0.0.1:1' }],
    });
    expect(report.ok).toBe(false);
    expect(report.checks).toContainEqual(expect.objectContaining({ name: 'backend receipts', ok: false, detail: 'connect ECONNREFUSED 127.0.0.1:1', fix: expect.stringContaining('token') }));
    expect(report.checks).toContainEqual(
      expect.objectContaining({ name: 'backlog receipts', ok: false, detail: expect.stringMatching(/^9 waiting, oldest 36\d\d s, 1 set aside; last error: HTTP 503$/) }),
    );
    const healthy = await checkHealth({ status: () => statusWith([{ ...waiting, oldestPendingAt: null }]), drift: () => [], maxBacklogAgeSeconds: 900, probeSinks: async () => [{ name: 'receipts', ok: true, detail: 'HTTP 200' }] });
    expect(healthy.ok).toBe(true);
  });
});
