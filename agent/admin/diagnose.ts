// What `posbridge doctor` checks on a till PC, each finding in plain words with the fix to apply: the config,
// the ports and devices (as the user running doctor, so run it as the service user), whether printers answer a
// status request, the backend (asked directly with the configured token, and as the running daemon sees it), the
// clock, disk space, the database and permissions, and whether the daemon (and its systemd unit) runs.
// Read-only: nothing here changes the system (the backend probe is a GET, or a stream lookup for NATS).
import { spawnSync } from 'node:child_process';
import { constants, existsSync, readFileSync } from 'node:fs';
import { access, stat, statfs } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { dirname } from 'node:path';
import { pino } from 'pino';
import type { OpenLineDevice } from '../../drivers/shared/line-device.js';
import { serialDeviceOpener } from '../../drivers/serial/device.js';
import { usbDeviceOpener } from '../../drivers/usb/device.js';
import { loadAgentConfig, type AgentConfig, type LinkConfig } from '../config.js';
import { controlRequest } from '../control/index.js';
import { createSink, sinkName } from '../forward/registry.js';
import type { AgentStatusView } from '../model/status.js';
import { Store } from '../store/index.js';

export type FindingLevel = 'ok' | 'warn' | 'fail';

export interface Finding {
  readonly check: string;
  readonly level: FindingLevel;
  readonly detail: string;
  /** What to do, for warn and fail. */
  readonly fix?: string;
}

const NET_TIMEOUT_MS = 3_000;
const MIN_FREE_BYTES = 100 * 1024 * 1024;
const LOW_FREE_BYTES = 1024 * 1024 * 1024;
/** Earlier than this the clock was surely never set (posbridge did not exist). */
const EARLIEST_SANE = Date.parse('2025-01-01T00:00:00Z');
/** DLE EOT 1: the real-time printer status request every ESC/POS printer answers with one byte. */
const STATUS_REQUEST = Buffer.from([0x10, 0x04, 0x01]);

const ok = (check: string, detail: string): Finding => ({ check, level: 'ok', detail });
const warn = (check: string, detail: string, fix: string): Finding => ({ check, level: 'warn', detail, fix });
const fail = (check: string, detail: string, fix: string): Finding => ({ check, level: 'fail', detail, fix });

function groupName(gid: number): string {
  try {
    const line = readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.split(':')[2] === String(gid));
    return line?.split(':')[0] ?? String(gid);
  } catch {
    return String(gid);
  }
}

async function deviceFinding(check: string, path: string, kind: 'serial' | 'usb'): Promise<Finding> {
  let info;
  try {
    info = await stat(path);
  } catch {
    const hint = kind === 'usb' ? 'ls /dev/usb/ /dev/posbridge/' : 'ls /dev/ttyS* /dev/ttyUSB* /dev/posbridge/';
    return fail(check, `${path} does not exist`, `check the cable and the path in the config (${hint} lists what is there)`);
  }
  try {
    await access(path, constants.R_OK | constants.W_OK);
    return ok(check, `${path} exists and this user can read and write it`);
  } catch {
    const group = groupName(info.gid);
    return fail(check, `${path} exists but this user cannot open it (group ${group})`, `add the service user to group ${group}: sudo usermod -a -G ${group} posbridge, then restart posbridge`);
  }
}

function canListen(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen(port, host, () => server.close(() => resolve(undefined)));
  });
}

interface StatusAnswer {
  connected: boolean;
  reply?: number;
  error?: string;
}

/** Opens a serial or USB printer through its driver, asks DLE EOT 1 and waits for the one status byte. */
async function askLineStatus(open: OpenLineDevice): Promise<StatusAnswer> {
  let answered: (reply: number) => void = () => undefined;
  const reply = new Promise<number>((resolve) => (answered = resolve));
  let device;
  try {
    device = await open({ onData: (chunk) => answered(chunk[0]!), onLost: () => undefined });
  } catch (error) {
    return { connected: false, error: (error as Error).message };
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), NET_TIMEOUT_MS)));
  device.write(STATUS_REQUEST, () => undefined);
  const byte = await Promise.race([reply, timeout]);
  clearTimeout(timer);
  await device.close();
  return byte === undefined ? { connected: true, error: 'no answer to a status request' } : { connected: true, reply: byte };
}

