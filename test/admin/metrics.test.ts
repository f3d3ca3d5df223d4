// The forwarder's side of /metrics and /healthz, driven the way the forwarder will drive them: delivery events
// and a `forward` field in the agent's status (its shape from agent/model/status.ts), and sink probes. Then the
// passthrough latency histogram of the real daemon (`posbridge run`), with real TCP tills and TCP printers.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkHealth } from '../../agent/admin/health.js';
import { AgentMetrics } from '../../agent/admin/metrics.js';
import { AgentEvents } from '../../agent/model/events.js';
import type { AgentStatusView, SinkStatusView } from '../../agent/model/status.js';
import { freePort, printJob, startDaemon, tillConnection, waitFor, type DaemonProcess } from '../helpers/daemon.js';

function statusWith(sinks: SinkStatusView[] | undefined, dataDir = process.cwd()): AgentStatusView {
  return {
    pid: 1,
    startedAt: new Date().toISOString(),
    uptimeSeconds: 1,
    config: 'test',
    dataDir,
    capture: { workerRunning: true, backlogBytes: 0, spilledBytes: 0, shedBytes: 0, lostBytes: 0, storeProblem: null },
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

const COFFEE = await readFile('test/fixtures/receipts/coffee-tm-t88-card.bin');
/** DLE EOT 1: the printer status request a till sends before a job; a TM printer answers with one byte. */
const STATUS_REQUEST = Buffer.from([0x10, 0x04, 0x01]);
const LATENCY = 'posbridge_passthrough_latency_seconds';

describe('passthrough latency in /metrics of the running daemon', () => {
  let dir: string | undefined;
  let daemon: DaemonProcess | undefined;
  let printer: Server | undefined;

  afterEach(async () => {
    await daemon?.stop('SIGKILL');
    daemon = undefined;
    printer?.close();
    printer = undefined;
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /** A TCP printer: reads everything (after `pauseMs` without reading), answers each status request with 0x12. */
  async function tcpPrinter(pauseMs = 0): Promise<{ port: number; received: () => number }> {
    let received = 0;
    printer = createServer((socket: Socket) => {
      socket.on('error', () => undefined);
      socket.pause();
      setTimeout(() => socket.resume(), pauseMs);
      socket.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (chunk.includes(STATUS_REQUEST)) socket.write(Buffer.from([0x12]));
      });
    });
    const port = await freePort();
    await new Promise<void>((resolve) => printer!.listen(port, '127.0.0.1', resolve));
    return { port, received: () => received };
  }

  async function startLink(printerPort: number): Promise<{ till: number; metrics: () => Promise<string> }> {
    dir = await mkdtemp(join(tmpdir(), 'posbridge-latency-'));
    const till = await freePort();
    daemon = await startDaemon(
      { dataDir: join(dir, 'data'), links: [{ name: 'front', till: { kind: 'tcp', host: '127.0.0.1', port: till }, printer: { kind: 'tcp', host: '127.0.0.1', port: printerPort } }] },
      { dir },
    );
    const url = (await daemon.waitForLog((l) => l.msg === 'admin endpoint listening', 'the admin endpoint')).url as string;
    return { till, metrics: async () => (await fetch(`${url}/metrics`)).text() };
  }

  const series = (direction: string, le?: string): string =>
    `${LATENCY}_${le === undefined ? 'count' : 'bucket'}{link="front",direction="${direction}"${le === undefined ? '' : `,le="${le}"`}}`;

  it('counts a printed job towards the printer and the status reply back to the till', async () => {
    const { port, received } = await tcpPrinter();
    const { till, metrics } = await startLink(port);
    const socket = await tillConnection(till);
    const reply = new Promise<Buffer>((resolve) => socket.once('data', resolve));
    socket.write(STATUS_REQUEST);
    expect([...(await reply)]).toEqual([0x12]);
    socket.end(COFFEE);
    await new Promise((resolve) => socket.once('close', resolve));
    expect(received()).toBe(STATUS_REQUEST.length + COFFEE.length);

    const text = await waitFor(metrics, (t) => (value(t, series('toPrinter')) ?? 0) >= 1 && (value(t, series('toTill')) ?? 0) >= 1, 'latency samples in /metrics');
    expect(text).toContain(`# TYPE ${LATENCY} histogram`);
    // Cumulative buckets: +Inf holds every sample, and no bucket holds more than a wider one.
    for (const direction of ['toPrinter', 'toTill']) {
      const count = value(text, series(direction))!;
      expect(value(text, series(direction, '+Inf'))).toBe(count);
      expect(value(text, series(direction, '0.0005'))!).toBeLessThanOrEqual(value(text, series(direction, '10'))!);
      expect(value(text, `${LATENCY}_sum{link="front",direction="${direction}"}`)).toBeGreaterThan(0);
    }
  });

  it('shows a printer that stops reading in the seconds buckets', async () => {
    const pauseMs = 2_000;
    // Larger than what the kernel buffers between posbridge and a printer that does not read (a few MiB here), so
    // some writes wait for the printer.
    const job = Buffer.concat(Array.from({ length: Math.ceil((12 * 1024 * 1024) / COFFEE.length) }, () => COFFEE));
    const { port, received } = await tcpPrinter(pauseMs);
    const { till, metrics } = await startLink(port);
    await printJob(till, job);
    expect(received()).toBe(job.length);

    // Samples reach /metrics once a second: wait for those of the job's last writes.
    const overOneSecond = (t: string): number => (value(t, series('toPrinter')) ?? 0) - (value(t, series('toPrinter', '1')) ?? 0);
    const text = await waitFor(metrics, (t) => overOneSecond(t) >= 1, 'latency samples over 1 s in /metrics', 5_000);
    expect(value(text, `${LATENCY}_sum{link="front",direction="toPrinter"}`)!).toBeGreaterThan(1);
  }, 60_000);
});
