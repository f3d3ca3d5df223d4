// The daemon under a stand-in for systemd's notify socket: a real AF_UNIX datagram socket (socat UNIX-RECV)
// that receives what the real systemd-notify sends. READY=1 once running, WATCHDOG=1 pings at half of
// WATCHDOG_USEC while it runs, STOPPING=1 on SIGTERM.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort, startDaemon, type DaemonProcess } from '../helpers/daemon.js';
import { requireSocat } from '../helpers/socat.js';
import { waitUntil } from '../helpers/streams.js';

function requireSystemdNotify(): boolean {
  if (spawnSync('systemd-notify', ['--help'], { stdio: 'ignore' }).status === 0) return true;
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error('systemd-notify is required in CI (apt-get install -y systemd)');
  console.warn('SKIPPING the systemd notify test: systemd-notify is not installed (apt-get install -y systemd)');
  return false;
}

describe.skipIf(!requireSocat() || !requireSystemdNotify())('systemd notify and watchdog', () => {
  let dir: string;
  let receiver: ChildProcess | undefined;
  let daemon: DaemonProcess | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'posbridge-notify-'));
  });

  afterEach(async () => {
    await daemon?.stop('SIGKILL');
    receiver?.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('reports ready, pings the watchdog while running and says when it stops', async () => {
    const socket = join(dir, 'notify.sock');
    receiver = spawn('socat', ['-u', `UNIX-RECV:${socket}`, '-'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let received = '';
    receiver.stdout!.setEncoding('utf8').on('data', (text: string) => (received += text));
    await waitUntil(() => existsSync(socket), 'the notify socket', 10_000);

    const port = await freePort();
    daemon = await startDaemon(
      { dataDir: join(dir, 'data'), admin: { enabled: false }, links: [{ name: 'a', till: { kind: 'tcp', host: '127.0.0.1', port }, printer: { kind: 'none' } }] },
      { dir, env: { NOTIFY_SOCKET: socket, WATCHDOG_USEC: '400000' } },
    );
    await waitUntil(() => received.includes('READY=1'), 'READY=1', 15_000);
    expect(received).toMatch(/STATUS=running 1 link\(s\)/);
    await waitUntil(() => received.split('WATCHDOG=1').length > 3, 'several watchdog pings', 15_000);
    expect(await daemon.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    await waitUntil(() => received.includes('STOPPING=1'), 'STOPPING=1', 15_000);
  }, 60_000);
});
