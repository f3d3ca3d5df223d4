// Item 14 of issue 14: what the daemon holds between capture and store is bounded, and a flood loses nothing it
// does not account for. The real daemon (`posbridge run`, its own process) takes a flood over many TCP connections
// at once, faster than it can decode; the backlog between capture and the journal never passes captureBacklogBytes,
// every byte sent is either stored or counted as shed (and the job it belonged to says so), and at SIGTERM the
// decoder's backlog is stored (raw, in parts) before the daemon exits. Memory figures are in bench/store.ts.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { controlRequest } from '../../agent/control/index.js';
import { Store } from '../../agent/store/index.js';
import { freePort, startDaemon, type DaemonProcess } from '../helpers/daemon.js';

const COFFEE = await readFile('test/fixtures/receipts/coffee-tm-t88-card.bin');
const CONNECTIONS = 16;
const PER_CONNECTION = 1.5 * 1024 * 1024;
const BACKLOG_LIMIT = 8 * 1024 * 1024;

let dir: string;
let daemon: DaemonProcess | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-flood-'));
});

afterEach(async () => {
  await daemon?.stop('SIGKILL');
  daemon = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** One till sending `bytes` at once and half-closing; resolves when posbridge closes the connection. */
function flood(port: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => socket.end(bytes));
    socket.resume();
    socket.once('error', reject);
    socket.once('close', () => resolve());
  });
}

describe('a flood through the daemon', () => {
  it('keeps the capture backlog within captureBacklogBytes and stores or accounts for every byte', async () => {
    const port = await freePort();
    const dataDir = join(dir, 'data');
    daemon = await startDaemon(
      { dataDir, captureBacklogBytes: BACKLOG_LIMIT, links: [{ name: 'front', till: { kind: 'tcp', host: '127.0.0.1', port, maxConnections: CONNECTIONS * 2 }, printer: { kind: 'none' } }] },
      { dir },
    );
    const payload = Buffer.concat(Array.from({ length: Math.floor(PER_CONNECTION / COFFEE.length) }, () => COFFEE));
    const sent = payload.length * CONNECTIONS;

    let polling = true;
    let maxBacklog = 0;
    let shed = 0;
    const poll = (async () => {
      while (polling) {
        const status = (await controlRequest(dataDir, { op: 'status' }, 10_000)) as { capture: { backlogBytes: number; shedBytes: number } };
        maxBacklog = Math.max(maxBacklog, status.capture.backlogBytes);
        shed = Math.max(shed, status.capture.shedBytes);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    await Promise.all(Array.from({ length: CONNECTIONS }, () => flood(port, payload)));
    polling = false;
    await poll;
    expect(maxBacklog).toBeGreaterThan(0);
    expect(maxBacklog).toBeLessThanOrEqual(BACKLOG_LIMIT);

    expect(await daemon.stop('SIGTERM', 120_000)).toEqual({ code: 0, signal: null });
    daemon = undefined;
    const store = Store.open(Store.fileIn(dataDir), { readonly: true });
    try {
      const jobs = [...store.jobsBetween(new Date(0), new Date(Date.now() + 60_000))];
      const stored = jobs.reduce((n, j) => n + j.bytes.length, 0);
      expect(stored + shed).toBe(sent);
      if (shed > 0) expect(jobs.some((j) => j.decodeError?.includes('shed') ?? false)).toBe(true);
      // Each connection's stored bytes are what it sent, in order, less what was shed (a run of whole chunks).
      const byPeer = new Map<string, Buffer[]>();
      for (const job of jobs) byPeer.set(job.peer, [...(byPeer.get(job.peer) ?? []), Buffer.from(job.bytes)]);
      for (const parts of byPeer.values()) {
        const bytes = Buffer.concat(parts);
        if (shed === 0) expect(bytes.equals(payload)).toBe(true);
        else expect(bytes.length).toBeLessThanOrEqual(payload.length);
      }
      if (shed === 0) expect(byPeer.size).toBe(CONNECTIONS);
    } finally {
      store.close();
    }
  }, 120_000);
});
