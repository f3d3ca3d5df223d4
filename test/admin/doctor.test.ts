// `posbridge doctor` (the compiled CLI) on a till set up right, with the real daemon running against a
// simulated network printer, and on one set up wrong: each problem named with its fix, and a non-zero exit.
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort, repositoryRoot, startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { startDevBackend } from '../helpers/dev-backend.js';
import { answerStatus, startSimPrinter, type SimPrinter } from '../helpers/sim-printer.js';
import { closePtyEnd, createPtyPair, openPtyEnd, requireSocat } from '../helpers/socat.js';
import { readUntilClose, waitUntil } from '../helpers/streams.js';

interface Finding {
  check: string;
  level: 'ok' | 'warn' | 'fail';
  detail: string;
  fix?: string;
}

const COFFEE = await readFile('test/fixtures/receipts/coffee-tm-t88-card.bin');

function doctor(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repositoryRoot(), 'bin', 'posbridge.js'), 'doctor', ...args], {
      env: { ...process.env, POSBRIDGE_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.once('close', (code) => resolve({ code, stdout }));
  });
}

describe('posbridge doctor', () => {
  let dir: string;
  let daemon: DaemonProcess | undefined;
  let printer: SimPrinter | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'posbridge-doctor-'));
  });

  afterEach(async () => {
    await daemon?.stop('SIGKILL');
    daemon = undefined;
    await printer?.close();
    printer = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('finds nothing wrong with a running daemon whose printer answers, and says so as JSON for fleet tooling', async () => {
    printer = await startSimPrinter();
    const port = await freePort();
    daemon = await startDaemon(
      { dataDir: join(dir, 'data'), admin: { listen: '127.0.0.1:0' }, links: [{ name: 'front', till: { kind: 'tcp', host: '127.0.0.1', port }, printer: { kind: 'tcp', host: '127.0.0.1', port: printer.port } }] },
      { dir },
    );
    await chmod(daemon.configFile, 0o600);
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const closed = readUntilClose(socket);
    socket.end(COFFEE);
    await closed;
    await waitUntil(() => daemon!.logs.some((l) => l.msg === 'receipt captured'), 'the receipt to be stored', 20_000);

    const { code, stdout } = await doctor(['--config', daemon.configFile, '--json']);
    const report = JSON.parse(stdout) as { ok: boolean; findings: Finding[] };
    expect(report.findings.filter((f) => f.level !== 'ok')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(code).toBe(0);
    const detail = (check: string): string | undefined => report.findings.find((f) => f.check === check)?.detail;
    expect(detail('link front: printer')).toBe(`127.0.0.1:${printer.port} answers a status request: online`);
    expect(detail('daemon')).toMatch(/^running, pid \d+, up \d+ s, 1\/1 links running$/);
    expect(detail('health')).toMatch(/\/healthz: all \d+ checks pass$/);
    expect(detail('database')).toMatch(/intact, 1 jobs, 1 baskets$/);
    expect(detail('data folder')).toContain('private to its owner (700)');
  }, 60_000);

  it('names each problem with its fix and exits non-zero: daemon down, printer unreachable, device missing, config readable by all', async () => {
    const deadPrinter = await freePort();
    const config = join(dir, 'posbridge.json');
    await writeFile(
      config,
      JSON.stringify({
        dataDir: join(dir, 'data'),
        links: [
          { name: 'front', till: { kind: 'tcp', host: '127.0.0.1', port: await freePort() }, printer: { kind: 'tcp', host: '127.0.0.1', port: deadPrinter } },
          { name: 'back', till: { kind: 'serial', path: join(dir, 'ttyNOPE') }, printer: { kind: 'none' } },
        ],
      }),
    );
    await chmod(config, 0o644);
    const { code, stdout } = await doctor(['--config', config]);
    expect(code).toBe(1);
    expect(stdout).toContain(`FAIL link front: printer: 127.0.0.1:${deadPrinter} unreachable (ECONNREFUSED)\n       fix: check the printer is on`);
    expect(stdout).toContain(`FAIL link back: till line: ${join(dir, 'ttyNOPE')} does not exist\n       fix: check the cable`);
    expect(stdout).toContain('FAIL daemon: posbridge is not running');
    expect(stdout).toContain(`FAIL config file: ${config} is readable by every user (mode 644); it may hold tokens\n       fix: chmod 600 ${config}`);
    expect(stdout).toMatch(/posbridge doctor: 4 problem\(s\) to fix\n$/);
  }, 60_000);

  it.skipIf(!requireSocat())('asks a serial printer for its status through a real pty pair: online, or no answer', async () => {
    const pair = await createPtyPair();
    try {
      const config = join(dir, 'posbridge.json');
      const link = { name: 'counter', till: { kind: 'tcp', host: '127.0.0.1', port: await freePort() }, printer: { kind: 'serial', path: pair.a } };
      await writeFile(config, JSON.stringify({ dataDir: join(dir, 'data'), links: [link] }));
      const silent = JSON.parse((await doctor(['--config', config, '--json'])).stdout) as { findings: Finding[] };
      expect(silent.findings.find((f) => f.check === 'link counter: printer')).toMatchObject({ level: 'warn', detail: `${pair.a} opens but did not answer a status request` });

      const printerEnd = await openPtyEnd(pair.b);
      let scanned = 0;
      let received = Buffer.alloc(0);
      printerEnd.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        scanned = answerStatus(received, scanned, (reply) => void printerEnd.write(reply));
      });
      try {
        const online = JSON.parse((await doctor(['--config', config, '--json'])).stdout) as { findings: Finding[] };
        expect(online.findings.find((f) => f.check === 'link counter: printer')).toMatchObject({ level: 'ok', detail: `${pair.a} answers a status request: online` });
      } finally {
        await closePtyEnd(printerEnd);
      }
    } finally {
      await pair.destroy();
    }
  }, 60_000);

  it('asks the backend itself with the configured token while the daemon is stopped: right token, wrong token, no token file, backend down', async () => {
    const backend = await startDevBackend({ token: 'right-t0ken' });
    try {
      const sink = (name: string, tokenFile: string, url = backend.url) => ({ kind: 'http', name, url: `${url}/v1/receipts`, tokenFile });
      await writeFile(join(dir, 'right.token'), 'right-t0ken\n');
      await writeFile(join(dir, 'wrong.token'), 'wrong-t0ken\n');
      const down = `http://127.0.0.1:${await freePort()}`;
      const config = join(dir, 'posbridge.json');
      await writeFile(
        config,
        JSON.stringify({
          dataDir: join(dir, 'data'),
          links: [{ name: 'front', till: { kind: 'tcp', host: '127.0.0.1', port: await freePort() }, printer: { kind: 'none' } }],
          // Relative token files: resolved against the config's folder, as the daemon resolves them.
          forward: { sinks: [sink('good', 'right.token'), sink('stale', 'wrong.token'), sink('unset', 'missing.token'), sink('away', 'right.token', down)] },
        }),
      );
      await chmod(config, 0o600);
      const { code, stdout } = await doctor(['--config', config, '--json']);
      expect(code).toBe(1);
      expect(stdout).not.toContain('t0ken');
      const finding = (check: string): Finding | undefined => (JSON.parse(stdout) as { findings: Finding[] }).findings.find((f) => f.check === check);
      expect(finding('backend good')).toMatchObject({ level: 'ok', detail: `${backend.url}/v1/receipts answered 200 (asked with the configured credentials)` });
      expect(finding('backend stale')).toMatchObject({ level: 'fail', detail: `${backend.url}/v1/receipts refused the token (401)` });
      expect(finding('backend unset')).toMatchObject({ level: 'fail', detail: `http sink token (tokenFile): cannot read file ${join(dir, 'missing.token')} (ENOENT)` });
      expect(finding('backend away')).toMatchObject({ level: 'fail', detail: `${down}/v1/receipts not reached: ECONNREFUSED` });
      expect(finding('daemon')).toMatchObject({ level: 'fail' });
    } finally {
      await backend.close();
    }
  }, 60_000);

  it('explains a bad config key with did-you-mean', async () => {
    const config = join(dir, 'posbridge.yaml');
    await writeFile(config, 'links:\n  - name: a\n    till: { kind: tcp, host: 127.0.0.1, prot: 9100 }\n    printer: { kind: none }\n');
    const { code, stdout } = await doctor(['--config', config]);
    expect(code).toBe(1);
    expect(stdout).toContain('links[0].till.prot: unknown key; did you mean "port"? rename it');
    expect(stdout).toContain('fix: correct the keys named above');
  });
});
