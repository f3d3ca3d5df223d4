// Every injected fault, over real HTTP: by the request's header, by the queue set with POST /_faults, and standing
// from the command line of a real `posbridge dev-backend` process.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultPlan, parseFault } from '../../agent/dev-backend/faults.js';
import { repositoryRoot } from '../helpers/daemon.js';
import { startDevBackend, type TestDevBackend } from '../helpers/dev-backend.js';
import { batch, post, submission, submissions } from './submissions.js';

let backend: TestDevBackend | undefined;
afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

const one = (jobId: string) => batch([submission('coffee-tm-t88-card', jobId)]);
const fault = (spec: string) => ({ 'x-dev-backend-fault': spec });

/** Polls until `check` holds; a loaded machine gets all the time it needs, up to `timeoutMs`. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What a POST's failure looked like to the client: the socket's error code under fetch's TypeError. */
async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error & { cause?: { code?: string } },
  );
  expect(error, 'the request should have failed').toBeDefined();
  return error!.cause?.code ?? error!.name;
}

/** `posbridge dev-backend ARGS` that is expected to refuse to start: how it exited and what it said. */
function runCommand(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repositoryRoot(), 'bin', 'posbridge.js'), 'dev-backend', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

describe('fault specs', () => {
  it('parse into a delay and at most one action', () => {
    expect(parseFault('500')).toEqual({ delayMs: 0, action: { kind: 'status', status: 500 } });
    expect(parseFault('503')).toEqual({ delayMs: 0, action: { kind: 'status', status: 503, retryAfterS: 1 } });
    expect(parseFault('429:7')).toEqual({ delayMs: 0, action: { kind: 'status', status: 429, retryAfterS: 7 } });
    expect(parseFault('delay:250')).toEqual({ delayMs: 250, action: null });
    expect(parseFault(' delay:100 + drop-after-store ')).toEqual({ delayMs: 100, action: { kind: 'drop-after-store' } });
    for (const kind of ['drop', 'junk', 'retry'] as const) expect(parseFault(kind)).toEqual({ delayMs: 0, action: { kind } });
    for (const bad of ['', '404', '500:3', 'delay', 'delay:x', 'delay:1:2', '500+503', 'drop:1', 'explode']) {
      expect(() => parseFault(bad), bad).toThrow(/fault/);
    }
  });

  it('standing faults go to the share of requests the rate says, for as many as the count says', () => {
    const rolls = [0.1, 0.0, 0.9, 0.2, 0.7, 0.3, 0.6];
    const plan = new FaultPlan({ delayMs: 5, faults: [parseFault('500'), parseFault('junk')], rate: 0.5, count: 2 }, () => rolls.shift() ?? 0);
    // 0.1 < 0.5: faulted, 0.0 picks the first; 0.9: healthy; 0.2: faulted, 0.7 picks the second; count spent.
    expect(plan.next(undefined)).toEqual({ delayMs: 5, action: { kind: 'status', status: 500 } });
    expect(plan.next(undefined)).toEqual({ delayMs: 5, action: null });
    expect(plan.next(undefined)).toEqual({ delayMs: 5, action: { kind: 'junk' } });
    expect(plan.next(undefined)).toEqual({ delayMs: 5, action: null });
    // A header wins over the queue, the queue over standing faults.
    plan.queue([parseFault('drop')]);
    expect(plan.next(parseFault('retry'))).toEqual({ delayMs: 0, action: { kind: 'retry' } });
    expect(plan.next(undefined)).toEqual({ delayMs: 0, action: { kind: 'drop' } });
    expect(plan.queued).toBe(0);
  });
});

