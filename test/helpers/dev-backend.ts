// Starts the reference receipts backend (agent/dev-backend/) on a free port for a test, in this process (the
// default: quick, and its store is at hand) or as a child `posbridge dev-backend` (the real command, killable):
//   const backend = await startDevBackend({ token: 't0ken', faults: { specs: ['500'], count: 2 } });
//   ... point an agent at backend.url ...
//   expect((await backend.receipts()).map((r) => r.idempotencyKey)).toEqual([...]);
//   await backend.close();
// To take a backend down and bring it back with what it held: close({ keepData: true }), then start again with
// { port: old.port, dataDir: old.dataDir }.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DevBackendOptions } from '../../agent/dev-backend/config.js';
import { FAULTS_PATH, startDevBackend as startInProcess } from '../../agent/dev-backend/server.js';
import type { HeldReceipt } from '../../agent/dev-backend/store.js';
import { log } from '../../agent/log.js';
import { RECEIPTS_PATH } from '../../agent/model/index.js';
import { repositoryRoot } from './daemon.js';

export type { HeldReceipt };

export interface DevBackendStart {
  token?: string;
  /** With `child: true`: pass the token as `--token-file FILE` (give `token` too, for the helper's own requests). */
  tokenFile?: string;
  /** Standing faults, as `--fault`/`--delay`/`--fault-rate`/`--fault-count` give them. */
  faults?: { specs?: string[]; delayMs?: number; rate?: number; count?: number };
  /** Default: a new temporary folder, removed by close(). */
  dataDir?: string;
  /** Default 0: any free port. */
  port?: number;
  maxBatch?: number;
  maxBodyBytes?: number;
  /** Run `node bin/posbridge.js dev-backend` (the build in dist/) instead of in this process. */
  child?: boolean;
}

export interface TestDevBackend {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** The child process, when started with `child: true`. */
  readonly process?: ChildProcess;
  /** Everything the backend holds, oldest first, read through `GET /v1/receipts` page by page. */
  receipts(): Promise<HeldReceipt[]>;
  /** Polls receipts() until it holds at least `count` (a loaded machine gets all of `timeoutMs`); resolves with them. */
  waitForReceipts(count: number, timeoutMs?: number): Promise<HeldReceipt[]>;
  /** Faults for the next receipts requests, one each (`POST /_faults`), e.g. ['500', '429:1', 'drop-after-store']. */
  queueFaults(next: string[]): Promise<void>;
  close(options?: { keepData?: boolean }): Promise<void>;
}

const LIST_PAGE = 1000;
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 20_000;
const WAIT_TIMEOUT_MS = 30_000;
const POLL_MS = 50;

function cliArgs(start: DevBackendStart, dataDir: string): string[] {
  const f = start.faults ?? {};
  return [
    'dev-backend',
    ...['--port', String(start.port ?? 0), '--data', dataDir],
    ...(start.tokenFile !== undefined ? ['--token-file', start.tokenFile] : start.token === undefined ? [] : ['--token', start.token]),
    ...(start.maxBatch === undefined ? [] : ['--max-batch', String(start.maxBatch)]),
    ...(start.maxBodyBytes === undefined ? [] : ['--max-body-bytes', String(start.maxBodyBytes)]),
    ...(f.specs ?? []).flatMap((spec) => ['--fault', spec]),
    ...(f.delayMs === undefined ? [] : ['--delay', String(f.delayMs)]),
    ...(f.rate === undefined ? [] : ['--fault-rate', String(f.rate)]),
    ...(f.count === undefined ? [] : ['--fault-count', String(f.count)]),
  ];
}

/** Spawns the real command and resolves once it prints its URL. */
async function startChild(start: DevBackendStart, dataDir: string): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [join(repositoryRoot(), 'bin', 'posbridge.js'), ...cliArgs(start, dataDir)], {
    env: { ...process.env, POSBRIDGE_LOG_LEVEL: process.env.POSBRIDGE_LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dev-backend printed no URL in ${START_TIMEOUT_MS} ms; stderr: ${stderr}`)), START_TIMEOUT_MS);
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`dev-backend exited (${code ?? signal}) before listening; stderr: ${stderr}`));
    });
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  return { url, child, stop };
}

export async function startDevBackend(start: DevBackendStart = {}): Promise<TestDevBackend> {
  const ownDir = start.dataDir === undefined;
  const dataDir = start.dataDir ?? (await mkdtemp(join(tmpdir(), 'posbridge-dev-backend-')));
  let url: string;
  let stop: () => Promise<void>;
  let child: ChildProcess | undefined;
  if (start.child === true) {
    ({ url, child, stop } = await startChild(start, dataDir));
  } else {
    const options: DevBackendOptions = {
      port: start.port ?? 0,
      dataDir,
      ...(start.token !== undefined && { token: start.token }),
      ...(start.maxBatch !== undefined && { maxBatch: start.maxBatch }),
      ...(start.maxBodyBytes !== undefined && { maxBodyBytes: start.maxBodyBytes }),
      faults: { ...start.faults },
    };
    const backend = await startInProcess(options, log.child({ component: 'dev-backend' }));
    ({ url } = backend);
    stop = () => backend.close();
  }
  const headers: Record<string, string> = start.token === undefined ? {} : { authorization: `Bearer ${start.token}` };
  const port = Number(new URL(url).port);

  const receipts = async (): Promise<HeldReceipt[]> => {
    const all: HeldReceipt[] = [];
    for (let after: number | null = 0; after !== null; ) {
      const response = await fetch(`${url}${RECEIPTS_PATH}?after=${after}&limit=${LIST_PAGE}`, { headers });
      if (!response.ok) throw new Error(`GET ${RECEIPTS_PATH}: ${response.status} ${await response.text()}`);
      const page = (await response.json()) as { receipts: HeldReceipt[]; next: number | null };
      all.push(...page.receipts);
      after = page.next;
    }
    return all;
  };

  return {
    url,
    port,
    dataDir,
    ...(child !== undefined && { process: child }),
    receipts,
    async waitForReceipts(count, timeoutMs = WAIT_TIMEOUT_MS) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const held = await receipts();
        if (held.length >= count) return held;
        if (Date.now() > deadline) throw new Error(`the dev-backend holds ${held.length} receipts, not ${count}, after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
    async queueFaults(next) {
      const response = await fetch(`${url}${FAULTS_PATH}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ next }),
      });
      if (!response.ok) throw new Error(`POST ${FAULTS_PATH}: ${response.status} ${await response.text()}`);
    },
    async close(options = {}) {
      await stop();
      if (ownDir && options.keepData !== true) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
