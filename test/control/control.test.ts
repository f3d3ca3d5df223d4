// The control socket over real Unix sockets: requests and replies, bad requests, a stale socket file left by a
// crashed daemon, a second daemon on the same data folder, and no daemon at all.
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlError, controlPath, controlRequest, startControlServer, type ControlHandlers } from '../../agent/control/index.js';

let dir: string;
const closers: (() => Promise<void>)[] = [];
const injected: { link: string; bytes: Buffer }[] = [];

const handlers: ControlHandlers = {
  status: () => ({ links: [{ name: 'front' }] }),
  inject: async (link, bytes) => {
    if (link === 'broken') throw new Error('no running link named "broken"');
    injected.push({ link, bytes });
    return { printerBytes: bytes.length };
  },
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-control-'));
  injected.length = 0;
});
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
  await rm(dir, { recursive: true, force: true });
});

async function serve(h: ControlHandlers = handlers) {
  const server = await startControlServer(dir, h);
  closers.push(server.close);
  return server;
}

/** One raw line to the socket and the raw reply line. */
function rawRequest(line: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = connect(controlPath(dir));
    let text = '';
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write(line));
    socket.on('data', (t: string) => {
      text += t;
      if (text.includes('\n')) {
        socket.destroy();
        resolve(JSON.parse(text.slice(0, text.indexOf('\n'))));
      }
    });
    socket.once('error', reject);
  });
}

describe('control socket', () => {
  it('answers status and carries injected bytes exactly, on a socket only its owner can use', async () => {
    const server = await serve();
    expect((statSync(server.path).mode & 0o777).toString(8)).toBe('600');
    expect(await controlRequest(dir, { op: 'status' })).toEqual({ links: [{ name: 'front' }] });
    const bytes = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(100_000)]);
    expect(await controlRequest(dir, { op: 'inject', link: 'front', bytes })).toEqual({ printerBytes: bytes.length });
    expect(injected[0]!.bytes.equals(bytes)).toBe(true);
  });

  it('answers bad requests with an error and keeps serving', async () => {
    await serve();
    expect(await rawRequest('this is not json\n')).toEqual({ ok: false, error: 'request is not JSON' });
    expect(await rawRequest('{"op":"reboot"}\n')).toEqual({ ok: false, error: 'unknown op "reboot"' });
    expect(await rawRequest('{"op":"inject","link":"front"}\n')).toMatchObject({ ok: false });
    await expect(controlRequest(dir, { op: 'inject', link: 'broken', bytes: Buffer.from('x') })).rejects.toThrow('posbridge: no running link named "broken"');
    expect(await controlRequest(dir, { op: 'status' })).toBeDefined();
  });

  it('refuses a request longer than 16 MiB', async () => {
    await serve();
    const reply = await rawRequest(`{"op":"inject","link":"front","bytes":"${'A'.repeat(17 * 1024 * 1024)}`);
    expect(reply).toMatchObject({ ok: false, error: expect.stringContaining('longer than') });
  });

  it('replaces a stale socket file, but refuses to start beside a live daemon', async () => {
    await writeFile(controlPath(dir), 'left behind by a crashed daemon');
    await serve();
    expect(await controlRequest(dir, { op: 'status' })).toBeDefined();
    await expect(startControlServer(dir, handlers)).rejects.toThrow(/another posbridge daemon is running/);
  });

  it('says plainly when no daemon is running', async () => {
    const error = await controlRequest(dir, { op: 'status' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ControlError);
    expect((error as Error).message).toBe(`posbridge is not running (no control socket at ${controlPath(dir)})`);
  });
});