/** Connects, asks DLE EOT 1 and waits for the one status byte. */
function askPrinterStatus(host: string, port: number): Promise<StatusAnswer> {
  return new Promise((resolve) => {
    let connected = false;
    const socket = connect({ host, port });
    const done = (result: StatusAnswer): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done({ connected, error: connected ? 'no answer to a status request' : 'no answer' }), NET_TIMEOUT_MS);
    socket.once('connect', () => {
      connected = true;
      socket.write(STATUS_REQUEST);
    });
    socket.once('data', (data: Buffer) => done({ connected, reply: data[0]! }));
    socket.once('error', (error: NodeJS.ErrnoException) => done({ connected, error: error.code ?? error.message }));
  });
}

function statusByte(reply: number): string {
  // DLE EOT 1 bit 3: offline. Bits 1 and 4 are always set; anything else is not an ESC/POS status byte.
  if ((reply & 0x93) !== 0x12) return `answered 0x${reply.toString(16)}, which is not an ESC/POS status byte`;
  return (reply & 0x08) !== 0 ? 'offline (cover open, paper out or error)' : 'online';
}

function statusFinding(check: string, where: string, answer: StatusAnswer, unreachableFix: string): Finding {
  if (answer.reply !== undefined) {
    const state = statusByte(answer.reply);
    return state === 'online' ? ok(check, `${where} answers a status request: online`) : warn(check, `${where} ${state}`, 'look at the printer: paper, cover, error light');
  }
  if (answer.connected) return warn(check, `${where} opens but did not answer a status request`, `some printers answer only when idle; if receipts do not print: ${unreachableFix}`);
  return fail(check, `${where} unreachable (${answer.error})`, unreachableFix);
}

async function linkFindings(link: LinkConfig, daemonRunning: boolean): Promise<Finding[]> {
  const findings: Finding[] = [];
  const till = link.till;
  if (till.kind === 'tcp' && !daemonRunning) {
    const host = till.host ?? '0.0.0.0';
    const problem = await canListen(host, till.port);
    findings.push(
      problem === undefined
        ? ok(`link ${link.name}: till port`, `${host}:${till.port} is free for posbridge`)
        : problem === 'EADDRINUSE'
          ? fail(`link ${link.name}: till port`, `another program listens on ${host}:${till.port}`, `find it with: sudo ss -ltnp 'sport = :${till.port}' and stop it, or choose another port`)
          : fail(`link ${link.name}: till port`, `cannot listen on ${host}:${till.port} (${problem})`, problem === 'EACCES' ? 'ports below 1024 need root: use 9100 or another port above 1024' : 'check the host is an address of this PC'),
    );
  } else if (till.kind === 'tcp') {
    findings.push(ok(`link ${link.name}: till port`, `${till.host ?? '0.0.0.0'}:${till.port} (held by the running daemon)`));
  }
  if (till.kind === 'serial') findings.push(await deviceFinding(`link ${link.name}: till line`, till.path, 'serial'));
  const printer = link.printer;
  const check = `link ${link.name}: printer`;
  if (printer.kind === 'serial' || printer.kind === 'usb') {
    const device = await deviceFinding(check, printer.path, printer.kind);
    if (device.level !== 'ok') findings.push(device);
    else if (daemonRunning) findings.push(ok(check, `${printer.path} (held by the running daemon, so no status request)`));
    else findings.push(statusFinding(check, printer.path, await askLineStatus(printer.kind === 'serial' ? serialDeviceOpener(printer) : usbDeviceOpener(printer)), 'check the cable, the baud rate and flow control in the config, and that the printer is on'));
  } else if (printer.kind === 'tcp') {
    const host = printer.host ?? '127.0.0.1';
    findings.push(statusFinding(check, `${host}:${printer.port}`, await askPrinterStatus(host, printer.port), 'check the printer is on and on the network, and its address in the config'));
  } else if (printer.kind === 'file') {
    try {
      const folder = existsSync(printer.path) ? printer.path : dirname(printer.path);
      await access(folder, constants.W_OK);
      findings.push(ok(`link ${link.name}: printer`, `jobs are written to ${printer.path}`));
    } catch {
      findings.push(fail(`link ${link.name}: printer`, `${printer.path} is not writable by this user`, 'give the service user that folder, or change the path'));
    }
  }
  return findings;
}

async function daemonStatus(config: AgentConfig): Promise<AgentStatusView | undefined> {
  try {
    return (await controlRequest(config.dataDir, { op: 'status' }, NET_TIMEOUT_MS)) as AgentStatusView;
  } catch {
    return undefined;
  }
}

