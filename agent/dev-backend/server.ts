// The reference receipts backend's HTTP server (node:http): the contract of docs/backend-api.md, the list and the
// web page, and the injected faults. Each request is routed to one handler; nothing here knows SQL.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';
import { RECEIPTS_PATH, type ErrorResponse, type ReceiptBatchResponse } from '../model/index.js';
import { devBackendOptionsSchema, type DevBackendOptions, type DevBackendSettings } from './config.js';
import { FaultPlan, FaultSpecError, faultQueueRequestSchema, parseFault, type Fault } from './faults.js';
import { receiptsPage } from './page.js';
import { ReceiptStore } from './store.js';
import { BatchTooLargeError, NotABatchError, readEnvelope, retryAll, submitBatch } from './submit.js';

export const FAULT_HEADER = 'x-dev-backend-fault';
export const HEALTH_PATH = '/v1/health';
export const FAULTS_PATH = '/_faults';
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;
const PAGE_SIZE_ON_WEB = 50;
/** Retry-After when the backend's own store fails (full disk, locked file). */
const STORE_RETRY_AFTER_S = 5;
const CLOSE_GRACE_MS = 5_000;
const JUNK_BODY = '<html><body><h1>502 Bad Gateway</h1>upstream said: {"results": [</body></html>';

export interface DevBackend {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  readonly store: ReceiptStore;
  readonly faults: FaultPlan;
  /** Stops listening, lets requests in flight finish (delayed ones answer at once), closes the store. */
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, error: HttpError): void {
  const body: ErrorResponse = { error: { code: error.code, message: error.message } };
  sendJson(res, error.status, body, error.headers);
}

