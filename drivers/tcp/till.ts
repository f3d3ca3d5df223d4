// Till side of raw TCP printing: posbridge listens where the till expects its network printer. Every accepted
// connection is one session and its end is a job boundary, the way a JetDirect-style printer treats it.
//
// Connections are never dropped silently: the kernel accepts every connection before we see it, so a till that
// writes its job and closes at once would believe it printed. When all maxConnections are in use the connection
// silent longest is closed to make room (tills that hold a connection open between receipts reconnect), and
// when none is silent the new one is reset, so the till sees an error, and each is logged.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Logger } from '../../agent/model/index.js';
import { RateLimitedLog } from '../shared/rate-limited-log.js';
import { TransportError, errorText } from '../shared/errors.js';
import type { TillSession, TillSide } from '../types.js';
import type { TcpConfig } from './config.js';

/**
 * When each open connection was last seen sending (a till mid-job keeps sending; one holding a spare connection
 * does not), sampled from bytesRead: a 'data' listener of our own would switch the stream to flowing before the
 * session attaches.
 */
interface Activity {
  bytesRead: number;
  lastAt: number;
}

export class TcpTillSide implements TillSide {
  readonly kind = 'tcp';
  readonly #config: TcpConfig;
  readonly #sockets = new Map<Socket, Activity>();
  readonly #log;
  /** Lines written per connection, limited so a flood of tills is not a flood of lines. */
  readonly #connectionLog: RateLimitedLog;
  #server: Server | undefined;
  #sampler: NodeJS.Timeout | undefined;

  constructor(config: TcpConfig, logger: Logger) {
    this.#config = config;
    this.#log = logger;
    this.#connectionLog = new RateLimitedLog(this.#log);
  }

  /** The address actually listened on (the real port when configured with port 0). */
  address(): { host: string; port: number } {
    const address = this.#server?.address();
    if (address === null || address === undefined || typeof address === 'string') {
      throw new Error('tcp till side is not listening');
    }
    return { host: (address as AddressInfo).address, port: (address as AddressInfo).port };
  }

  /** Connections currently open. */
  get connectionCount(): number {
    return this.#sockets.size;
  }

  async start(onSession: (session: TillSession) => void): Promise<void> {
    if (this.#server) throw new Error('tcp till side already started');
    const { host, port, maxConnections } = this.#config;
    // allowHalfOpen: a till may shutdown(WR) after its job and still read the printer's status replies.
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
      if (this.#sockets.size >= maxConnections && !this.#evictIdle()) this.#refuse(socket);
      else this.#accept(socket, onSession);
    });
    this.#server = server;
    const sampleEveryMs = Math.max(50, Math.floor(this.#config.evictIdleAfterMs / 2));
    this.#sampler = setInterval(() => this.#sampleActivity(), sampleEveryMs).unref();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      this.#server = undefined;
      clearInterval(this.#sampler);
      throw new TransportError(`tcp till side: cannot listen on ${host}:${port}`, error);
    }
    server.on('error', (error) => this.#log.error({ err: error }, 'listener error'));
    this.#log.info(this.address(), 'listening for the till');
  }

  #accept(socket: Socket, onSession: (session: TillSession) => void): void {
    const { keepAliveMs, idleTimeoutMs } = this.#config;
    const peer = peerOf(socket);
    this.#sockets.set(socket, { bytesRead: 0, lastAt: Date.now() });
    socket.once('close', () => this.#sockets.delete(socket));
    if (keepAliveMs > 0) socket.setKeepAlive(true, keepAliveMs);
    if (idleTimeoutMs > 0) {
      socket.setTimeout(idleTimeoutMs);
      socket.on('timeout', () => {
        // Paused means the link stopped reading it to wait for the printer (paper out): the till is not idle.
        if (socket.isPaused()) {
          socket.setTimeout(idleTimeoutMs);
          return;
        }
        this.#connectionLog.info({ peer, idleTimeoutMs }, 'closing idle till connection');
        socket.destroy();
      });
    }
    // A till that vanishes mid-job is normal in a shop; it must never take the daemon down with it.
    socket.on('error', (error) => this.#connectionLog.info({ peer, reason: errorText(error) }, 'till connection error'));
    onSession({ stream: socket, peer, endIsJobBoundary: true });
  }

  /** Closes the connection silent longest, if one has been silent for evictIdleAfterMs; false if none has. */
  #sampleActivity(): void {
    const now = Date.now();
    for (const [socket, activity] of this.#sockets) {
      if (socket.bytesRead === activity.bytesRead) continue;
      activity.bytesRead = socket.bytesRead;
      activity.lastAt = now;
    }
  }

  #evictIdle(): boolean {
    const { evictIdleAfterMs, maxConnections } = this.#config;
    this.#sampleActivity();
    const now = Date.now();
    let oldest: [Socket, Activity] | undefined;
    for (const entry of this.#sockets) {
      const [socket, activity] = entry;
      if (socket.isPaused() || now - activity.lastAt < evictIdleAfterMs) continue;
      if (oldest === undefined || activity.lastAt < oldest[1].lastAt) oldest = entry;
    }
    if (oldest === undefined) return false;
    const [socket, activity] = oldest;
    this.#connectionLog.warn(
      { peer: peerOf(socket), idleMs: now - activity.lastAt, maxConnections },
      'all till connections in use: closing the one idle longest to serve a new till',
    );
    this.#sockets.delete(socket);
    socket.destroy();
    return true;
  }

  /** A connection beyond maxConnections with none idle: reset, so the till sees an error instead of a printed job. */
  #refuse(socket: Socket): void {
    this.#connectionLog.warn({ peer: peerOf(socket), maxConnections: this.#config.maxConnections }, 'connection refused (reset): all till connections busy');
    socket.on('error', () => undefined);
    socket.resetAndDestroy();
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    clearInterval(this.#sampler);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.#sockets.keys()) socket.destroy();
    await closed;
    this.#log.info('stopped listening');
  }
}

function peerOf(socket: Socket): string {
  return `tcp ${socket.remoteAddress}:${socket.remotePort}`;
}
