// Capture → store → forward with every part real: the daemon as a child process (`posbridge run`), tills printing
// over TCP, the reference backend (`posbridge dev-backend`) over HTTP. Receipts arrive in capture order; a backend
// that is down for a while, failing (500, 429, junk, dropped connections, slow) or killed gets every receipt
// once; a daemon killed with SIGKILL during delivery loses none and sends none twice.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort, printJob, startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { startDevBackend, type HeldReceipt, type TestDevBackend } from '../helpers/dev-backend.js';

const RECEIPTS = readdirSync('test/fixtures/receipts')
  .filter((f) => f.endsWith('.bin'))
  .sort()
  .map((f) => readFileSync(join('test/fixtures/receipts', f)));

let dir: string;
const cleanup: (() => Promise<unknown>)[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-e2e-'));
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

function config(tillPort: number, backendUrl: string, extra: Record<string, unknown> = {}): unknown {
  return {
    dataDir: join(dir, 'data'),
    links: [
      { name: 'front', tillId: 'T1', till: { kind: 'tcp', host: '127.0.0.1', port: tillPort }, printer: { kind: 'none' } },
    ],
    forward: {
      agentId: 'e2e-agent',
      sinks: [
        {
          kind: 'http',
          name: 'backend',
          url: `${backendUrl}/v1/receipts`,
          sendRawJob: true,
          batch: { maxCount: 20, lingerMs: 20 },
          retry: { initialMs: 100, maxMs: 1_000 },
          timeouts: { connectMs: 1_000, responseMs: 3_000 },
          ...extra,
        },
      ],
    },
  };
}

async function daemonFor(tillPort: number, backendUrl: string, extra?: Record<string, unknown>): Promise<DaemonProcess> {
  const daemon = await startDaemon(config(tillPort, backendUrl, extra), { dir });
  cleanup.push(() => daemon.stop('SIGKILL'));
  return daemon;
}

async function backend(options: Parameters<typeof startDevBackend>[0] = {}): Promise<TestDevBackend> {
  const b = await startDevBackend(options);
  cleanup.push(() => b.close());
  return b;
}

/** Polls the backend until `count` receipts are held (or fails after timeoutMs). */
async function receiptsOnceThere(b: TestDevBackend, count: number, timeoutMs = 30_000): Promise<HeldReceipt[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const held = await b.receipts();
    if (held.length >= count) return held;
    if (Date.now() > until) throw new Error(`backend holds ${held.length} of ${count} receipts after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function expectCaptureOrder(held: readonly HeldReceipt[]): void {
  const times = held.map((r) => r.capturedAt);
  expect(times).toEqual([...times].sort());
  expect(new Set(held.map((r) => r.jobId)).size).toBe(held.length);
}

describe('forwarding end to end', () => {
  it('delivers each printed receipt with its raw job, in capture order', async () => {
    const b = await backend();
    const tillPort = await freePort();
    await daemonFor(tillPort, b.url);
    for (const bytes of RECEIPTS.slice(0, 5)) await printJob(tillPort, bytes);
    const held = await receiptsOnceThere(b, 5);
    expect(held).toHaveLength(5);
    expectCaptureOrder(held);
    expect(held.map((r) => r.tillId)).toEqual(['T1', 'T1', 'T1', 'T1', 'T1']);
    expect(held.every((r) => r.agent.id === 'e2e-agent' && r.rawJob !== undefined)).toBe(true);
  });

  it("sends each raw job with its link's printer setup, so the backend's page reads it as that printer prints", async () => {
    const b = await backend();
    const tillPort = await freePort();
    const withModel = config(tillPort, b.url) as { links: Record<string, unknown>[] };
    withModel.links[0]!.printerSetup = { model: 'xprinter-xp-n160ii' };
    const daemon = await startDaemon(withModel, { dir });
    cleanup.push(() => daemon.stop('SIGKILL'));
    // Xprinter's ESC t 6 is ISO 8859-1, where 0xC9 is É; Epson's page 6 is Hiragana.
    const ESC = '\x1b';
    const receipt = Buffer.from(`${ESC}@${ESC}t\x06CAF\xc9 NOIR\n\nFLAT WHITE      EUR 3.20\nTOTAL           EUR 3.20\n\x1dV\x00`, 'latin1');
    await printJob(tillPort, receipt);
    const [held] = await receiptsOnceThere(b, 1);
    expect(held!.rawJob?.printerSetup).toMatchObject({ model: 'xprinter-xp-n160ii' });
    const page = await (await fetch(`${b.url}/`)).text();
    // The paper preview only: the basket beside it holds the agent's own reading (its merchant is CAFÉ NOIR).
    const preview = page.slice(page.indexOf('class="preview"'), page.indexOf('class="basket"'));
    expect(preview.length).toBeGreaterThan(0);
    expect(preview).toContain('>CAFÉ NOIR<');
  });

  it('starts forwarding again when the processing worker that hosts it dies: the receipt it was decoding and one printed while it restarts arrive', async () => {
    const b = await backend();
    const tillPort = await freePort();
    const marker = join(dir, 'worker-exited');
    const daemon = await startDaemon(config(tillPort, b.url), { dir, env: { POSBRIDGE_FAULTS: `worker-exit-once=${marker}` } });
    cleanup.push(() => daemon.stop('SIGKILL'));
    await printJob(tillPort, RECEIPTS[0]!);
    await daemon.waitForLog((l) => l.msg.startsWith('processing worker stopped; restarting it'), 'the worker to be gone', 20_000);
    expect(existsSync(marker)).toBe(true);
    // Printed while no worker runs (its restart waits 0.5 s): held for the next worker, not lost. (Bytes posted in
    // the instant the thread is exiting, before its exit is seen, are lost with it and counted as lost.)
    await printJob(tillPort, RECEIPTS[1]!);
    await daemon.waitForLog((l) => l.msg.startsWith('forwarding stopped; starting it again'), 'forwarding to notice the worker died', 20_000);
    const held = await receiptsOnceThere(b, 2);
    expect(held).toHaveLength(2);
    expectCaptureOrder(held);
  }, 60_000);

  it('keeps receipts while the backend is down, shows the backlog, and drains it in order once it is up', async () => {
    const backendPort = await freePort();
    const tillPort = await freePort();
    const daemon = await daemonFor(tillPort, `http://127.0.0.1:${backendPort}`);
    for (const bytes of RECEIPTS.slice(0, 6)) await printJob(tillPort, bytes);
    await daemon.waitForLog((l) => l.msg.startsWith('backend not taking baskets'), 'the outage to be noticed', 20_000);
    const b = await backend({ port: backendPort });
    const held = await receiptsOnceThere(b, 6);
    expect(held).toHaveLength(6);
    expectCaptureOrder(held);
  });

  it('gets every receipt to a backend that fails, throttles, answers junk, drops connections and is slow: each stored once', async () => {
    const b = await backend();
    await b.queueFaults(['500', '429:1', 'junk', 'drop', 'drop-after-store', 'delay:500', '503:1', 'retry', 'drop-after-store']);
    const tillPort = await freePort();
    await daemonFor(tillPort, b.url, { batch: { maxCount: 2, lingerMs: 0 } });
    for (const bytes of RECEIPTS.slice(0, 8)) await printJob(tillPort, bytes);
    const held = await receiptsOnceThere(b, 8, 90_000);
    // Give any duplicate a chance to show, then check there is none.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = await b.receipts();
    expect(after).toHaveLength(8);
    expect(new Set(after.map((r) => r.idempotencyKey)).size).toBe(8);
    expectCaptureOrder(held);
  }, 120_000);

  it('loses no receipt and sends none twice when the daemon is killed with SIGKILL again and again during delivery', async () => {
    const b = await backend();
    // Slow answers, so kills land while batches are in flight (stored at the backend, not yet marked delivered).
    await b.queueFaults(Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? 'drop-after-store' : 'delay:300')));
    const tillPort = await freePort();
    let printed = 0;
    for (let round = 0; round < 4; round++) {
      const daemon = await startDaemon(config(tillPort, b.url, { batch: { maxCount: 3, lingerMs: 0 } }), { dir });
      for (let i = 0; i < 4; i++) await printJob(tillPort, RECEIPTS[(printed++) % RECEIPTS.length]!);
      await new Promise((resolve) => setTimeout(resolve, 150 + round * 100));
      await daemon.stop('SIGKILL');
    }
    const daemon = await daemonFor(tillPort, b.url);
    const held = await receiptsOnceThere(b, printed, 60_000).catch((error: Error) => {
      const status = spawnSync(process.execPath, ['bin/posbridge.js', 'status', '--config', daemon.configFile], { encoding: 'utf8' });
      throw new Error(`${error.message}; status:\n${status.stdout}${status.stderr}\ndaemon log:\n${daemon.logs.map((l) => JSON.stringify(l)).join('\n')}`);
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = await b.receipts();
    expect(held.length).toBe(printed);
    expect(after).toHaveLength(printed);
    expect(new Set(after.map((r) => r.jobId)).size).toBe(printed);
  }, 240_000);
});
