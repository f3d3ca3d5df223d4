import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { tcpConfigSchema, TcpPrinterSide, TcpTillSide } from '../../drivers/tcp/index.js';
import { TransportError } from '../../drivers/shared/errors.js';
import type { TillSession } from '../../drivers/types.js';
import { byteReader, readAll, readUntilClose, waitUntil } from '../helpers/streams.js';
import { log } from '../../agent/log.js';

const testLog = log.child({ test: 'drivers' });

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function startTill(options: Record<string, unknown> = {}): Promise<{ till: TcpTillSide; sessions: TillSession[]; port: number }> {
  const till = new TcpTillSide(tcpConfigSchema.parse({ kind: 'tcp', port: 0, ...options }), testLog);
  const sessions: TillSession[] = [];
  await till.start((session) => sessions.push(session));
  cleanups.push(() => till.stop());
  return { till, sessions, port: till.address().port };
}

function connectClient(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => resolve(socket));
    socket.once('error', reject);
    cleanups.push(async () => {
      socket.destroy();
    });
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('tcp till side', () => {
  it('turns many short connections into one session each, bytes intact and in order', async () => {
    const { sessions, till } = await startTill({ maxConnections: 64 });
    const payloads = Array.from({ length: 40 }, (_, i) => Buffer.concat([Buffer.from(`job ${i}\n`), randomBytes(1 + i * 97)]));
    const received = new Map<string, Promise<Buffer>>();

    await Promise.all(
      payloads.map(async (payload) => {
        const client = await connectClient(till.address().port);
        client.end(payload);
      }),
    );
    await waitUntil(() => sessions.length === payloads.length, 'every connection became a session');
    for (const session of sessions) {
      expect(session.endIsJobBoundary).toBe(true);
      expect(session.peer).toMatch(/^tcp 127\.0\.0\.1:\d+$/);
      // The link normally ends the till stream after the printer's reply; here there is none.
      session.stream.end();
      received.set(session.peer, readAll(session.stream));
    }
    const bodies = await Promise.all(received.values());
    expect(bodies.map((b) => b.toString('hex')).sort()).toEqual(payloads.map((p) => p.toString('hex')).sort());
    await waitUntil(() => till.connectionCount === 0, 'all connections closed');
  });

  it('keeps one session for a connection held open across several jobs, with replies', async () => {
    const { sessions, port } = await startTill();
    const client = await connectClient(port);
    const fromServer = byteReader(client);
    await waitUntil(() => sessions.length === 1, 'session opened');
    const session = sessions[0]!;
    const fromClient = byteReader(session.stream);

    for (let job = 0; job < 3; job++) {
      const body = Buffer.from(`\x1b@job ${job}\x1dV\x00`, 'latin1');
      client.write(body);
      expect(await fromClient(body.length)).toEqual(body);
      session.stream.write(Buffer.from([0x14, job]));
      expect(await fromServer(2)).toEqual(Buffer.from([0x14, job]));
    }
    expect(sessions).toHaveLength(1);
    client.end();
    await once(session.stream, 'end');
    session.stream.end();
    await once(client, 'close');
  });

  it('delivers what arrived and keeps serving when a client disconnects mid-write', async () => {
    const { sessions, port, till } = await startTill();
    const client = await connectClient(port);
    await waitUntil(() => sessions.length === 1, 'session opened');
    const partial = readUntilClose(sessions[0]!.stream);
    const head = Buffer.from('\x1b@half a recei', 'latin1');
    client.write(head);
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.resetAndDestroy(); // RST, as when a till crashes or its cable is pulled
    const { data, error } = await partial;
    expect(data).toEqual(head);
    expect(error).toMatchObject({ code: 'ECONNRESET' });
    await waitUntil(() => till.connectionCount === 0, 'reset connection released');

    const next = await connectClient(port);
    next.end('next job');
    await waitUntil(() => sessions.length === 2, 'next connection accepted');
    sessions[1]!.stream.end();
    expect((await readAll(sessions[1]!.stream)).toString()).toBe('next job');
  });

  it('answers a till that half-closed its side (shutdown WR) before reading status', async () => {
    const { sessions, port } = await startTill();
    const client = await connectClient(port);
    const reply = readAll(client);
    client.end(Buffer.from('\x10\x04\x01', 'latin1')); // DLE EOT 1: real-time status request, then FIN
    await waitUntil(() => sessions.length === 1, 'session opened');
    const session = sessions[0]!;
    expect(await readAll(session.stream)).toEqual(Buffer.from([0x10, 0x04, 0x01]));
    // The till's FIN has arrived, yet the reply still reaches it.
    session.stream.end(Buffer.from([0x16]));
    expect(await reply).toEqual(Buffer.from([0x16]));
  });

  it('resets a connection beyond maxConnections when none is idle, and accepts again once one closes', async () => {
    const { sessions, port, till } = await startTill({ maxConnections: 2, evictIdleAfterMs: 60_000 });
    const first = await connectClient(port);
    await connectClient(port);
    await waitUntil(() => till.connectionCount === 2, 'two connections held');

    // A reset, not a quiet close: a till that wrote its job must not believe it printed. (The reset may come
    // before the client has seen its connect complete.)
    const refused = await connectClient(port).then(
      (third) => readUntilClose(third).then(({ error }) => error),
      (error: Error) => error,
    );
    expect((refused as NodeJS.ErrnoException | undefined)?.code).toBe('ECONNRESET');
    expect(sessions).toHaveLength(2);

    first.end();
    await once(sessions[0]!.stream.resume(), 'end');
    sessions[0]!.stream.end(); // what the link does once the till has finished
    await waitUntil(() => till.connectionCount === 1, 'first connection released');
    const fourth = await connectClient(port);
    fourth.end('ok');
    await waitUntil(() => sessions.length === 3, 'fourth connection accepted');
  });

  it('with every connection held by idle tills (the defaults), a new till is served: the one idle longest is closed', async () => {
    const { sessions, port, till } = await startTill();
    const idle: Socket[] = [];
    for (let i = 0; i < 8; i++) idle.push(await connectClient(port));
    await waitUntil(() => sessions.length === 8, 'eight idle connections held');
    for (const session of sessions) session.stream.resume();
    // One of them still talks now and then; the others have been silent for longer than evictIdleAfterMs.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    idle[0]!.write('x');
    await waitUntil(() => (sessions[0]!.stream as Socket).bytesRead === 1, 'the chatty till sent a byte');
    const oldestSilent = readAll(idle[1]!);
    const job = await connectClient(port);
    const received = new Promise<Buffer>((resolve) => {
      const check = (): void => {
        const session = sessions[8];
        if (session === undefined) setTimeout(check, 5);
        else resolve(readAll(session.stream));
      };
      check();
    });
    job.end('RECEIPT');
    expect((await received).toString()).toBe('RECEIPT');
    await oldestSilent;
    expect(idle[0]!.readableEnded).toBe(false);
  });

  it('closes a connection silent for idleTimeoutMs, but not while the link has paused it to wait for the printer', async () => {
    const { sessions, port } = await startTill({ idleTimeoutMs: 100 });
    const waiting = await connectClient(port);
    await waitUntil(() => sessions.length === 1, 'first session opened');
    sessions[0]!.stream.pause();
    const silent = await connectClient(port);
    await waitUntil(() => sessions.length === 2, 'second session opened');
    sessions[1]!.stream.resume();
    let waitingEnded = false;
    const waitingEnd = readAll(waiting).then(() => (waitingEnded = true));
    await readAll(silent);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(waitingEnded).toBe(false);
    sessions[0]!.stream.resume();
    await waitingEnd;
  });

  it('stop() closes open connections and resolves', async () => {
    const { till, port, sessions } = await startTill();
    const client = await connectClient(port);
    await waitUntil(() => sessions.length === 1, 'session opened');
    const closed = once(client, 'end');
    await till.stop();
    await closed;
    expect(till.connectionCount).toBe(0);
  });

  it('reports a port already in use clearly', async () => {
    const { port } = await startTill();
    const second = new TcpTillSide(tcpConfigSchema.parse({ kind: 'tcp', port }), testLog);
    const attempt = second.start(() => undefined);
    await expect(attempt).rejects.toThrow(TransportError);
    await expect(attempt).rejects.toThrow(`tcp till side: cannot listen on 127.0.0.1:${port}: address already in use (EADDRINUSE)`);
  });
});

