// Reference backend figures: how fast `posbridge dev-backend` (a real child process, real HTTP, real SQLite with
// synchronous=FULL) takes batches, so the agent's delivery bench (>= 2,000 baskets/s over HTTP) measures the agent,
// not the backend: new receipts stored per second, re-sends acknowledged as duplicates per second, the page's
// render time, and the backend's peak memory. Target: >= 5,000 receipts/s stored in batches of 100, well clear of the agent's 2,000.
// Run alone with `npm run build && node dist/bench/dev-backend.js`.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { basketsFromBytes } from '../agent/extract/index.js';
import type { ReceiptSubmission } from '../agent/model/index.js';
import { repoRoot } from './fuzz.js';

const RECEIPTS = 20_000;
const BATCH = 100;
const IN_FLIGHT = 2;

function postJson(agent: Agent, url: URL, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends every batch with `IN_FLIGHT` requests at a time; returns receipts per second. */
async function deliver(agent: Agent, url: URL, bodies: readonly string[], expect: 'stored' | 'duplicate'): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < bodies.length) {
      const { status, text } = await postJson(agent, url, bodies[next++]!);
      if (status !== 200 || !text.includes(`"${expect}"`) || text.includes('"rejected"')) throw new Error(`unexpected answer ${status}: ${text.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return RECEIPTS / ((performance.now() - t0) / 1000);
}

/** `posbridge dev-backend` as a child process on a free port; resolves with its base URL once it listens. */
export async function startDevBackendChild(root: string, dataDir: string): Promise<{ base: string; child: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(root, 'bin', 'posbridge.js'), 'dev-backend', '--port', '0', '--data', dataDir], {
    env: { ...process.env, POSBRIDGE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM');
    await exited;
  };
  try {
    const base = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.setEncoding('utf8').on('data', (t: string) => {
        out += t;
        const m = /listening on (\S+)/.exec(out);
        if (m !== null) resolve(m[1]!);
      });
      child.once('exit', () => reject(new Error('dev-backend exited before listening')));
    });
    return { base, child, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export async function benchDevBackend(): Promise<void> {
  const root = repoRoot();
  const capture = readFileSync(join(root, 'test', 'fixtures', 'receipts', 'coffee-tm-t88-card.bin'));
  const [basket] = basketsFromBytes(capture);
  const rawJob = { encoding: 'base64' as const, data: capture.toString('base64') };
  const receipt = (i: number): ReceiptSubmission => {
    const id = `bench-${i}`;
    return { idempotencyKey: `${id}:1`, basketId: id, revision: 1, tillId: `till-${i % 4}`, link: 'front', jobId: id, capturedAt: new Date(1_700_000_000_000 + i * 1000).toISOString(), basket: { ...basket!, id, revision: 1 }, ...(i % 2 === 0 && { rawJob }) };
  };
  const bodies: string[] = [];
  for (let i = 0; i < RECEIPTS; i += BATCH) {
    bodies.push(JSON.stringify({ agent: { id: 'bench', version: '0', storeId: null }, receipts: Array.from({ length: BATCH }, (_, j) => receipt(i + j)) }));
  }

  const dataDir = mkdtempSync(join(tmpdir(), 'posbridge-bench-dev-backend-'));
  const { base, child, stop } = await startDevBackendChild(root, dataDir);
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  try {
    const url = new URL('/v1/receipts', base);
    const stored = await deliver(agent, url, bodies, 'stored');
    const duplicates = await deliver(agent, url, bodies, 'duplicate');
    const t0 = performance.now();
    const page = await fetch(base);
    await page.text();
    const pageMs = performance.now() - t0;
    const peakKiB = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? Number.NaN);
    const line = (label: string, value: string): void => void process.stdout.write(`${label.padEnd(44)}${value}\n`);
    line('workload', `${RECEIPTS.toLocaleString('en-GB')} receipts in batches of ${BATCH}, ${IN_FLIGHT} in flight, half with raw jobs`);
    line('stored (new keys)', `${Math.round(stored).toLocaleString('en-GB')} receipts/s (target >= 5,000)`);
    line('re-sent (acknowledged as duplicates)', `${Math.round(duplicates).toLocaleString('en-GB')} receipts/s`);
    line('page / (50 receipts, previews decoded)', `${pageMs.toFixed(0)} ms`);
    line('dev-backend peak RSS', `${(peakKiB / 1024).toFixed(0)} MB`);
  } finally {
    agent.destroy();
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchDevBackend();
