// Real nats-server processes for the NATS sink's tests and bench: one JetStream server, or a JetStream cluster of
// several, each on free loopback ports with its config, store and log in a temporary folder. A node can be
// killed (SIGKILL: a crash, nothing flushed), frozen (SIGSTOP: alive but silent, so requests time out), thawed,
// and restarted on the same ports and store, as a node coming back after a crash.
//
// Readiness is the server's own word: its monitoring endpoint /healthz answers 200 (for JetStream that includes
// being current with the cluster), and a cluster is ready once every node names the same meta leader.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './daemon.js';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const POLL_MS = 50;

/** The nats-server executable: $NATS_SERVER_BIN, else on PATH, else Debian's /usr/sbin (not on a user's PATH). */
export function natsServerBinary(): string | undefined {
  const candidates = [process.env.NATS_SERVER_BIN, 'nats-server', '/usr/sbin/nats-server', '/usr/local/bin/nats-server'];
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === '') continue;
    if (spawnSync(candidate, ['--version'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  return undefined;
}

/**
 * Decides whether nats-server tests run. In CI (CI=true) a missing nats-server is a failure, not a skip, so that
 * a broken CI image cannot silently turn the NATS tests off. Use with `describe.skipIf(!requireNatsServer())`.
 */
export function requireNatsServer(): boolean {
  if (natsServerBinary() !== undefined) return true;
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error('nats-server is required for the NATS sink tests in CI (apt-get install -y nats-server)');
  }
  console.warn('SKIPPING NATS sink tests: nats-server is not installed (apt-get install -y nats-server)');
  return false;
}

// Every nats-server this process started, so that an aborted run does not leave servers behind.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface NatsNode {
  readonly name: string;
  /** nats://127.0.0.1:port */
  readonly url: string;
  readonly port: number;
  /** The monitoring HTTP port (/healthz, /jsz, /varz). */
  readonly monitorPort: number;
  /** True while the process is alive (frozen counts as alive). */
  readonly running: boolean;
  /** SIGKILL (default) or SIGTERM, and wait until the process has exited. */
  kill(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** SIGSTOP, and wait until the kernel reports the process stopped: it keeps its sockets but answers nothing. */
  freeze(): Promise<void>;
  /** SIGCONT after freeze(). */
  thaw(): void;
  /** Starts the server again (same config, ports and store) and waits until it reports healthy. */
  restart(): Promise<void>;
  /** Rewrites the config with other extra lines and has the running server reload it (SIGHUP). */
  reload(extraConfig: string): Promise<void>;
  /** The names clients connected to this node gave (monitoring /connz). */
  clientNames(): Promise<string[]>;
  /** The last lines of the server's log, for failure messages. */
  logTail(lines?: number): string;
}

export interface NatsServer extends NatsNode {
  readonly dir: string;
  /** Kills the server and removes its folder; safe to call twice. */
  stop(): Promise<void>;
}

export interface NatsCluster {
  readonly dir: string;
  readonly nodes: readonly NatsNode[];
  /** Every node's client URL, for a client's server list. */
  readonly urls: string[];
  node(name: string): NatsNode;
  /** Waits until every running node names the same JetStream meta leader. */
  waitForMetaLeader(timeoutMs?: number): Promise<string>;
  /** Kills every node and removes the folder; safe to call twice. */
  stop(): Promise<void>;
}

export interface NatsServerOptions {
  /** Extra lines for each server's config file (authorization, max_payload, tls...). */
  extraConfig?: string;
}

interface NodePlan {
  name: string;
  port: number;
  monitorPort: number;
  clusterPort?: number;
}

function configText(plan: NodePlan, dir: string, peers: readonly NodePlan[], extra: string): string {
  const lines = [
    `server_name: ${plan.name}`,
    `listen: "127.0.0.1:${plan.port}"`,
    `http: "127.0.0.1:${plan.monitorPort}"`,
    `log_file: "${join(dir, `${plan.name}.log`)}"`,
    // Small limits: tests must not reserve the shared machine's memory or disk.
    `jetstream { store_dir: "${join(dir, plan.name)}", max_memory_store: 64MB, max_file_store: 256MB }`,
  ];
  if (plan.clusterPort !== undefined) {
    const routes = peers.filter((p) => p.name !== plan.name).map((p) => `"nats-route://127.0.0.1:${p.clusterPort}"`);
    lines.push(`cluster { name: posbridge-test, listen: "127.0.0.1:${plan.clusterPort}", routes: [${routes.join(', ')}] }`);
  }
  if (extra !== '') lines.push(extra);
  return `${lines.join('\n')}\n`;
}

async function httpJson(port: number, path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2_000) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text for the failure message.
  }
  return { status: response.status, body };
}

