// Starting and signalling the real daemon (`posbridge run` in its own process): a second daemon on the same data
// folder says who is running, a port clash names the link and the config key, SIGHUP during start-up is a
// reload once running (not a death), and SIGHUP during a stop does not start a reload beside it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort, printJob, repositoryRoot, startDaemon, tillConnection, type DaemonProcess } from '../helpers/daemon.js';
import { readUntilClose } from '../helpers/streams.js';

const COFFEE = await readFile('test/fixtures/receipts/coffee-tm-t88-card.bin');

let dir: string;
const daemons: DaemonProcess[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-startup-'));
});

afterEach(async () => {
  for (const daemon of daemons.splice(0)) await daemon.stop('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

function config(port: number, dataDir = join(dir, 'data')) {
  return { dataDir, links: [{ name: 'front', till: { kind: 'tcp', host: '127.0.0.1', port }, printer: { kind: 'file', path: join(dir, 'printed') } }] };
}

/** `posbridge run` to completion, for runs that are expected to refuse to start. */
function runToExit(args: string[], timeoutMs = 20_000): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repositoryRoot(), 'bin', 'posbridge.js'), 'run', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => (stderr += text));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`posbridge run did not exit within ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('posbridge run: start-up', () => {
  it('a second daemon on the same data folder says posbridge is already running, with its pid', async () => {
    const port = await freePort();
    const first = await startDaemon(config(port), { dir });
    daemons.push(first);
    const second = await runToExit(['--config', first.configFile]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`posbridge is already running (pid ${first.child.pid}`);
    // The first one is untouched.
    await printJob(port, COFFEE);
  });

  it('a till port in use names the link and the config key', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      const file = join(dir, 'clash.json');
      await writeFile(file, JSON.stringify(config(port, join(dir, 'data-clash'))));
      const run = await runToExit(['--config', file]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('link "front"');
      expect(run.stderr).toContain('links[0].till.port');
      expect(run.stderr).toContain(`127.0.0.1:${port}`);
      expect(run.stderr).toContain('address already in use');
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});

describe('posbridge run: printers missing at start', () => {
  it('reports a missing serial or USB printer device at start, and keeps running', async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const missing = (name: string): string => join(dir, 'dev', name);
    const daemon = await startDaemon(
      {
        dataDir: join(dir, 'data'),
        links: [
          { name: 'serial', till: { kind: 'tcp', host: '127.0.0.1', port: portA }, printer: { kind: 'serial', path: missing('ttyUSB0') } },
          { name: 'usb', till: { kind: 'tcp', host: '127.0.0.1', port: portB }, printer: { kind: 'usb', path: missing('lp0') } },
        ],
      },
      { dir },
    );
    daemons.push(daemon);
    const reported = daemon.logs.filter((l) => l.msg.startsWith('printer device missing at start'));
    expect(reported.map((l) => l.printer).sort()).toEqual([`serial ${missing('ttyUSB0')}`, `usb ${missing('lp0')}`]);
    expect(reported.every((l) => /ENOENT|no such file/i.test(String(l.reason)))).toBe(true);
    // Reported before the daemon says it runs, i.e. at start, not at the first job.
    const running = daemon.logs.findIndex((l) => l.msg === 'posbridge running');
    expect(reported.every((l) => daemon.logs.indexOf(l) < running)).toBe(true);
  });
});

describe.skipIf(process.platform === 'win32')('posbridge run: SIGHUP', () => {
  it('SIGHUP during start-up does not kill the daemon; the reload happens once it runs', async () => {
    // The config file is a FIFO: the daemon blocks reading it, so the test knows it is mid-start-up when the
    // signal is sent (opening the FIFO for writing returns once the daemon has opened it for reading).
    const fifo = join(dir, 'posbridge.yaml');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const port = await freePort();
    const daemon = await startDaemon(undefined, { dir, args: ['--config', fifo], wait: 'none' });
    daemons.push(daemon);
    const feed = async (): Promise<void> => {
      const writer = await open(fifo, 'w');
      await writer.writeFile(JSON.stringify(config(port)));
      await writer.close();
    };
    const writer = await open(fifo, 'w');
    daemon.child.kill('SIGHUP');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(daemon.child.exitCode).toBeNull();
    expect(daemon.child.signalCode).toBeNull();
    await writer.writeFile(JSON.stringify(config(port)));
    await writer.close();
    await daemon.waitForLog((l) => l.msg === 'posbridge running', 'the daemon to run', 20_000);
    // The reload asked for during start-up reads the config again.
    await feed();
    const reloaded = await daemon.waitForLog((l) => l.msg === 'configuration reloaded', 'the reload asked for during start-up', 20_000);
    expect(reloaded).toMatchObject({ unchanged: ['front'] });
    await printJob(port, COFFEE);
    expect(await daemon.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('SIGHUP during a stop does not start a reload beside the stop', async () => {
    const port = await freePort();
    const daemon = await startDaemon(config(port), { dir });
    daemons.push(daemon);
    const socket = await tillConnection(port);
    const closed = readUntilClose(socket);
    socket.write(COFFEE.subarray(0, 1000));
    const stopped = daemon.stop('SIGTERM');
    await daemon.waitForLog((l) => l.msg === 'stopping: finishing jobs in flight', 'the stop to begin');
    daemon.child.kill('SIGHUP');
    await daemon.waitForLog((l) => String(l.msg).includes('not reloading'), 'the SIGHUP to be refused');
    socket.end(COFFEE.subarray(1000));
    await closed;
    expect(await stopped).toEqual({ code: 0, signal: null });
    expect(daemon.logs.some((l) => l.msg === 'configuration reloaded')).toBe(false);
  });
});
