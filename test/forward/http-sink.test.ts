// The HTTP sink against real HTTP(S) servers on loopback: what it sends (contract body, Idempotency-Key, bearer
// token from a file or the environment), and what it makes of every kind of answer: per-item results, junk,
// 429/503 with Retry-After, 5xx, 401, 413 and 400 (split until each basket has its own answer), a backend that
// never answers, one that resets the connection, one that is not there, and TLS it must (not) trust.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { httpSinkConfigSchema } from '../../agent/forward/http/config.js';
import { HttpSink, SinkConfigError, requestKey, retryAfterMs } from '../../agent/forward/http/sink.js';
import type { BatchContext, Delivery, ReceiptBatch } from '../../agent/model/index.js';
import { basketsFor, job, COFFEE } from '../store/jobs.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

interface TestServer {
  url: string;
  requests: { headers: IncomingMessage['headers']; body: ReceiptBatch }[];
  handle: Handler;
  server: Server;
}

const CONTEXT: BatchContext = { agentId: 'till-pc-1', agentVersion: '0.1.0', storeId: 'S1', drift: [], printerSetups: {} };
const servers: Server[] = [];
let dir: string;
let logged: string[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-http-sink-'));
  logged = [];
});
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
  await rm(dir, { recursive: true, force: true });
});

function collect(handle: Handler, make: () => Server = () => createHttpServer(), scheme = 'http'): Promise<TestServer> {
  const server = make();
  const state: TestServer = { url: '', requests: [], handle, server };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (req.method === 'POST') state.requests.push({ headers: req.headers, body: JSON.parse(body) as ReceiptBatch });
      state.handle(req, body, res);
    });
  });
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      state.url = `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}/v1/receipts`;
      resolve(state);
    }),
  );
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Answers each receipt with the status its position asks for. */
function answering(...statuses: string[]): Handler {
  return (req, body, res) => {
    if (req.method === 'GET') return json(res, 200, { receipts: [] });
    const batch = JSON.parse(body) as ReceiptBatch;
    json(res, 200, { results: batch.receipts.map((r, i) => ({ idempotencyKey: r.idempotencyKey, status: statuses[i % statuses.length], reason: 'because' })) });
  };
}

function deliveries(count: number): Delivery[] {
  return Array.from({ length: count }, (_, i) => {
    const record = job(COFFEE, { tillId: 'T1' });
    const basket = basketsFor(record)[0]!;
    return {
      outboxId: i + 1,
      idempotencyKey: `${basket.id}:1`,
      basketId: basket.id,
      revision: 1,
      seq: i + 1,
      link: 'front',
      tillId: 'T1',
      jobId: record.id,
      capturedAt: record.capturedAt.toISOString(),
      attempts: 0,
      basket,
      rawJob: COFFEE,
    };
  });
}

function sink(url: string, extra: Record<string, unknown> = {}): HttpSink {
  const config = httpSinkConfigSchema.parse({ kind: 'http', url, ...extra });
  const stream = new Writable({
    write(chunk, _enc, done) {
      logged.push(String(chunk));
      done();
    },
  });
  return new HttpSink(config, { logger: pino({ level: 'debug' }, stream), baseDir: dir });
}

