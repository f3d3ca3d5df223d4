// A whole Debian system booted under systemd-nspawn for a test: its own systemd as PID 1, journald, D-Bus and
// users, its own loopback network (so fixed ports inside it clash with nothing on the host), and every write
// kept in a tmpfs overlay that vanishes with it, so the OS tree is reused untouched. The host's Node.js and npm
// are bound in read-only (Debian 12's own Node.js is 18, too old for posbridge), and so is the checkout, at /src.
//   const os = await bootOsContainer(osTree, repo);
//   const { code, out } = await os.run('cd /src && ./install.sh');
//   await os.stop();
// The OS tree is made once by debootstrap (.ci/run does it; see osTreeProblem for the command).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const DEFAULT_OS_TREE = '/var/tmp/posbridge-test-os';

/** Why this machine cannot boot a test OS here, or undefined when it can. */
export function osTreeProblem(tree: string): string | undefined {
  if (process.getuid?.() !== 0) return 'booting a container needs root';
  if (spawnSync('systemd-nspawn', ['--version']).error !== undefined) return 'systemd-nspawn is missing: apt-get install systemd-container';
  if (spawnSync('nsenter', ['--version']).error !== undefined) return 'nsenter is missing: apt-get install util-linux';
  if (!existsSync(join(tree, 'lib/systemd/systemd'))) {
    return `no OS tree at ${tree}: debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,udev,passwd bookworm ${tree}`;
  }
  return undefined;
}

export interface OsContainer {
  /** Runs a shell command inside, as root, with the bound Node.js first on PATH. */
  run(command: string, timeoutMs?: number): Promise<{ code: number | null; out: string }>;
  /** The container's console and boot messages so far (for a failing test's message). */
  console(): string;
  stop(): Promise<void>;
}

function npmRoot(): string {
  // npm is a script inside its package folder; bind the whole folder.
  return dirname(dirname(realpathSync(spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim())));
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** A process's command name, or undefined once it is gone. */
function commandOf(pid: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** A root shell's environment inside the container, with the bound Node.js first on PATH. */
const CONTAINER_ENV = { PATH: '/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C.UTF-8' };

export async function bootOsContainer(tree: string, checkout: string, bootTimeoutMs = 60_000): Promise<OsContainer> {
  const nspawn = spawn(
    'systemd-nspawn',
    [
      '--quiet', '--boot', '--directory', tree, '--volatile=overlay', '--private-network',
      // No host systemd to register with: keep the container in this process's own cgroup.
      '--register=no', '--keep-unit', '--machine', `posbridge-test-${process.pid}`,
      `--bind-ro=${process.execPath}:/usr/local/bin/node`,
      `--bind-ro=${npmRoot()}:/usr/local/lib/node_modules/npm`,
      `--bind-ro=${checkout}:/src`,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let output = '';
  nspawn.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
  nspawn.stderr.setEncoding('utf8').on('data', (text: string) => (output += text));

  // The container's PID 1 is systemd-nspawn's child once it has become systemd; nsenter joins all its namespaces.
  // Not just any child: nspawn forks helpers of its own first, and one seen before it exits leaves nsenter a pid
  // that is gone ("stat of /proc/N/ns/user failed", seen once in CI).
  const deadline = Date.now() + bootTimeoutMs;
  let init: string | undefined;
  while (init === undefined) {
    if (nspawn.exitCode !== null) throw new Error(`systemd-nspawn exited ${nspawn.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`the container did not start in ${bootTimeoutMs} ms:\n${output}`);
    const children = spawnSync('pgrep', ['-P', String(nspawn.pid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
    init = children.find((pid) => commandOf(pid) === 'systemd');
    if (init === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const pid1 = init;

  const run = (command: string, timeoutMs = 120_000): Promise<{ code: number | null; out: string }> =>
    new Promise((resolve) => {
      // The environment of a root shell on that system, not this process's: a host setting such as
      // NODE_EXTRA_CA_CERTS names a file the container does not have (Node then prints a warning into the output).
      const child = spawn('nsenter', ['--target', pid1, '--all', '--', '/bin/sh', '-c', command], {
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: timeoutMs,
        env: CONTAINER_ENV,
      });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
      child.stderr.setEncoding('utf8').on('data', (text: string) => (out += text));
      child.once('close', (code) => resolve({ code, out }));
    });

  const stop = async (): Promise<void> => {
    nspawn.kill('SIGTERM'); // nspawn asks the container's systemd to power off
    const gone = exited(nspawn);
    const timer = setTimeout(() => nspawn.kill('SIGKILL'), 15_000);
    await gone;
    clearTimeout(timer);
  };

  // Until systemd has its bus up, systemctl cannot even ask; then --wait waits for the boot to finish.
  let state = await run('systemctl is-system-running --wait', bootTimeoutMs);
  while (!/^(running|degraded)/.test(state.out) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    state = await run('systemctl is-system-running --wait', bootTimeoutMs);
  }
  if (!/^(running|degraded)/.test(state.out)) {
    await stop();
    throw new Error(`the container's systemd did not come up (${state.out.trim()}):\n${output}`);
  }
  await run('ln -sf /usr/local/lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm');
  return { run, console: () => output, stop };
}