/** The body, or a 413 as soon as it grows past `max` (read no further than that). */
function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const tooLarge = (): HttpError =>
    new HttpError(413, 'batch-too-large', `the body is over ${max} bytes; send fewer receipts per batch`, { connection: 'close' });
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > max) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) {
        req.off('data', onData);
        req.resume(); // the rest is discarded, so the client still reads the 413
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function wholeNumberParam(url: URL, name: string, fallback: number, max: number): number {
  const text = url.searchParams.get(name);
  if (text === null) return fallback;
  if (!/^\d+$/.test(text) || Number(text) > max) throw new HttpError(400, 'bad-query', `${name} must be a whole number up to ${max}`);
  return Number(text);
}

export async function startDevBackend(options: DevBackendOptions, logger: Logger): Promise<DevBackend> {
  const settings: DevBackendSettings = devBackendOptionsSchema.parse(options);
  const store = ReceiptStore.open(settings.dataDir);
  const plan = new FaultPlan({ delayMs: settings.faults.delayMs, faults: settings.faults.specs, rate: settings.faults.rate, count: settings.faults.count });
  const shutdown = new AbortController();
  let inFlight = 0;
  /** Requests waiting out an injected delay right now (GET /_faults shows it, so a test knows one has arrived). */
  let delayed = 0;
  let idle: (() => void) | undefined;

  const authorize = (req: IncomingMessage): void => {
    if (settings.token === undefined) return;
    const header = req.headers.authorization ?? '';
    const match = /^Bearer (\S+)$/i.exec(header);
    if (match === null || !sameToken(match[1]!, settings.token)) {
      throw new HttpError(401, 'unauthorized', header === '' ? 'an Authorization: Bearer token is required' : 'the bearer token is not the one this backend expects', {
        'www-authenticate': 'Bearer realm="posbridge-dev-backend"',
      });
    }
  };

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (ms === 0 || shutdown.signal.aborted) return resolve();
      delayed += 1;
      const timer = setTimeout(done, ms);
      function done(): void {
        delayed -= 1;
        clearTimeout(timer);
        shutdown.signal.removeEventListener('abort', done);
        resolve();
      }
      shutdown.signal.addEventListener('abort', done);
    });

  const postReceipts = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    authorize(req);
    const headerSpec = req.headers[FAULT_HEADER];
    let headerFault: Fault | undefined;
    try {
      headerFault = typeof headerSpec === 'string' ? parseFault(headerSpec) : undefined;
    } catch (error) {
      throw new HttpError(400, 'bad-fault', (error as FaultSpecError).message);
    }
    const fault = plan.next(headerFault);
    const action = fault.action;
    if (action !== null) logger.info({ fault: action.kind, status: action.kind === 'status' ? action.status : undefined, delayMs: fault.delayMs }, 'injecting a fault');
    else if (fault.delayMs > 0) logger.info({ delayMs: fault.delayMs }, 'injecting a delay');
    if (action?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    const body = await readBody(req, settings.maxBodyBytes);
    await wait(fault.delayMs);
    if (action?.kind === 'status') {
      const overload = action.status === 429 || action.status === 503;
      throw new HttpError(
        action.status,
        overload ? 'overloaded' : 'failure',
        overload ? 'injected overload: try again after Retry-After' : `injected failure ${action.status}`,
        action.retryAfterS === undefined ? {} : { 'retry-after': String(action.retryAfterS) },
      );
    }
    if (action?.kind === 'junk') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JUNK_BODY);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw new HttpError(400, 'not-a-batch', 'the body is not JSON');
    }
    let envelope;
    try {
      envelope = readEnvelope(json, settings.maxBatch);
    } catch (error) {
      if (error instanceof BatchTooLargeError) throw new HttpError(413, 'batch-too-large', error.message);
      if (error instanceof NotABatchError) throw new HttpError(400, 'not-a-batch', error.message);
      throw error;
    }
    if (action?.kind === 'retry') {
      sendJson(res, 200, { results: retryAll(envelope, 'injected: try this receipt later') } satisfies ReceiptBatchResponse);
      return;
    }
    let results;
    try {
      results = submitBatch(store, envelope);
    } catch (error) {
      logger.error({ reason: (error as Error).message }, 'cannot store a batch');
      throw new HttpError(503, 'store-failure', `the backend cannot store right now: ${(error as Error).message}`, { 'retry-after': String(STORE_RETRY_AFTER_S) });
    }
    const tally = (status: string): number => results.filter((r) => r.status === status).length;
    logger.info({ agent: envelope.agent.id, receipts: results.length, stored: tally('stored'), duplicate: tally('duplicate'), rejected: tally('rejected') }, 'batch received');
    if (action?.kind === 'drop-after-store') {
      req.socket.destroy();
      return;
    }
    sendJson(res, 200, { results } satisfies ReceiptBatchResponse);
  };

  const listReceipts = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    authorize(req);
    const after = wholeNumberParam(url, 'after', 0, Number.MAX_SAFE_INTEGER);
    const limit = wholeNumberParam(url, 'limit', DEFAULT_PAGE, MAX_PAGE);
    const receipts = store.page(after, limit);
    const last = receipts.at(-1)?.seq;
    // `next` is where the following page starts, present only when this page came back full.
    sendJson(res, 200, { receipts, next: receipts.length === limit && last !== undefined ? last : null, total: store.stats().count });
  };

  const faultsEndpoint = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    authorize(req);
    if (req.method === 'POST') {
      let parsed;
      try {
        parsed = faultQueueRequestSchema.safeParse(JSON.parse((await readBody(req, 1024 * 1024)).toString('utf8')));
      } catch {
        throw new HttpError(400, 'bad-faults', 'the body is not JSON; expected {"next": ["500", "429:2", "drop-after-store"]}');
      }
      if (!parsed.success) throw new HttpError(400, 'bad-faults', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      plan.queue(parsed.data.next);
      logger.info({ queued: plan.queued }, 'faults queued');
    } else if (req.method === 'DELETE') {
      plan.queue([]);
    }
    sendJson(res, 200, { queued: plan.queued, delayed });
  };

  const page = (res: ServerResponse, url: URL): void => {
    const before = wholeNumberParam(url, 'before', Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    const receipts = store.latest(before, PAGE_SIZE_ON_WEB);
    const html = receiptsPage(receipts, { ...store.stats(), drift: store.driftReports(), olderThan: receipts.length === PAGE_SIZE_ON_WEB ? receipts.at(-1)!.seq : null });
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
    res.end(html);
  };

  const routes: Record<string, Partial<Record<string, (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>>>> = {
    '/': { GET: (_req, res, url) => page(res, url) },
    [RECEIPTS_PATH]: { POST: postReceipts, GET: listReceipts },
    [HEALTH_PATH]: {
      GET: (req, res) => {
        authorize(req);
        sendJson(res, 200, { ok: true, receipts: store.stats().count });
      },
    },
    [FAULTS_PATH]: { GET: faultsEndpoint, POST: faultsEndpoint, DELETE: faultsEndpoint },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://dev-backend');
    const route = routes[url.pathname];
    const handler = route?.[req.method ?? 'GET'];
    try {
      if (route === undefined) throw new HttpError(404, 'not-found', `no ${url.pathname} here (the API is ${RECEIPTS_PATH})`);
      if (handler === undefined) throw new HttpError(405, 'method-not-allowed', `${req.method} is not allowed on ${url.pathname}`, { allow: Object.keys(route).join(', ') });
      await handler(req, res, url);
    } catch (error) {
      if (!(error instanceof HttpError)) {
        logger.error({ err: error }, 'request failed');
        error = new HttpError(500, 'internal', `the dev-backend failed: ${(error as Error).message}`);
      }
      if (!res.headersSent && !req.socket.destroyed) sendError(res, error as HttpError);
      else res.destroy();
    }
  };

  const server: Server = createServer({ keepAlive: true }, (req, res) => {
    inFlight += 1;
    void handle(req, res).finally(() => {
      inFlight -= 1;
      if (inFlight === 0) idle?.();
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(settings.port, settings.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    store.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`${settings.host}:${settings.port} is in use (another dev-backend?); choose another with --port`);
    if (code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new Error(`cannot listen on ${settings.host}:${settings.port} (${code})`);
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      shutdown.abort();
      if (inFlight > 0) {
        const grace = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
        await Promise.race([new Promise<void>((resolve) => (idle = resolve)), grace]);
      }
      server.closeAllConnections();
      await closed;
      store.close();
    })());

  return { url: `http://${host}:${port}`, port, store, faults: plan, close };
}
