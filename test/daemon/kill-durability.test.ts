// Item 6 of issue 14: a receipt whose connection the till saw close is never lost, even to kill -9. The real daemon
// runs as a child process under sustained load from many tills at once and is killed with SIGKILL, again and again,
// on the same data folder; every receipt completed before a kill (its socket closed before the kill was sent) must
// be in the store afterwards, once: stored before the kill, or replayed from the capture journal at the next start.
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { controlRequest } from '../../agent/control/index.js';
import { Store } from '../../agent/store/index.js';
import { freePort, startDaemon, type DaemonProcess } from '../helpers/daemon.js';

const COFFEE = await readFile('test/fixtures/receipts/coffee-tm-t88-card.bin');
const ROUNDS = 6;
const TILLS = 12;

let dir: string;
let daemon: DaemonProcess | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-kill-'));
});

afterEach(async () => {
  await daemon?.stop('SIGKILL');
  daemon = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** One receipt, told apart from every other by its first line. */
function receipt(name: string): Buffer {
  return Buffer.concat([Buffer.from(`\x1b@JOB ${name}.\n`, 'latin1'), COFFEE]);
}

/** Sends one job the way a network till does and resolves true if the connection then closed cleanly. */
function printOne(port: number, bytes: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    let failed = false;
    socket.on('error', () => {
      failed = true;
    });
    socket.on('data', () => undefined);
    socket.once('connect', () => socket.end(bytes));
    socket.once('close', () => resolve(!failed));
  });
}

interface Load {
  /** Receipts whose close the till saw before the kill was sent. */
  readonly completed: Set<string>;
  stop(killedAt: number): Promise<void>;
}

function sustainedLoad(port: number, round: number): Load {
  const completed = new Set<string>();
  const closedAt = new Map<string, number>();
  let running = true;
  const tills = Array.from({ length: TILLS }, async (_, till) => {
    for (let n = 0; running; n++) {
      const name = `${round}-${till}-${n}`;
      if (await printOne(port, receipt(name))) closedAt.set(name, performance.now());
      else await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });
  return {
    completed,
    async stop(killedAt) {
      running = false;
      await Promise.all(tills);
      for (const [name, at] of closedAt) if (at < killedAt) completed.add(name);
    },
  };
}

function storedJobNames(dataDir: string): string[] {
  const store = Store.open(Store.fileIn(dataDir), { readonly: true });
  try {
    return [...store.jobsBetween(new Date(0), new Date(Date.now() + 3_600_000))].flatMap((job) => {
      const match = /JOB ([\d-]+)\./.exec(Buffer.from(job.bytes).toString('latin1'));
      return match === null ? [] : [match[1]!];
    });
  } finally {
    store.close();
  }
}

describe('kill -9 under sustained load', () => {
  it('loses no receipt whose connection the till saw close', async () => {
    const port = await freePort();
    const data = join(dir, 'data');
    const config = { dataDir: data, links: [{ name: 'front', till: { kind: 'tcp', host: '127.0.0.1', port, maxConnections: 64 }, printer: { kind: 'none' } }] };
    const completed = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      daemon = await startDaemon(config, { dir });
      const load = sustainedLoad(port, round);
      // Long enough for a backlog to build, different each round so kills land at every stage of a job.
      await new Promise((resolve) => setTimeout(resolve, 1_500 + ((round * 389) % 1_500)));
      const killedAt = performance.now();
      expect(await daemon.stop('SIGKILL')).toMatchObject({ signal: 'SIGKILL' });
      daemon = undefined;
      await load.stop(killedAt);
      for (const name of load.completed) completed.add(name);
    }
    // The last start replays what the last kill left in the journal; SIGTERM then stores everything.
    daemon = await startDaemon(config, { dir });
    // An answer on the control socket: the daemon is past start-up, its SIGTERM handler in place.
    await controlRequest(data, { op: 'status' }, 20_000);
    expect(await daemon.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    daemon = undefined;

    const stored = storedJobNames(data);
    const missing = [...completed].filter((name) => !stored.includes(name));
    const duplicated = stored.filter((name, i) => stored.indexOf(name) !== i);
    expect(completed.size).toBeGreaterThan(ROUNDS * TILLS);
    expect({ completed: completed.size, missing, duplicated }).toEqual({ completed: completed.size, missing: [], duplicated: [] });
  }, 180_000);
});