describe('dev-backend faults over HTTP', () => {
  it('5xx: that status, nothing stored; 503 and 429 carry Retry-After', async () => {
    backend = await startDevBackend();
    for (const [spec, status, retryAfter] of [['500', 500, null], ['502', 502, null], ['504', 504, null], ['503', 503, '1'], ['503:30', 503, '30'], ['429:7', 429, '7']] as const) {
      const response = await post(backend.url, one(`job-${spec}`), fault(spec));
      expect(response.status, spec).toBe(status);
      expect(response.headers.get('retry-after'), spec).toBe(retryAfter);
      expect(response.json, spec).toMatchObject({ error: { code: status === 429 || status === 503 ? 'overloaded' : 'failure' } });
    }
    expect(await backend.receipts()).toEqual([]);
  });

  it('drop: the socket is destroyed mid-request and nothing is stored', async () => {
    backend = await startDevBackend();
    expect(await failure(post(backend.url, batch(submissions(3, 'dropped')), fault('drop')))).toMatch(/ECONNRESET|UND_ERR_SOCKET|EPIPE/);
    expect(await backend.receipts()).toEqual([]);
    // The backend itself is fine: the next request is answered.
    expect((await post(backend.url, one('after-drop'))).status).toBe(200);
  });

  it('drop-after-store: stored, then the socket is destroyed; the re-send is acknowledged as a duplicate', async () => {
    backend = await startDevBackend();
    const body = batch(submissions(2, 'lost-answer'));
    expect(await failure(post(backend.url, body, fault('drop-after-store')))).toMatch(/ECONNRESET|UND_ERR_SOCKET|EPIPE/);
    expect((await backend.receipts()).map((r) => r.idempotencyKey)).toEqual(['lost-answer-0:1', 'lost-answer-1:1']);
    const resent = await post(backend.url, body);
    expect(resent.json).toEqual({ results: [{ idempotencyKey: 'lost-answer-0:1', status: 'duplicate' }, { idempotencyKey: 'lost-answer-1:1', status: 'duplicate' }] });
    expect((await backend.receipts()).length).toBe(2);
  });

  it('junk: 200 with a body that is not JSON, nothing stored', async () => {
    backend = await startDevBackend();
    const response = await post(backend.url, one('junk-1'), fault('junk'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/json/);
    expect(response.json).toBeUndefined();
    expect(response.text.length).toBeGreaterThan(0);
    expect(await backend.receipts()).toEqual([]);
  });

  it('retry: 200 with every item `retry`, nothing stored', async () => {
    backend = await startDevBackend();
    const response = await post(backend.url, batch(submissions(2, 'later')), fault('retry'));
    expect(response.json).toEqual({
      results: [
        { idempotencyKey: 'later-0:1', status: 'retry', reason: expect.any(String) },
        { idempotencyKey: 'later-1:1', status: 'retry', reason: expect.any(String) },
      ],
    });
    expect(await backend.receipts()).toEqual([]);
  });

  it('delay: answers late; a client that gives up first still finds the batch stored (a timeout after storing)', async () => {
    backend = await startDevBackend();
    const started = Date.now();
    const late = await post(backend.url, one('slow-1'), fault('delay:300'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(late.json).toEqual({ results: [{ idempotencyKey: 'slow-1:1', status: 'stored' }] });
    const gaveUp = fetch(`${backend.url}/v1/receipts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...fault('delay:4000') },
      body: JSON.stringify(one('slow-2')),
      signal: AbortSignal.timeout(200),
    });
    expect(await failure(gaveUp)).toMatch(/TimeoutError|AbortError/);
    expect((await backend.waitForReceipts(2)).map((r) => r.idempotencyKey)).toEqual(['slow-1:1', 'slow-2:1']);
    // A delay before a 500: late, and still nothing stored.
    const lateFailure = await post(backend.url, one('slow-3'), fault('delay:100+500'));
    expect(lateFailure.status).toBe(500);
    expect((await backend.receipts()).map((r) => r.idempotencyKey)).toEqual(['slow-1:1', 'slow-2:1']);
  });

  it('POST /_faults queues faults for the next receipts requests, one each; reads of the list are not touched', async () => {
    backend = await startDevBackend({ token: 'tok' });
    const auth = { authorization: 'Bearer tok' };
    await backend.queueFaults(['500', '429:2', 'drop-after-store']);
    expect((await fetch(`${backend.url}/_faults`, { headers: auth }).then((r) => r.json()))).toEqual({ queued: 3, delayed: 0 });
    expect((await backend.receipts()).length).toBe(0);
    expect((await post(backend.url, one('q'), auth)).status).toBe(500);
    const overloaded = await post(backend.url, one('q'), auth);
    expect([overloaded.status, overloaded.headers.get('retry-after')]).toEqual([429, '2']);
    expect(await failure(post(backend.url, one('q'), auth))).toMatch(/ECONNRESET|UND_ERR_SOCKET|EPIPE/);
    expect((await post(backend.url, one('q'), auth)).json).toEqual({ results: [{ idempotencyKey: 'q:1', status: 'duplicate' }] });
    // A bad spec is refused whole; the queue needs the token like the API; DELETE empties it.
    const bad = await fetch(`${backend.url}/_faults`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ next: ['500', 'explode'] }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'bad-faults', message: expect.stringMatching(/^next\.1: unknown fault "explode"/) } });
    expect((await fetch(`${backend.url}/_faults`, { method: 'POST', body: JSON.stringify({ next: ['500'] }) })).status).toBe(401);
    await backend.queueFaults(['500', '500']);
    expect(await (await fetch(`${backend.url}/_faults`, { method: 'DELETE', headers: auth })).json()).toEqual({ queued: 0, delayed: 0 });
    expect((await post(backend.url, one('q2'), auth)).status).toBe(200);
    // An unknown header spec is a 400, not a silent healthy answer.
    expect((await post(backend.url, one('q3'), { ...auth, ...fault('501:3') })).status).toBe(400);
  });
});

describe('posbridge dev-backend (the command)', () => {
  it('standing faults from flags: the first --fault-count requests fail, then it stores', async () => {
    backend = await startDevBackend({ child: true, faults: { specs: ['503:4'], count: 2 } });
    for (let i = 0; i < 2; i++) {
      const response = await post(backend.url, one('standing'));
      expect([response.status, response.headers.get('retry-after')]).toEqual([503, '4']);
    }
    expect((await post(backend.url, one('standing'))).json).toEqual({ results: [{ idempotencyKey: 'standing:1', status: 'stored' }] });
  });

  it('--token-file: the token is the file\'s first line, without its newline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'posbridge-dev-backend-token-'));
    try {
      const tokenFile = join(dir, 'token');
      await writeFile(tokenFile, 'from-a-file\n');
      backend = await startDevBackend({ child: true, tokenFile, token: 'from-a-file' });
      expect((await post(backend.url, one('tf'))).status).toBe(401);
      expect((await post(backend.url, one('tf'), { authorization: 'Bearer from-a-fil' })).status).toBe(401);
      expect((await post(backend.url, one('tf'), { authorization: 'Bearer from-a-file' })).status).toBe(200);
      expect((await backend.receipts()).length).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('--fault-rate 0 never faults; --delay slows every answer', async () => {
    backend = await startDevBackend({ child: true, faults: { specs: ['500'], rate: 0, delayMs: 200 } });
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      expect((await post(backend.url, one(`rate-${i}`))).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    }
  });

  it('refuses bad flags with a clear message and exit code 2', async () => {
    const run = (args: string[]) => runCommand(['--port', '0', '--data', join(repositoryRoot(), 'dist', 'never-created'), ...args]);
    expect(await run(['--fault', 'explode'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown fault "explode"/) });
    expect(await run(['--fault-rate', '2'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/rate/) });
    expect(await run(['--port', 'many'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/port/) });
    expect(await run(['--token', 'a', '--token-file', '/nonexistent'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/not both/) });
  });

  it('says plainly when its port is taken or its data folder cannot be written, and exits 1', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    const run = runCommand;
    const dir = await mkdtemp(join(tmpdir(), 'posbridge-dev-backend-cli-'));
    try {
      expect(await run(['--port', String(port), '--data', dir])).toMatchObject({ code: 1, stderr: expect.stringMatching(new RegExp(`127\\.0\\.0\\.1:${port} is in use.*--port`)) });
      await writeFile(join(dir, 'a-file'), 'not a folder');
      expect(await run(['--port', '0', '--data', join(dir, 'a-file', 'sub')])).toMatchObject({ code: 1, stderr: expect.stringMatching(/cannot open .*dev-backend\.db: (ENOTDIR|EEXIST)/) });
    } finally {
      taken.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('SIGTERM closes cleanly: a delayed request in flight is answered, the process exits 0, what it stored is kept', async () => {
    backend = await startDevBackend({ child: true });
    const child = backend.process!;
    const inFlight = post(backend.url, one('draining'), fault('delay:60000'));
    await post(backend.url, one('before-stop'));
    const delayed = async (): Promise<boolean> => ((await fetch(`${backend!.url}/_faults`).then((r) => r.json())) as { delayed: number }).delayed === 1;
    await eventually(delayed, 'the delayed request to reach the backend');
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect((await inFlight).json).toEqual({ results: [{ idempotencyKey: 'draining:1', status: 'stored' }] });
    expect(await exit).toBe(0);
    const reopened = await startDevBackend({ dataDir: backend.dataDir });
    try {
      expect((await reopened.receipts()).map((r) => r.idempotencyKey).sort()).toEqual(['before-stop:1', 'draining:1']);
    } finally {
      await reopened.close();
    }
  });
});
