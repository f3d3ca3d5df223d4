// The reference backend answers the contract of docs/backend-api.md over real HTTP, storing in a real SQLite file.
import { request } from 'node:http';
import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { devBackendOptionsSchema } from '../../agent/dev-backend/config.js';
import { startDevBackend, type TestDevBackend } from '../helpers/dev-backend.js';
import { batch, post, submission, submissions } from './submissions.js';

let backend: TestDevBackend | undefined;
afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

describe('dev-backend contract', () => {
  it('stores a batch once per idempotency key: the same key again is a duplicate, never a second row', async () => {
    backend = await startDevBackend();
    const [a, b] = submissions(2, 'job');
    const first = await post(backend.url, batch([a, b]));
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ results: [{ idempotencyKey: 'job-0:1', status: 'stored' }, { idempotencyKey: 'job-1:1', status: 'stored' }] });
    // The agent re-sends after a lost answer; within one batch too, the repeat is a duplicate.
    const again = await post(backend.url, batch([b, a, a]));
    expect(again.json).toEqual({
      results: [
        { idempotencyKey: 'job-1:1', status: 'duplicate' },
        { idempotencyKey: 'job-0:1', status: 'duplicate' },
        { idempotencyKey: 'job-0:1', status: 'duplicate' },
      ],
    });
    const held = await backend.receipts();
    expect(held.map((r) => r.idempotencyKey)).toEqual(['job-0:1', 'job-1:1']);
    expect(held[0]).toMatchObject({ seq: 1, basketId: 'job-0', revision: 1, tillId: 'till-1', agent: { id: 'agent-test', storeId: 'store-7' } });
    expect(held[0]!.basket).toEqual(a!.basket);
    expect(held[0]!.rawJob).toEqual(a!.rawJob);
    expect(held[1]!.rawJob).toBeUndefined();
  });

  it('stores each key once when the same batch arrives on several connections at once', async () => {
    backend = await startDevBackend();
    const body = batch(submissions(5, 'race'));
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(backend!.url, body)));
    const statuses = answers.map((a) => (a.json as { results: { status: string }[] }).results.map((r) => r.status));
    // Exactly one request stored each receipt; every other one was told it is a duplicate.
    for (let i = 0; i < 5; i++) {
      expect(statuses.map((s) => s[i]).sort()).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'stored']);
    }
    expect((await backend.receipts()).map((r) => r.idempotencyKey)).toEqual(body.receipts.map((r) => r.idempotencyKey));
  });

  it('keeps the latest drift report per agent, link and layout', async () => {
    const first = await startDevBackend();
    backend = first;
    await post(first.url, { ...batch(submissions(1, 'drift')), drift: [{ link: 'front', layout: 'generic', reconciledShare: 0.7, since: '2026-11-23T09:00:00Z' }] });
    await post(first.url, { ...batch(submissions(1, 'drift')), drift: [{ link: 'front', layout: 'generic', reconciledShare: 0.4, since: '2026-11-23T09:00:00Z' }, { link: 'back', layout: 'deli@2', reconciledShare: 0.5, since: '2026-11-23T10:00:00Z' }] });
    const page = await (await fetch(`${first.url}/`)).text();
    const rows = [...page.matchAll(/<tr><td>agent-test<\/td><td>([^<]+)<\/td><td>([^<]+)<\/td><td class="amount">(\d+)%/g)].map((m) => m.slice(1).join(' '));
    expect(rows.sort()).toEqual(['back deli@2 50', 'front generic 40']);
  });

  it('stores a new revision of the same basket beside the old one', async () => {
    backend = await startDevBackend();
    const r1 = submission('coffee-tm-t88-card', 'job-7');
    const r2 = submission('coffee-tm-t88-card', 'job-7', { revision: 2 });
    expect((await post(backend.url, batch([r1]))).json).toEqual({ results: [{ idempotencyKey: 'job-7:1', status: 'stored' }] });
    expect((await post(backend.url, batch([r2]))).json).toEqual({ results: [{ idempotencyKey: 'job-7:2', status: 'stored' }] });
    expect((await backend.receipts()).map((r) => r.idempotencyKey)).toEqual(['job-7:1', 'job-7:2']);
  });

  it('refuses a reused key that carries a different basket, and keeps the first', async () => {
    backend = await startDevBackend();
    const original = submission('coffee-tm-t88-card', 'job-1');
    await post(backend.url, batch([original]));
    const changed = { ...original, basket: { ...original.basket, total: 1 } };
    const { json } = await post(backend.url, batch([changed]));
    expect(json).toEqual({ results: [{ idempotencyKey: 'job-1:1', status: 'rejected', reason: expect.stringMatching(/different basket.*new revision/) }] });
    // Key order is not a difference: the same basket with its keys reversed is a duplicate.
    const reordered = { ...original, basket: Object.fromEntries(Object.entries(original.basket).reverse()) };
    expect((await post(backend.url, batch([reordered]))).json).toEqual({ results: [{ idempotencyKey: 'job-1:1', status: 'duplicate' }] });
    expect((await backend.receipts()).map((r) => r.basket.total)).toEqual([original.basket.total]);
  });

  it('rejects an invalid basket with its reason and stores the rest of the batch', async () => {
    backend = await startDevBackend();
    const [good1, bad, good2, alsoBad, keyless] = submissions(5, 'mixed');
    const badBasket = { ...bad!, basket: { ...bad!.basket, total: 9.35 } };
    const pan = { ...alsoBad!, basket: { ...alsoBad!.basket, tenders: [{ type: 'card', amount: 100, scheme: null, maskedPan: '4111111111111111', authCode: null, entryMode: null }] } };
    const { idempotencyKey: _dropped, ...noKey } = keyless!;
    const wrongKey = { ...submission('coffee-pos80-card', 'mixed-9'), idempotencyKey: 'mixed-9:2' };
    const { status, json } = await post(backend.url, batch([good1, badBasket, good2, pan, noKey, wrongKey]));
    expect(status).toBe(200);
    const results = (json as { results: { idempotencyKey: string; status: string; reason?: string }[] }).results;
    expect(results.map((r) => [r.idempotencyKey, r.status])).toEqual([
      ['mixed-0:1', 'stored'],
      ['mixed-1:1', 'rejected'],
      ['mixed-2:1', 'stored'],
      ['mixed-3:1', 'rejected'],
      ['', 'rejected'],
      ['mixed-9:2', 'rejected'],
    ]);
    expect(results[1]!.reason).toMatch(/basket\.schema\.json: total: .*int/);
    expect(results[3]!.reason).toMatch(/tenders\.0\.maskedPan/);
    expect(results[4]!.reason).toMatch(/idempotencyKey/);
    expect(results[5]!.reason).toMatch(/<basketId>:<revision>/);
    expect((await backend.receipts()).map((r) => r.idempotencyKey)).toEqual(['mixed-0:1', 'mixed-2:1']);
  });

  it('answers 400 to a body that is not a batch at all, and stores nothing', async () => {
    backend = await startDevBackend();
    for (const body of ['not json', '[]', '{"receipts": []}', JSON.stringify({ agent: { id: 'a' }, receipts: [submission('coffee-pos80-card', 'x')] }), JSON.stringify({ ...batch([submission('coffee-pos80-card', 'x')]), extra: 1 })]) {
      const response = await post(backend.url, body);
      expect(response.status, body.slice(0, 40)).toBe(400);
      expect(response.json).toEqual({ error: { code: 'not-a-batch', message: expect.any(String) } });
    }
    expect(await backend.receipts()).toEqual([]);
  });

  it('asks for a bearer token when it has one: 401 without it or with a wrong one', async () => {
    backend = await startDevBackend({ token: 's3cret-token' });
    const body = batch([submission('coffee-pos80-card', 'auth-1')]);
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong-token' }, { authorization: 'Basic czNjcmV0' }, { authorization: 'Bearer s3cret-token2' }]) {
      const response = await post(backend.url, body, headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(response.json).toMatchObject({ error: { code: 'unauthorized' } });
    }
    expect((await fetch(`${backend.url}/v1/receipts`)).status).toBe(401);
    const ok = await post(backend.url, body, { authorization: 'Bearer s3cret-token' });
    expect(ok.json).toEqual({ results: [{ idempotencyKey: 'auth-1:1', status: 'stored' }] });
    expect((await backend.receipts()).length).toBe(1);
  });

  it('answers 413 to a batch over the size or count limit, so the agent splits it', async () => {
    backend = await startDevBackend({ maxBatch: 3, maxBodyBytes: 20_000 });
    const four = await post(backend.url, batch(submissions(4, 'big').map((s) => ({ ...s, rawJob: undefined }))));
    expect(four.status).toBe(413);
    expect(four.json).toMatchObject({ error: { code: 'batch-too-large', message: expect.stringMatching(/at most 3/) } });
    const heavy = submissions(3, 'heavy').map((s) => ({ ...s, rawJob: { encoding: 'base64' as const, data: Buffer.alloc(9_000).toString('base64') } }));
    const bytes = await post(backend.url, batch(heavy));
    expect(bytes.status).toBe(413);
    // Split in two, the same receipts go through.
    expect((await post(backend.url, batch(heavy.slice(0, 1)))).status).toBe(200);
    expect((await post(backend.url, batch(submissions(3, 'big').map((s) => ({ ...s, rawJob: undefined }))))).status).toBe(200);
    expect((await backend.receipts()).length).toBe(4);
  });

  it('answers 413 to a chunked body as soon as it grows past the limit', async () => {
    backend = await startDevBackend({ maxBodyBytes: 4096 });
    const url = new URL(`${backend.url}/v1/receipts`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      // Never ends by itself: the answer must come while the client is still sending.
      const chunk = Buffer.alloc(1024, 0x20);
      const pump = (): void => {
        if (!req.destroyed && req.write(chunk)) setImmediate(pump);
      };
      req.on('drain', pump);
      pump();
    });
    expect(status).toBe(413);
  });

  it('lists what it holds with paging: after=N&limit=N, next while there is more', async () => {
    backend = await startDevBackend();
    const all = submissions(7, 'page');
    await post(backend.url, batch(all.slice(0, 4)));
    await post(backend.url, batch(all.slice(4)));
    const seen: string[] = [];
    const pages: number[] = [];
    for (let after: number | null = 0; after !== null; ) {
      const response = await fetch(`${backend.url}/v1/receipts?after=${after}&limit=3`);
      const page = (await response.json()) as { receipts: { seq: number; idempotencyKey: string }[]; next: number | null; total: number };
      expect(page.total).toBe(7);
      pages.push(page.receipts.length);
      seen.push(...page.receipts.map((r) => r.idempotencyKey));
      if (page.next !== null) expect(page.next).toBe(page.receipts.at(-1)!.seq);
      after = page.next;
    }
    expect(pages).toEqual([3, 3, 1]);
    expect(seen).toEqual(all.map((s) => s.idempotencyKey));
    const tail = (await (await fetch(`${backend.url}/v1/receipts?after=5`)).json()) as { receipts: { seq: number }[] };
    expect(tail.receipts.map((r) => r.seq)).toEqual([6, 7]);
    for (const query of ['limit=abc', 'after=-1', 'limit=5000']) {
      expect((await fetch(`${backend.url}/v1/receipts?${query}`)).status, query).toBe(400);
    }
  });

  it('keeps what it stored across a restart on the same data folder', async () => {
    const first = await startDevBackend();
    await post(first.url, batch(submissions(2, 'kept')));
    await first.close({ keepData: true });
    backend = await startDevBackend({ dataDir: first.dataDir, port: first.port });
    expect(backend.url).toBe(first.url);
    expect((await post(backend.url, batch(submissions(3, 'kept')))).json).toMatchObject({ results: [{ status: 'duplicate' }, { status: 'duplicate' }, { status: 'stored' }] });
    expect((await backend.receipts()).map((r) => r.idempotencyKey)).toEqual(['kept-0:1', 'kept-1:1', 'kept-2:1']);
    // The folder was the first backend's; the second one, given it, leaves it in place.
    await backend.close();
    backend = undefined;
    await rm(first.dataDir, { recursive: true, force: true });
  });

  it('defaults to 127.0.0.1:8787, no token, its data in ~/.posbridge-dev-backend, batches of up to 1,000', () => {
    expect(devBackendOptionsSchema.parse({})).toEqual({
      host: '127.0.0.1',
      port: 8787,
      dataDir: join(homedir(), '.posbridge-dev-backend'),
      maxBodyBytes: 16 * 1024 * 1024,
      maxBatch: 1000,
      faults: { delayMs: 0, specs: [], rate: 1, count: Number.MAX_SAFE_INTEGER },
    });
  });

  it('answers 404 and 405 with a JSON error', async () => {
    backend = await startDevBackend();
    const missing = await fetch(`${backend.url}/v2/receipts`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not-found' } });
    const wrong = await fetch(`${backend.url}/v1/receipts`, { method: 'PUT', body: '{}' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST, GET');
  });
});
