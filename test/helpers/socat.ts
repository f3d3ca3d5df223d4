// Real pseudo-terminal pairs for serial/USB tests, made by socat. Each pair is two symlinks in one folder
// (`a` and `b` by default); bytes written to one end come out of the other, exactly, in raw mode.
//
// `unplug()` kills socat (it removes both links on SIGTERM), `replug()` starts a new socat at the same link
// paths: from the point of view of whoever holds an end open, the device vanished and came back, which is
// what unplugging a USB-serial adapter or a USB printer looks like.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';

export interface PtyPair {
  /** Folder holding both links (created by the helper unless given). */
  readonly dir: string;
  /** Path of the first end (a symlink to /dev/pts/N). */
  readonly a: string;
  /** Path of the second end. */
  readonly b: string;
  /** True while a socat process serves the pair. */
  readonly plugged: boolean;
  /** Kills socat and waits until both links are gone: the "device" disappears. */
  unplug(): Promise<void>;
  /** Starts a new socat at the same link paths and waits until both ends exist again. */
  replug(): Promise<void>;
  /** Unplugs (if plugged) and removes the folder if the helper created it. Safe to call twice. */
  destroy(): Promise<void>;
}

export interface PtyPairOptions {
  /** Folder for the links; a fresh temporary folder (removed by destroy()) when omitted. */
  dir?: string;
  /** Link names inside dir, default ['a', 'b']. */
  names?: readonly [string, string];
}

/** Whether socat is on PATH. */
export function socatAvailable(): boolean {
  return spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
}

/**
 * Decides whether socat-based tests run. In CI (CI=true) a missing socat is a failure, not a skip, so that a
 * broken CI image cannot silently turn the serial tests off. Use with `describe.skipIf(!requireSocat())`.
 */
export function requireSocat(): boolean {
  if (socatAvailable()) return true;
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error('socat is required for the serial/USB tests in CI (apt-get install -y socat)');
  }
  console.warn('SKIPPING serial/USB tests: socat is not installed (apt-get install -y socat)');
  return false;
}

// Every socat this process started, so that an aborted test run does not leave orphans behind.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

const START_TIMEOUT_MS = 5_000;

export async function createPtyPair(options: PtyPairOptions = {}): Promise<PtyPair> {
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'posbridge-pty-')));
  const [nameA, nameB] = options.names ?? ['a', 'b'];
  const a = join(dir, nameA);
  const b = join(dir, nameB);
  let child: ChildProcess | undefined;
  let destroyed = false;

  const unplug = async (): Promise<void> => {
    const current = child;
    if (!current) return;
    child = undefined;
    await stopSocat(current);
    // socat removes its links on SIGTERM; after a SIGKILL fallback they may linger.
    await Promise.all([a, b].map((path) => unlink(path).catch(() => undefined)));
  };

  const replug = async (): Promise<void> => {
    if (destroyed) throw new Error('pty pair already destroyed');
    if (child) throw new Error('pty pair is already plugged');
    child = await startSocat(a, b);
  };

  await replug();

  return {
    dir,
    a,
    b,
    get plugged() {
      return child !== undefined;
    },
    unplug,
    replug,
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await unplug();
      if (ownsDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

function startSocat(a: string, b: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    running.add(child);
    let stderr = '';
    const timer = setTimeout(() => fail(new Error(`socat did not start within ${START_TIMEOUT_MS} ms: ${stderr}`)), START_TIMEOUT_MS);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.once('error', fail);
    child.once('exit', (code, signal) => {
      running.delete(child);
      fail(new Error(`socat exited early (code ${code}, signal ${signal}): ${stderr}`));
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      stderr += text;
      // socat logs this once both ptys exist and their links are in place.
      if (stderr.includes('starting data transfer loop')) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.once('exit', () => running.delete(child));
        child.stderr?.removeAllListeners('data');
        child.stderr?.resume();
        if (!existsSync(a) || !existsSync(b)) {
          fail(new Error(`socat started but links ${a}, ${b} are missing`));
          return;
        }
        resolve(child);
      }
    });
  });
}

function stopSocat(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    const hardKill = setTimeout(() => child.kill('SIGKILL'), 2_000);
    child.once('exit', () => {
      clearTimeout(hardKill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Opens one end of a pair as a plain serial port, for a test playing the device on the far side (the till
 * behind a serial line, the printer behind a USB/serial port). Errors after an unplug are expected and ignored.
 */
export async function openPtyEnd(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  port.on('error', () => undefined);
  return port;
}

/** Closes an end opened with openPtyEnd (no-op if the pair was unplugged under it). */
export async function closePtyEnd(port: SerialPort): Promise<void> {
  if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
}
