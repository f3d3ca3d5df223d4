// Runs the real daemon (`node bin/posbridge.js run`, the compiled build) as a child process, for daemon tests
// and the passthrough bench. Its JSON log lines (stderr) are collected so a test can wait for one.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface DaemonProcess {
  readonly child: ChildProcess;
  readonly configFile: string;
  readonly logs: LogLine[];
  /** Resolves with the first log line (already seen or coming) that matches. */
  waitForLog(match: (line: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  /** Sends a signal and resolves with how the process ended. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The repository root, from the sources (test/helpers) or the build (dist/test/helpers). */
export function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'bin', 'posbridge.js'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the repository (bin/posbridge.js)');
    dir = up;
  }
  return dir;
}

/** A TCP port free right now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A till's connection to a link's TCP port (half-open allowed, so it can still read replies after its job). */
export function tillConnection(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Prints one job the way a till does: connect, send, close its side, wait for the printer to close. */
export async function printJob(port: number, bytes: Buffer): Promise<void> {
  const socket = await tillConnection(port);
  const closed = new Promise<void>((resolve) => {
    socket.on('error', () => undefined);
    socket.once('close', () => resolve());
  });
  socket.resume();
  socket.end(bytes);
  await closed;
}

/** Polls `read` until `ok` holds for its value; rejects naming `what` after timeoutMs. */
export async function waitFor<T>(read: () => Promise<T> | T, ok: (value: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Starts the daemon and waits for it to run, unless `wait` is 'none' (the caller watches it start itself). */
export async function startDaemon(
  config: unknown,
  options: { dir: string; env?: Record<string, string>; configName?: string; args?: string[]; wait?: 'running' | 'none' },
): Promise<DaemonProcess> {
  const configFile = join(options.dir, options.configName ?? 'posbridge.json');
  // A developer's own daemon may hold the admin default (127.0.0.1:8790): tests give theirs any free port.
  const withAdmin = typeof config === 'object' && config !== null && !('admin' in config) ? { ...config, admin: { listen: '127.0.0.1:0' } } : config;
  if (config !== undefined) await writeFile(configFile, JSON.stringify(withAdmin, null, 2));
  const args = [join(repositoryRoot(), 'bin', 'posbridge.js'), 'run', ...(config === undefined ? [] : ['--config', configFile]), ...(options.args ?? [])];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, POSBRIDGE_LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const logs: LogLine[] = [];
  const waiters = new Set<() => void>();
  let partial = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        logs.push({ level: 50, msg: line });
      }
    }
    for (const wake of waiters) wake();
  });
  // 'close' rather than 'exit': it comes after the last stderr bytes, so a crash's own words are in `logs`.
  let closed = false;
  child.stderr!.on('end', () => {
    if (partial !== '') logs.push({ level: 50, msg: partial });
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      closed = true;
      for (const wake of waiters) wake();
      resolve({ code, signal });
    }),
  );

  const waitForLog = (match: (line: LogLine) => boolean, what: string, timeoutMs = 10_000): Promise<LogLine> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const found = logs.find(match);
        if (found !== undefined) {
          done();
          resolve(found);
        } else if (closed) {
          done();
          const how = child.signalCode !== null ? `signal ${child.signalCode}` : `code ${child.exitCode}`;
          reject(new Error(`daemon exited (${how}) before ${what}; its log:\n${logs.map((l) => JSON.stringify(l)).join('\n')}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${what}; daemon log:\n${logs.map((l) => JSON.stringify(l)).join('\n')}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  const daemon: DaemonProcess = {
    child,
    configFile,
    logs,
    waitForLog,
    async stop(signal = 'SIGTERM', timeoutMs = 20_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
  if (options.wait === 'none') return daemon;
  try {
    await waitForLog((l) => l.msg === 'posbridge running', 'the daemon to start');
  } catch (error) {
    await daemon.stop('SIGKILL');
    throw error;
  }
  return daemon;
}
