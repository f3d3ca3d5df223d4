// A dev-backend data folder written before raw jobs carried their printer setup (schema 1) opens as schema 2:
// what it held is still there, and new receipts keep the setup they were sent with.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ReceiptStore } from '../../agent/dev-backend/store.js';
import { submissions } from './submissions.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const SCHEMA_1 = `
  CREATE TABLE receipts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, received_at TEXT NOT NULL, agent_id TEXT NOT NULL, agent_version TEXT NOT NULL,
    store_id TEXT, idempotency_key TEXT NOT NULL UNIQUE, basket_id TEXT NOT NULL, revision INTEGER NOT NULL,
    till_id TEXT NOT NULL, link TEXT NOT NULL, job_id TEXT NOT NULL, captured_at TEXT NOT NULL,
    basket_json TEXT NOT NULL, basket_sha256 TEXT NOT NULL, raw_job BLOB);
  CREATE TABLE drift_reports (
    agent_id TEXT NOT NULL, link TEXT NOT NULL, layout TEXT NOT NULL, reconciled_share REAL NOT NULL,
    since TEXT NOT NULL, last_reported_at TEXT NOT NULL, PRIMARY KEY (agent_id, link, layout));
  INSERT INTO receipts VALUES (1, '2026-11-30T10:00:00.000Z', 'old-agent', '0.1.0', NULL, 'old:1', 'old', 1, 'T1', 'front',
    'old', '2026-11-30T09:59:59.000Z', '{"id":"old"}', 'x', X'1b40');
  PRAGMA user_version = 1;`;

describe('dev-backend store migration', () => {
  it('opens a schema 1 folder: old receipts kept, new raw jobs keep their printer setup', async () => {
    dir = await mkdtemp(join(tmpdir(), 'posbridge-dev-backend-v1-'));
    const old = new Database(ReceiptStore.fileIn(dir));
    old.exec(SCHEMA_1);
    old.close();

    const store = ReceiptStore.open(dir);
    try {
      expect(store.pragma('user_version')).toEqual([{ user_version: 2 }]);
      const [sent] = submissions(1, 'new');
      const withSetup = { ...sent!, rawJob: { encoding: 'base64' as const, data: 'G0A=', printerSetup: { model: 'star-tsp650ii', paperWidth: 576 } } };
      expect(store.save({ agentId: 'a', agentVersion: '0.2.0', storeId: null }, [withSetup])).toEqual([{ status: 'stored' }]);
      const held = store.page(0, 10);
      expect(held.map((r) => r.idempotencyKey)).toEqual(['old:1', withSetup.idempotencyKey]);
      expect(held[0]!.rawJob).toEqual({ encoding: 'base64', data: 'G0A=' });
      expect(held[1]!.rawJob).toEqual(withSetup.rawJob);
    } finally {
      store.close();
    }
  });
});