describe('HTTP sink', () => {
  it('posts the contract body with a bearer token from a file and the Idempotency-Key, and maps per-item results', async () => {
    const backend = await collect(answering('stored', 'duplicate', 'rejected', 'retry'));
    await writeFile(join(dir, 'token'), 's3cret-token\n');
    const s = sink(backend.url, { tokenFile: 'token', sendRawJob: true });
    const batch = deliveries(4);
    const results = await s.send(batch, CONTEXT, AbortSignal.timeout(10_000));
    expect(results).toEqual([
      { outcome: 'delivered' },
      { outcome: 'delivered', duplicate: true },
      { outcome: 'rejected', reason: 'because' },
      { outcome: 'retry', reason: 'because' },
    ]);
    const [request] = backend.requests;
    expect(request!.headers.authorization).toBe('Bearer s3cret-token');
    expect(request!.headers['idempotency-key']).toBe(requestKey(batch));
    expect(requestKey(batch)).toBe(requestKey(batch.map((d) => ({ ...d }))));
    expect(requestKey([batch[0]!])).toBe(batch[0]!.idempotencyKey);
    expect(request!.body.agent).toEqual({ id: 'till-pc-1', version: '0.1.0', storeId: 'S1' });
    expect(request!.body.receipts[0]).toMatchObject({ idempotencyKey: batch[0]!.idempotencyKey, basketId: batch[0]!.basketId, revision: 1, tillId: 'T1' });
    expect(Buffer.from(request!.body.receipts[0]!.rawJob!.data, 'base64').equals(COFFEE)).toBe(true);
    await s.close();
    expect(logged.join('')).not.toContain('s3cret-token');
  });

  it('reads the token from an environment variable, and refuses a missing or empty one by name', async () => {
    const backend = await collect(answering('stored'));
    process.env.POSBRIDGE_TEST_TOKEN = 'env-token';
    const s = sink(backend.url, { tokenEnv: 'POSBRIDGE_TEST_TOKEN' });
    await s.send(deliveries(1), CONTEXT, AbortSignal.timeout(10_000));
    expect(backend.requests[0]!.headers.authorization).toBe('Bearer env-token');
    await s.close();
    delete process.env.POSBRIDGE_TEST_TOKEN;
    expect(() => sink(backend.url, { tokenEnv: 'POSBRIDGE_TEST_TOKEN' })).toThrow(/http sink token \(tokenEnv\): environment variable POSBRIDGE_TEST_TOKEN is empty or not set/);
    await writeFile(join(dir, 'empty'), '\n');
    expect(() => sink(backend.url, { tokenFile: 'empty' })).toThrow(SinkConfigError);
    expect(() => sink(backend.url, { tokenFile: 'missing' })).toThrow(/http sink token \(tokenFile\): cannot read file .*missing \(ENOENT\)/);
  });

  it('retries the whole batch on junk, 5xx, 401 and unknown statuses, honouring Retry-After on 429 and 503', async () => {
    const answers: Handler[] = [
      (_q, _b, res) => json(res, 200, { nonsense: true }),
      (_q, _b, res) => res.end('<html>not json</html>'),
      (_q, _b, res) => json(res, 500, { error: 'boom' }),
      (_q, _b, res) => json(res, 429, { error: 'slow down' }, { 'retry-after': '7' }),
      (_q, _b, res) => json(res, 503, {}, { 'retry-after': new Date(Date.now() + 30_000).toUTCString() }),
      (_q, _b, res) => json(res, 401, {}),
      (_q, _b, res) => json(res, 404, {}),
    ];
    const backend = await collect((q, b, res) => answers.shift()!(q, b, res));
    const s = sink(backend.url);
    const outcomes: Awaited<ReturnType<HttpSink['send']>>[] = [];
    for (let i = 0; i < 7; i++) outcomes.push(await s.send(deliveries(2), CONTEXT, AbortSignal.timeout(10_000)));
    for (const results of outcomes) {
      expect(results).toHaveLength(2);
      for (const r of results) expect(r.outcome).toBe('retry');
    }
    const reason = (i: number): string => (outcomes[i]![0] as { reason: string }).reason;
    expect(reason(0)).toMatch(/not a results list/);
    expect(reason(2)).toMatch(/answered 500/);
    expect(outcomes[3]![0]).toMatchObject({ retryAfterMs: 7000 });
    expect((outcomes[4]![0] as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(20_000);
    expect(reason(5)).toMatch(/refused the credentials \(401\)/);
    expect(reason(6)).toMatch(/404 \(check the url\)/);
    await s.close();
  });

  it('splits a batch the backend refuses as a whole (413, 400 without per-item results) until each basket has its answer', async () => {
    const badKey = { value: '' };
    const backend = await collect((_req, body, res) => {
      const batch = JSON.parse(body) as ReceiptBatch;
      if (batch.receipts.length > 2) return json(res, 413, { error: 'too large' });
      if (batch.receipts.some((r) => r.idempotencyKey === badKey.value)) return json(res, 400, { error: 'basket 3 is invalid' });
      return answering('stored')(_req, body, res);
    });
    const s = sink(backend.url);
    const batch = deliveries(5);
    badKey.value = batch[2]!.idempotencyKey;
    const results = await s.send(batch, CONTEXT, AbortSignal.timeout(10_000));
    expect(results.map((r) => r.outcome)).toEqual(['delivered', 'delivered', 'rejected', 'delivered', 'delivered']);
    expect((results[2] as { reason: string }).reason).toMatch(/basket 3 is invalid/);
    await s.close();
  });

  it('retries when the backend never answers (response timeout), resets the connection, or is not there', async () => {
    const silent = await collect(() => undefined);
    const s1 = sink(silent.url, { timeouts: { connectMs: 1000, responseMs: 300 } });
    const [timedOut] = await s1.send(deliveries(1), CONTEXT, AbortSignal.timeout(10_000));
    expect(timedOut).toMatchObject({ outcome: 'retry', reason: expect.stringMatching(/not reached: ETIMEDOUT/) });
    await s1.close();

    const resetting = await collect((req) => req.socket.destroy());
    const s2 = sink(resetting.url);
    const [reset] = await s2.send(deliveries(1), CONTEXT, AbortSignal.timeout(10_000));
    expect(reset).toMatchObject({ outcome: 'retry', reason: expect.stringMatching(/not reached: (ECONNRESET|EPIPE)/) });
    await s2.close();

    const gone = resetting.url;
    resetting.server.closeAllConnections();
    await new Promise((resolve) => resetting.server.close(resolve));
    servers.splice(servers.indexOf(resetting.server), 1);
    const s3 = sink(gone);
    const [refused] = await s3.send(deliveries(1), CONTEXT, AbortSignal.timeout(10_000));
    expect(refused).toMatchObject({ outcome: 'retry', reason: expect.stringMatching(/not reached: ECONNREFUSED/) });
    expect(await s3.probe(AbortSignal.timeout(5_000))).toMatchObject({ ok: false });
    await s3.close();
  });

  it('verifies TLS by default: an untrusted certificate is refused, the same one trusted through tls.caFile is used', async () => {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const backend = await collect(answering('stored'), () => createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }), 'https');
    const url = backend.url;
    const strict = sink(url);
    const [refused] = await strict.send(deliveries(1), CONTEXT, AbortSignal.timeout(10_000));
    expect(refused).toMatchObject({ outcome: 'retry', reason: expect.stringMatching(/SELF_SIGNED|self.signed/i) });
    await strict.close();
    const trusting = sink(url, { tls: { caFile: cert } });
    expect(await trusting.send(deliveries(1), CONTEXT, AbortSignal.timeout(10_000))).toEqual([{ outcome: 'delivered' }]);
    expect(await trusting.probe(AbortSignal.timeout(5_000))).toMatchObject({ ok: true });
    await trusting.close();
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('120')).toBe(120_000);
    expect(retryAfterMs(new Date(Date.UTC(2026, 0, 1, 0, 1)).toUTCString(), Date.UTC(2026, 0, 1))).toBe(60_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});
