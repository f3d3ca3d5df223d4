// When the backend's own store cannot take a batch (a full disk, here SQLite's page limit on the real file), the
// request is a 503 with Retry-After and nothing of the batch is kept; once there is room, the re-send is stored.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDevBackend, type DevBackend } from '../../agent/dev-backend/server.js';
import { log } from '../../agent/log.js';
import { batch, post, submissions } from './submissions.js';

let backend: DevBackend | undefined;
let dir: string | undefined;
afterEach(async () => {
  await backend?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  backend = undefined;
  dir = undefined;
});

describe('dev-backend with a full disk', () => {
  it('answers 503 with Retry-After, keeps nothing of the batch, and stores the re-send once there is room', async () => {
    dir = await mkdtemp(join(tmpdir(), 'posbridge-dev-backend-full-'));
    backend = await startDevBackend({ port: 0, dataDir: dir }, log);
    const first = submissions(1, 'room');
    expect((await post(backend.url, batch(first))).status).toBe(200);
    const pages = backend.store.pragma('page_count') as [{ page_count: number }];
    backend.store.pragma(`max_page_count = ${pages[0].page_count}`);
    // Raw jobs big enough that the batch cannot fit in the pages left.
    const heavy = submissions(4, 'full').map((s) => ({ ...s, rawJob: { encoding: 'base64' as const, data: Buffer.alloc(64 * 1024, 7).toString('base64') } }));
    const refused = await post(backend.url, batch(heavy));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.json).toMatchObject({ error: { code: 'store-failure', message: expect.stringMatching(/full/i) } });
    const held = await fetch(`${backend.url}/v1/receipts`).then((r) => r.json() as Promise<{ receipts: { idempotencyKey: string }[] }>);
    expect(held.receipts.map((r) => r.idempotencyKey)).toEqual(['room-0:1']);
    backend.store.pragma('max_page_count = 1073741823');
    const resent = await post(backend.url, batch(heavy));
    expect(resent.json).toEqual({ results: heavy.map((s) => ({ idempotencyKey: s.idempotencyKey, status: 'stored' })) });
  });
});
