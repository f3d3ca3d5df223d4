// The admin endpoint: a plain node:http server on loopback (127.0.0.1:8790 unless `admin.listen` says otherwise)
// serving /healthz, /metrics, the status page and receipt previews. It runs in the daemon's main thread, so every
// request is small: the last receipts from SQLite (read-only, WAL readers never wait on the writer), and a
// receipt preview decoded only for jobs below a size limit.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LayoutDrift } from '../daemon/drift-monitor.js';
import type { DecoderOptions } from '../decode/index.js';
import type { Logger } from '../log.js';
import type { AgentEvents } from '../model/events.js';
import type { AgentStatusView } from '../model/status.js';
import { Store, StoreError, type StoredBasket } from '../store/index.js';
import { checkHealth, type SinkProbe } from './health.js';
import { AgentMetrics } from './metrics.js';
import { receiptPage, statusPage } from './page.js';

/** Jobs larger than this are not decoded for a preview on the daemon's main thread. */
const MAX_PREVIEW_BYTES = 2 * 1024 * 1024;
const LAST_RECEIPTS = 20;

export interface AdminSources {
  readonly events: AgentEvents;
  readonly dataDir: string;
  readonly maxBacklogAgeSeconds: number;
  status(): AgentStatusView;
  drift(): LayoutDrift[];
  printerSetup(link: string): DecoderOptions | undefined;
  probeSinks?: (() => Promise<SinkProbe[]>) | undefined;
}

export class AdminServer {
  readonly #server: Server;
  readonly #sources: AdminSources;
  readonly #metrics: AgentMetrics;
  readonly #log: Logger;
  #store: Store | undefined;

  private constructor(sources: AdminSources, logger: Logger) {
    this.#sources = sources;
    this.#log = logger;
    this.#metrics = new AgentMetrics(sources);
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        this.#log.error({ err: error, url: req.url }, 'admin request failed');
        if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `internal error: ${(error as Error).message}\n`);
        else res.destroy();
      });
    });
  }

  static async start(host: string, port: number, sources: AdminSources, logger: Logger): Promise<AdminServer> {
    const admin = new AdminServer(sources, logger);
    await new Promise<void>((resolve, reject) => {
      admin.#server.once('error', reject);
      admin.#server.listen(port, host, () => {
        admin.#server.off('error', reject);
        resolve();
      });
    });
    return admin;
  }

  get url(): string {
    const address = this.#server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  async close(): Promise<void> {
    this.#metrics.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#store?.close();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'only GET\n');
    const url = new URL(req.url ?? '/', 'http://admin');
    if (url.pathname === '/healthz') {
      const report = await checkHealth(this.#sources);
      return send(res, report.ok ? 200 : 503, 'application/json', `${JSON.stringify(report)}\n`);
    }
    if (url.pathname === '/metrics') return send(res, 200, this.#metrics.contentType, await this.#metrics.text());
    if (url.pathname === '/status.json') return send(res, 200, 'application/json', `${JSON.stringify({ ...this.#sources.status(), drift: this.#sources.drift() })}\n`);
    if (url.pathname === '/') {
      const health = await checkHealth(this.#sources);
      const { receipts, problem } = this.#lastReceipts();
      const html = statusPage({ status: this.#sources.status(), health, receipts, drift: this.#sources.drift(), ...(problem !== undefined && { receiptsProblem: problem }) });
      return send(res, 200, 'text/html; charset=utf-8', html);
    }
    const receipt = /^\/receipts\/([^/]+)$/.exec(url.pathname);
    if (receipt !== null) {
      let id: string;
      try {
        id = decodeURIComponent(receipt[1]!);
      } catch {
        return send(res, 400, 'text/plain; charset=utf-8', `not a receipt id: ${receipt[1]!}\n`);
      }
      return await this.#receipt(id, res);
    }
    return send(res, 404, 'text/plain; charset=utf-8', 'not found; try / (status), /healthz or /metrics\n');
  }

  async #receipt(id: string, res: ServerResponse): Promise<void> {
    const store = this.#openStore();
    const stored = store?.basket(id);
    if (store === undefined || stored === undefined) return send(res, 404, 'text/plain; charset=utf-8', `no receipt ${id}\n`);
    // The decoder is loaded by the first preview asked for, not by the daemon's start: the passthrough thread's
    // memory stays what printing needs.
    const { decode } = await import('../decode/index.js');
    send(res, 200, 'text/html; charset=utf-8', this.#preview(store, stored, decode));
  }

  #preview(store: Store, stored: StoredBasket, decode: typeof import('../decode/index.js').decode): string {
    const job = store.job(stored.jobId);
    if (job === undefined) return receiptPage(stored, undefined, `the raw job ${stored.jobId} is not in the store`);
    if (job.bytes.byteLength > MAX_PREVIEW_BYTES) {
      return receiptPage(stored, undefined, `the job is ${job.bytes.byteLength} bytes; preview it with: posbridge parse --format html`);
    }
    // A basket id is its job's id, with ".N" for the Nth further receipt cut from the same job.
    const index = stored.basket.id === job.id ? 0 : Number(stored.basket.id.slice(job.id.length + 1));
    const document = decode(job.bytes, this.#sources.printerSetup(stored.link))[index];
    return receiptPage(stored, document, document === undefined ? 'the job decodes to fewer documents than it had receipts' : undefined);
  }

  #lastReceipts(): { receipts: StoredBasket[]; problem?: string } {
    const store = this.#openStore();
    if (store === undefined) return { receipts: [], problem: 'No receipts yet (the database is created with the first job).' };
    try {
      return { receipts: store.latestBaskets(LAST_RECEIPTS) };
    } catch (error) {
      return { receipts: [], problem: (error as Error).message };
    }
  }

  #openStore(): Store | undefined {
    if (this.#store !== undefined) return this.#store;
    try {
      this.#store = Store.open(Store.fileIn(this.#sources.dataDir), { readonly: true });
    } catch (error) {
      // Not there yet is normal before the first job; anything else is worth a line in the log.
      if (!(error instanceof StoreError && (error.code === 'POSBRIDGE_NOT_READY' || error.code === 'SQLITE_CANTOPEN'))) {
        this.#log.warn({ reason: (error as Error).message }, 'admin: cannot read the store');
      }
    }
    return this.#store;
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}