describe('tcp printer side', () => {
  async function startPrinter(): Promise<{ server: Server; port: number; connections: Socket[] }> {
    const connections: Socket[] = [];
    const server = createServer((socket) => connections.push(socket));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(async () => {
      for (const socket of connections) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return { server, port: address.port, connections };
  }

  it('opens a fresh connection per open(), bytes both ways', async () => {
    const { port, connections } = await startPrinter();
    const printer = new TcpPrinterSide(tcpConfigSchema.parse({ kind: 'tcp', port }), testLog);
    cleanups.push(() => printer.close());

    for (let job = 0; job < 3; job++) {
      const stream = await printer.open();
      const replies = byteReader(stream);
      await waitUntil(() => connections.length === job + 1, `printer saw connection ${job + 1}`);
      const printerEnd = connections[job]!;
      const printed = byteReader(printerEnd);
      stream.write(Buffer.from(`job ${job}`));
      expect((await printed(5)).toString()).toBe(`job ${job}`);
      printerEnd.write(Buffer.from([0x12]));
      expect(await replies(1)).toEqual(Buffer.from([0x12]));
      stream.end();
      await once(printerEnd, 'end');
    }
  });

  it('rejects with a clear error when the printer refuses the connection', async () => {
    const port = await freePort();
    const printer = new TcpPrinterSide(tcpConfigSchema.parse({ kind: 'tcp', port }), testLog);
    const attempt = printer.open();
    await expect(attempt).rejects.toMatchObject({
      name: 'TransportError',
      code: 'ECONNREFUSED',
      message: `tcp printer 127.0.0.1:${port}: cannot connect: connection refused (ECONNREFUSED)`,
    });
    await printer.close();
  });

  it('close() drops connections still open', async () => {
    const { port, connections } = await startPrinter();
    const printer = new TcpPrinterSide(tcpConfigSchema.parse({ kind: 'tcp', port }), testLog);
    const stream = await printer.open();
    await waitUntil(() => connections.length === 1, 'printer saw the connection');
    const printerSaw = once(connections[0]!, 'close');
    await printer.close();
    expect(stream.destroyed).toBe(true);
    await printerSaw;
  });
});