function serviceFindings(status: AgentStatusView | undefined): Finding[] {
  const findings: Finding[] = [];
  if (existsSync('/run/systemd/system')) {
    const active = spawnSync('systemctl', ['is-active', 'posbridge.service'], { encoding: 'utf8' }).stdout.trim();
    const enabled = spawnSync('systemctl', ['is-enabled', 'posbridge.service'], { encoding: 'utf8' }).stdout.trim();
    if (active === 'active' && enabled === 'enabled') findings.push(ok('service', 'posbridge.service is active and starts on boot'));
    else if (active === '' || enabled === 'not-found' || enabled === '') findings.push(warn('service', 'posbridge.service is not installed', 'install it: sudo ./install.sh'));
    else findings.push(fail('service', `posbridge.service is ${active}, ${enabled}`, 'sudo systemctl enable --now posbridge; journalctl -u posbridge says why it stopped'));
  }
  findings.push(
    status === undefined
      ? fail('daemon', 'posbridge is not running (its control socket does not answer)', 'start it: sudo systemctl start posbridge (or posbridge run); journalctl -u posbridge says why it stopped')
      : ok('daemon', `running, pid ${status.pid}, up ${status.uptimeSeconds} s, ${status.links.filter((l) => l.running).length}/${status.links.length} links running`),
  );
  return findings;
}

const BACKEND_FIX = 'check the backend URL, the token (file or environment) and that this PC reaches the backend (network, proxy, firewall)';

/**
 * Each configured sink asked directly, whether or not the daemon runs: built from the config as the daemon
 * would build it (so a missing token file or variable shows here), then probed with its token. Run as the
 * service user, this is what the daemon will meet.
 */
async function probeFindings(config: AgentConfig): Promise<Finding[]> {
  if (config.forward.sinks.length === 0) return [ok('backend', 'forwarding is not configured (baskets are only stored)')];
  const logger = pino({ enabled: false });
  return Promise.all(
    config.forward.sinks.map(async (sinkConfig): Promise<Finding> => {
      const check = `backend ${sinkName(sinkConfig)}`;
      let sink;
      try {
        sink = createSink(sinkConfig, { logger, baseDir: config.baseDir });
      } catch (error) {
        return fail(check, (error as Error).message, 'put the token where the config says (a file readable by the service user, or the environment of the service), or correct the config');
      }
      try {
        const probe = await sink.probe(AbortSignal.timeout(NET_TIMEOUT_MS * 3));
        return probe.ok ? ok(check, `${probe.detail} (asked with the configured credentials)`) : fail(check, probe.detail, BACKEND_FIX);
      } finally {
        await sink.close().catch(() => undefined);
      }
    }),
  );
}

/** The running daemon's own view of each sink: its backlog and its last delivery error. */
function daemonBackendFindings(status: AgentStatusView | undefined): Finding[] {
  return (status?.forward?.sinks ?? []).map((sink) =>
    sink.lastError === null
      ? ok(`backend ${sink.sink}: deliveries`, `${sink.pending} waiting, last delivery ${sink.lastDeliveryAt ?? 'none yet'}`)
      : fail(`backend ${sink.sink}: deliveries`, `${sink.pending} waiting; last error: ${sink.lastError}`, BACKEND_FIX),
  );
}

async function adminFinding(config: AgentConfig, status: AgentStatusView | undefined): Promise<Finding[]> {
  if (status === undefined || !config.admin.enabled) return [];
  const url = status.admin?.url ?? `http://${config.admin.listen}`;
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(NET_TIMEOUT_MS * 3) });
    const report = (await res.json()) as { checks: { name: string; ok: boolean; detail: string; fix?: string }[] };
    const failing = report.checks.filter((c) => !c.ok);
    return failing.length === 0
      ? [ok('health', `${url}/healthz: all ${report.checks.length} checks pass`)]
      : failing.map((c) => fail(`health: ${c.name}`, c.detail, c.fix ?? 'see the status page'));
  } catch (error) {
    return [warn('health', `${url}/healthz does not answer (${(error as Error).message})`, `check admin.listen (${config.admin.listen}) is free: another program may hold it`)];
  }
}

