// The daemon's control socket: how `posbridge status` and `test-print` talk to a running daemon. A Unix domain
// socket in the data folder (a named pipe on Windows), mode 0600, carrying JSON Lines: one request object per
// line, one response per line, `{ok: true, ...}` or `{ok: false, error}`.
import { createHash } from 'node:crypto';
import { chmod, unlink } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { log } from '../log.js';

export interface ControlHandlers {
  status(): unknown;
  /** Plays bytes into a link as if its till had sent them. */
  inject(link: string, bytes: Buffer): Promise<unknown>;
}

export type ControlRequest = { op: 'status' } | { op: 'inject'; link: string; bytes: Buffer };

/** A request line may carry a whole print job (base64); anything longer is refused. */
const MAX_LINE = 16 * 1024 * 1024;

export class ControlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ControlError';
  }
}

export function controlPath(dataDir: string): string {
  if (process.platform === 'win32') {
    return `\\\\.\\pipe\\posbridge-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`;
  }
  return join(dataDir, 'posbridge.sock');
}

async function answer(handlers: ControlHandlers, line: string): Promise<unknown> {
  let request: { op?: unknown; link?: unknown; bytes?: unknown };
  try {
    request = JSON.parse(line) as typeof request;
  } catch {
    return { ok: false, error: 'request is not JSON' };
  }
  try {
    if (request.op === 'status') return { ok: true, status: await handlers.status() };
    if (request.op === 'inject') {
      if (typeof request.link !== 'string' || typeof request.bytes !== 'string') {
        return { ok: false, error: 'inject needs "link" and base64 "bytes"' };
      }
      return { ok: true, result: await handlers.inject(request.link, Buffer.from(request.bytes, 'base64')) };
    }
    return { ok: false, error: `unknown op ${JSON.stringify(request.op)}` };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

function serve(socket: Socket, handlers: ControlHandlers): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('error', () => undefined);
  let work = Promise.resolve();
  socket.on('data', (text: string) => {
    buffered += text;
    if (buffered.length > MAX_LINE && !buffered.includes('\n')) {
      socket.end(`${JSON.stringify({ ok: false, error: `request longer than ${MAX_LINE} bytes` })}\n`);
      buffered = '';
      return;
    }
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      work = work.then(async () => {
        const reply = await answer(handlers, line);
        if (!socket.destroyed) socket.write(`${JSON.stringify(reply)}\n`);
      });
    }
  });
}

/** Is a daemon answering on this socket? (A file left by a crashed daemon refuses the connection.) */
function answering(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startControlServer(dataDir: string, handlers: ControlHandlers): Promise<{ path: string; close(): Promise<void> }> {
  const path = controlPath(dataDir);
  if (process.platform !== 'win32') {
    if (await answering(path)) throw new ControlError(`another posbridge daemon is running on ${dataDir} (control socket ${path})`);
    await unlink(path).catch(() => undefined);
  }
  const server: Server = createServer((socket) => serve(socket, handlers));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (process.platform !== 'win32') await chmod(path, 0o600);
  server.on('error', (error) => log.error({ err: error }, 'control socket error'));
  return {
    path,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The daemon already running on this data folder, if one answers on its control socket (a socket file left by
 * a crashed daemon does not answer). Asked before binding anything, so a second `posbridge run` can say who runs.
 */
export async function runningDaemon(dataDir: string, timeoutMs = 3_000): Promise<{ pid: number } | undefined> {
  if (process.platform !== 'win32' && !(await answering(controlPath(dataDir)))) return undefined;
  try {
    const status = (await controlRequest(dataDir, { op: 'status' }, timeoutMs)) as { pid?: unknown };
    return typeof status.pid === 'number' ? { pid: status.pid } : undefined;
  } catch {
    return undefined;
  }
}

/** Sends one request to the running daemon and returns its answer; ControlError in plain words otherwise. */
export function controlRequest(dataDir: string, request: ControlRequest, timeoutMs = 30_000): Promise<unknown> {
  const path = controlPath(dataDir);
  const wire = request.op === 'inject' ? { ...request, bytes: request.bytes.toString('base64') } : request;
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ControlError(`posbridge did not answer within ${timeoutMs} ms (control socket ${path})`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write(`${JSON.stringify(wire)}\n`));
    socket.on('data', (chunk: string) => {
      text += chunk;
      const newline = text.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      socket.destroy();
      const reply = JSON.parse(text.slice(0, newline)) as { ok: boolean; error?: string; status?: unknown; result?: unknown };
      if (reply.ok) resolve(reply.status ?? reply.result);
      else reject(new ControlError(`posbridge: ${reply.error ?? 'request failed'}`));
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const down = error.code === 'ENOENT' || error.code === 'ECONNREFUSED';
      reject(new ControlError(down ? `posbridge is not running (no control socket at ${path})` : `cannot reach posbridge at ${path}: ${error.message}`));
    });
  });
}
