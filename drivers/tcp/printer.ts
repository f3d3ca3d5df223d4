// Printer side of raw TCP printing: one fresh connection to the network printer per open().
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../agent/model/index.js';
import { RateLimitedLog } from '../shared/rate-limited-log.js';
import { TransportError, errorText } from '../shared/errors.js';
import type { PrinterSide } from '../types.js';
import type { TcpConfig } from './config.js';

export class TcpPrinterSide implements PrinterSide {
  readonly kind = 'tcp';
  readonly #config: TcpConfig;
  readonly #sockets = new Set<Socket>();
  /** Lines written per printer connection, limited so a flood of jobs is not a flood of lines. */
  readonly #log: RateLimitedLog;
  readonly #endpoint: string;

  constructor(config: TcpConfig, logger: Logger) {
    this.#config = config;
    this.#endpoint = `${config.host}:${config.port}`;
    this.#log = new RateLimitedLog(logger.child({ printer: this.#endpoint }));
  }

  open(): Promise<Duplex> {
    const { host, port, keepAliveMs, connectTimeoutMs } = this.#config;
    const what = `tcp printer ${this.#endpoint}: cannot connect`;
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, noDelay: true, keepAlive: keepAliveMs > 0, keepAliveInitialDelay: keepAliveMs });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TransportError(what, Object.assign(new Error(`no answer within ${connectTimeoutMs} ms`), { code: 'ETIMEDOUT' })));
      }, connectTimeoutMs);
      const onError = (error: Error): void => {
        clearTimeout(timer);
        reject(new TransportError(what, error));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        this.#sockets.add(socket);
        socket.once('close', () => this.#sockets.delete(socket));
        socket.on('error', (error) => this.#log.info({ reason: errorText(error) }, 'printer connection error'));
        resolve(socket);
      });
    });
  }

  /** Drops connections still open (a shutdown while a job is in flight). */
  async close(): Promise<void> {
    const closing = [...this.#sockets].map(
      (socket) => new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.destroy();
      }),
    );
    await Promise.all(closing);
  }
}