function clockFindings(lastCapturedAt: string | undefined, timezone: string): Finding[] {
  const now = Date.now();
  const findings: Finding[] = [];
  if (now < EARLIEST_SANE) findings.push(fail('clock', `the clock says ${new Date(now).toISOString()}`, 'set the date and time (timedatectl set-ntp true)'));
  else if (lastCapturedAt !== undefined && Date.parse(lastCapturedAt) > now + 5 * 60_000) {
    findings.push(fail('clock', `the last job was stored at ${lastCapturedAt}, later than now (${new Date(now).toISOString()}): the clock went back`, 'set the time right (timedatectl set-ntp true); receipt times depend on it'));
  } else findings.push(ok('clock', `${new Date(now).toISOString()} (UTC)`));
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    findings.push(fail('timezone', `"${timezone}" is not a known IANA timezone`, 'set timezone in the config to e.g. Europe/London'));
  }
  return findings;
}

async function diskFinding(dataDir: string): Promise<Finding> {
  let folder = dataDir;
  while (!existsSync(folder) && dirname(folder) !== folder) folder = dirname(folder);
  const fs = await statfs(folder);
  const free = fs.bavail * fs.bsize;
  const mib = Math.round(free / 1024 / 1024);
  if (free < MIN_FREE_BYTES) return fail('disk', `${mib} MiB free for ${dataDir}`, 'free disk space now: jobs are held in memory while the disk is full');
  if (free < LOW_FREE_BYTES) return warn('disk', `${mib} MiB free for ${dataDir}`, 'free some disk space soon');
  return ok('disk', `${mib} MiB free for ${dataDir}`);
}

async function storeFindings(config: AgentConfig): Promise<{ findings: Finding[]; lastCapturedAt?: string }> {
  const findings: Finding[] = [];
  try {
    const mode = (await stat(config.dataDir)).mode & 0o777;
    findings.push(
      (mode & 0o077) === 0
        ? ok('data folder', `${config.dataDir} is private to its owner (${mode.toString(8)})`)
        : fail('data folder', `${config.dataDir} is open to other users (mode ${mode.toString(8)}): receipts are personal data`, `chmod 700 ${config.dataDir}`),
    );
  } catch {
    findings.push(warn('data folder', `${config.dataDir} does not exist yet`, 'it is created when posbridge first starts'));
    return { findings };
  }
  const file = Store.fileIn(config.dataDir);
  if (!existsSync(file)) {
    findings.push(ok('database', 'no database yet (created with the first job)'));
    return { findings };
  }
  try {
    const store = Store.open(file, { readonly: true });
    try {
      const result = store.pragma('quick_check') as { quick_check: string }[];
      const problems = result.map((r) => r.quick_check).filter((r) => r !== 'ok');
      const counts = store.counts();
      const last = store.latestBaskets(1)[0]?.capturedAt;
      findings.push(
        problems.length === 0
          ? ok('database', `${file}: intact, ${counts.jobs} jobs, ${counts.baskets} baskets`)
          : fail('database', `${file} is damaged: ${problems.slice(0, 3).join('; ')}`, 'stop posbridge, move the file aside (the raw jobs can be recovered with sqlite3 .recover), start posbridge'),
      );
      return { findings, ...(last !== undefined && { lastCapturedAt: last }) };
    } finally {
      store.close();
    }
  } catch (error) {
    findings.push(fail('database', (error as Error).message, 'run doctor as the service user (sudo -u posbridge); if it still fails, see docs/store.md'));
    return { findings };
  }
}

async function configFilePermissions(file: string): Promise<Finding[]> {
  const mode = (await stat(file)).mode & 0o777;
  if ((mode & 0o004) !== 0) return [fail('config file', `${file} is readable by every user (mode ${mode.toString(8)}); it may hold tokens`, `chmod 600 ${file}`)];
  return [ok('config file', `${file} (mode ${mode.toString(8)})`)];
}

/** Every finding, in the order a person would fix them. */
export async function diagnose(configFile: string | undefined): Promise<Finding[]> {
  let config: AgentConfig;
  try {
    config = await loadAgentConfig(configFile);
  } catch (error) {
    return [fail('config', (error as Error).message, 'correct the keys named above, then run doctor again')];
  }
  const findings: Finding[] = [ok('config', `${config.source}: valid, ${config.links.length} link(s)`)];
  if (configFile !== undefined) findings.push(...(await configFilePermissions(configFile)));
  const status = await daemonStatus(config);
  findings.push(...serviceFindings(status));
  for (const link of config.links) findings.push(...(await linkFindings(link, status !== undefined)));
  findings.push(...(await probeFindings(config)), ...daemonBackendFindings(status));
  findings.push(...(await adminFinding(config, status)));
  const store = await storeFindings(config);
  findings.push(...clockFindings(store.lastCapturedAt, config.timezone));
  findings.push(await diskFinding(config.dataDir));
  findings.push(...store.findings);
  return findings;
}
