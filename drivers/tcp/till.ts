// Till side of raw TCP printing: posbridge listens where the till expects its network printer. Every accepted
// connection is one session and its end is a job boundary, the way a JetDirect-style printer treats it.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { log } from '../../agent/log.js';
import { TransportError, errorText } from '../shared/errors.js';
import type { TillSession, TillSide } from '../types.js';
import type { TcpConfig } from './config.js';

export class TcpTillSide implements TillSide {
  readonly kind = 'tcp';
  readonly #config: TcpConfig;
  readonly #sockets = new Set<Socket>();
  readonly #log;
  #server: Server | undefined;

  constructor(config: TcpConfig) {
    this.#config = config;
    this.#log = log.child({ driver: 'tcp', side: 'till' });
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
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.#accept(socket, onSession));
    server.maxConnections = maxConnections;
    server.on('drop', (dropped) => {
      this.#log.warn(
        { peer: `${dropped?.remoteAddress}:${dropped?.remotePort}`, maxConnections },
        'connection refused: too many connections',
      );
    });
    this.#server = server;
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
      throw new TransportError(`tcp till side: cannot listen on ${host}:${port}`, error);
    }
    server.on('error', (error) => this.#log.error({ err: error }, 'listener error'));
    this.#log.info(this.address(), 'listening for the till');
  }

  #accept(socket: Socket, onSession: (session: TillSession) => void): void {
    const { keepAliveMs, idleTimeoutMs } = this.#config;
    const peer = `tcp ${socket.remoteAddress}:${socket.remotePort}`;
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    if (keepAliveMs > 0) socket.setKeepAlive(true, keepAliveMs);
    if (idleTimeoutMs > 0) {
      socket.setTimeout(idleTimeoutMs, () => {
        this.#log.info({ peer, idleTimeoutMs }, 'closing idle till connection');
        socket.destroy();
      });
    }
    // A till that vanishes mid-job is normal in a shop; it must never take the daemon down with it.
    socket.on('error', (error) => this.#log.info({ peer, reason: errorText(error) }, 'till connection error'));
    onSession({ stream: socket, peer, endIsJobBoundary: true });
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
    this.#log.info('stopped listening');
  }
}