class ServerProcess implements NatsNode {
  readonly url: string;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();

  constructor(
    readonly binary: string,
    readonly plan: NodePlan,
    readonly configFile: string,
    readonly logFile: string,
    readonly configFor: (extra: string) => string,
  ) {
    this.url = `nats://127.0.0.1:${plan.port}`;
  }

  get name(): string {
    return this.plan.name;
  }
  get port(): number {
    return this.plan.port;
  }
  get monitorPort(): number {
    return this.plan.monitorPort;
  }
  get running(): boolean {
    return this.#child !== undefined;
  }

  async reload(extraConfig: string): Promise<void> {
    const child = this.#child;
    if (child === undefined) throw new Error(`nats-server ${this.name} is not running`);
    await writeFile(this.configFile, this.configFor(extraConfig));
    const reloads = (): number => (existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').split('Reloaded server configuration').length - 1 : 0);
    const before = reloads();
    child.kill('SIGHUP');
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (reloads() === before) {
      if (Date.now() > deadline) throw new Error(`nats-server ${this.name} did not reload its config\n${this.logTail()}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async clientNames(): Promise<string[]> {
    const connz = (await httpJson(this.monitorPort, '/connz')).body as { connections?: { name?: string }[] };
    return (connz.connections ?? []).map((c) => c.name ?? '');
  }

  logTail(lines = 20): string {
    if (!existsSync(this.logFile)) return '(no log yet)';
    return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }

  async start(): Promise<void> {
    if (this.#child !== undefined) throw new Error(`nats-server ${this.name} is already running`);
    const child = spawn(this.binary, ['-c', this.configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    running.add(child);
    this.#child = child;
    let exitedEarly: string | undefined;
    this.#exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        running.delete(child);
        if (this.#child === child) this.#child = undefined;
        exitedEarly = `exited (${signal ?? `code ${code}`}): ${stderr.trim()}`;
        resolve();
      });
    });
    const deadline = Date.now() + START_TIMEOUT_MS;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      if (exitedEarly !== undefined) throw new Error(`nats-server ${this.name} ${exitedEarly}\n${this.logTail()}`);
      try {
        const health = await httpJson(this.monitorPort, '/healthz');
        if (health.status === 200) return;
        last = JSON.stringify(health.body);
      } catch (error) {
        last = (error as Error).message;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    throw new Error(`nats-server ${this.name} not healthy within ${START_TIMEOUT_MS} ms (${last})\n${this.logTail()}`);
  }

  async kill(signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    child.kill('SIGCONT'); // a frozen process cannot act on SIGTERM
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await this.#exited;
    clearTimeout(timer);
  }

  async freeze(): Promise<void> {
    const child = this.#child;
    if (child?.pid === undefined) throw new Error(`nats-server ${this.name} is not running`);
    child.kill('SIGSTOP');
    // The signal is delivered asynchronously; until every thread has stopped the server may still answer.
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (processState(child.pid) !== 'T') {
      if (Date.now() > deadline) throw new Error(`nats-server ${this.name} did not stop on SIGSTOP`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  thaw(): void {
    this.#child?.kill('SIGCONT');
  }

  restart(): Promise<void> {
    return this.start();
  }
}

/** The one-letter state of a process from /proc (Linux): R running, S sleeping, T stopped... */
function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may hold spaces; the state follows its closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

function requireBinary(): string {
  const binary = natsServerBinary();
  if (binary === undefined) throw new Error('nats-server is not installed (apt-get install -y nats-server, or set NATS_SERVER_BIN)');
  return binary;
}

async function planNode(name: string, clustered: boolean): Promise<NodePlan> {
  return { name, port: await freePort(), monitorPort: await freePort(), ...(clustered ? { clusterPort: await freePort() } : {}) };
}

/** One JetStream-enabled nats-server on free loopback ports, healthy when this resolves. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const binary = requireBinary();
  const dir = await mkdtemp(join(tmpdir(), 'posbridge-nats-'));
  const plan = await planNode('n1', false);
  const configFile = join(dir, `${plan.name}.conf`);
  const configFor = (extra: string): string => configText(plan, dir, [], extra);
  await writeFile(configFile, configFor(options.extraConfig ?? ''));
  const server = new ServerProcess(binary, plan, configFile, join(dir, `${plan.name}.log`), configFor);
  try {
    await server.start();
  } catch (error) {
    await server.kill();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  let stopped = false;
  return Object.assign(server, {
    dir,
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      await server.kill();
      await rm(dir, { recursive: true, force: true });
    },
  });
}

/** A JetStream cluster of `size` nodes (n1, n2, ...) routed to each other, with a meta leader when this resolves. */
export async function startNatsCluster(size = 3, options: NatsServerOptions = {}): Promise<NatsCluster> {
  const binary = requireBinary();
  const dir = await mkdtemp(join(tmpdir(), 'posbridge-nats-cluster-'));
  const plans: NodePlan[] = [];
  for (let i = 1; i <= size; i++) plans.push(await planNode(`n${i}`, true));
  const nodes: ServerProcess[] = [];
  for (const plan of plans) {
    const configFile = join(dir, `${plan.name}.conf`);
    await mkdir(join(dir, plan.name), { recursive: true });
    const configFor = (extra: string): string => configText(plan, dir, plans, extra);
    await writeFile(configFile, configFor(options.extraConfig ?? ''));
    nodes.push(new ServerProcess(binary, plan, configFile, join(dir, `${plan.name}.log`), configFor));
  }
  let stopped = false;
  const cluster: NatsCluster = {
    dir,
    nodes,
    urls: nodes.map((n) => n.url),
    node(name) {
      const node = nodes.find((n) => n.name === name);
      if (node === undefined) throw new Error(`no node ${name} (have ${nodes.map((n) => n.name).join(', ')})`);
      return node;
    },
    async waitForMetaLeader(timeoutMs = START_TIMEOUT_MS) {
      const deadline = Date.now() + timeoutMs;
      let last = 'no answer yet';
      while (Date.now() < deadline) {
        try {
          const leaders = new Set<string>();
          for (const node of nodes.filter((n) => n.running)) {
            const jsz = (await httpJson(node.monitorPort, '/jsz')).body as { meta_cluster?: { leader?: string } };
            leaders.add(jsz.meta_cluster?.leader ?? '');
          }
          const [leader] = leaders;
          if (leaders.size === 1 && leader !== undefined && leader !== '') return leader;
          last = `leaders seen: ${[...leaders].map((l) => l || '(none)').join(', ')}`;
        } catch (error) {
          last = (error as Error).message;
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      throw new Error(`no JetStream meta leader within ${timeoutMs} ms (${last})`);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all(nodes.map((n) => n.kill()));
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    // Started together: a clustered JetStream server reports healthy only once it has found its peers.
    await Promise.all(nodes.map((n) => n.start()));
    await cluster.waitForMetaLeader();
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}
