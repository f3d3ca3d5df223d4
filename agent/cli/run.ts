// `posbridge run [--config FILE]`: the daemon. Runs the configured links (or the embedded default) until
// stopped. SIGTERM/SIGINT drain in-flight jobs and exit 0; SIGHUP reloads the config file, and a config that
// does not validate is refused with the error logged, the running one kept.
//
// SIGHUP's handler is installed before anything else is done: without one, SIGHUP's default action kills the
// process, so a reload asked for during start-up would take the daemon down. Asked for then, it is done once
// the daemon runs; asked for during a stop, it is refused (a reload starting links beside a stop would race it).
import { ConfigError, loadAgentConfig, type AgentConfig } from '../config.js';
import { runningDaemon, startControlServer } from '../control/index.js';
import { Agent } from '../daemon/agent.js';
import { SystemdNotifier } from '../daemon/sd-notify.js';
import { ProfileError } from '../extract/profile.js';
import { flushLog, log } from '../log.js';

export interface RunOptions {
  config?: string;
  graceMs: string;
}

const DRAIN_MS = 15_000;
/** How long an exit waits for its log lines to reach a stderr that is slow to take them; one nobody reads is not waited for longer. */
const EXIT_LOG_FLUSH_MS = 2_000;

function embeddedHint(config: AgentConfig): string | undefined {
  const link = config.links[0];
  if (config.source !== 'embedded default' || link === undefined || link.till.kind !== 'tcp') return undefined;
  return `posbridge is a network printer on ${link.till.host}:${link.till.port}; try: nc ${link.till.host} ${link.till.port} < test/fixtures/receipts/coffee-tm-t88-card.bin`;
}

type Phase = 'starting' | 'running' | 'stopping';

export async function run(options: RunOptions): Promise<void> {
  const graceMs = Number(options.graceMs);
  let phase: Phase = 'starting';
  let reloadAsked = false;
  let reloading = Promise.resolve();
  const reload = (): void => {
    reloading = reloading.then(async () => {
      if (phase !== 'running') return;
      try {
        await agent.reload(await loadAgentConfig(options.config), graceMs);
      } catch (error) {
        log.error({ reason: (error as Error).message }, 'configuration NOT reloaded; the running one is kept');
      }
    });
  };
  process.on('SIGHUP', () => {
    if (phase === 'starting') {
      reloadAsked = true;
      log.info('SIGHUP during start-up: the configuration is reloaded once posbridge runs');
    } else if (phase === 'stopping') {
      log.warn('SIGHUP while stopping: not reloading');
    } else {
      reload();
    }
  });

  let config: AgentConfig;
  let agent: Agent;
  try {
    config = await loadAgentConfig(options.config);
    const running = await runningDaemon(config.dataDir);
    if (running !== undefined) {
      process.stderr.write(
        `posbridge run: posbridge is already running (pid ${running.pid}, data folder ${config.dataDir}); ` +
          `stop it first (kill ${running.pid}) or give this one another dataDir\n`,
      );
      process.exit(1);
    }
    agent = await Agent.start(config);
  } catch (error) {
    const usage = error instanceof ConfigError || error instanceof ProfileError;
    process.stderr.write(`posbridge run: ${(error as Error).message}\n`);
    process.exit(usage ? 2 : 1);
  }
  const control = await startControlServer(config.dataDir, {
    status: () => agent.status(),
    inject: async (name, bytes) => {
      const link = agent.link(name);
      if (link === undefined) throw new Error(`no running link named "${name}"`);
      const { replyBytes } = await link.inject(bytes, 'test-print (control socket)');
      return { printerBytes: bytes.length, replyBytes };
    },
  }).catch((error: unknown) => {
    // Without the control socket the daemon still prints and captures; only status/test-print lose their way in.
    log.error({ reason: (error as Error).message }, 'control socket not available');
    return undefined;
  });
  const systemd = SystemdNotifier.fromEnvironment(log);

  phase = 'running';
  if (reloadAsked) reload();
  const stop = (signal: string): void => {
    phase = 'stopping';
    log.info({ signal }, 'stopping: finishing jobs in flight');
    systemd?.stopping();
    void reloading
      .then(() => agent.stop({ graceMs, drainMs: DRAIN_MS }))
      .then(() => control?.close())
      .then(
        () => 0,
        (error: unknown) => {
          log.error({ err: error }, 'stop failed');
          return 1;
        },
      )
      .then(async (code) => {
        await flushLog(EXIT_LOG_FLUSH_MS);
        process.exit(code);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  // Said only once the signal handlers are in place: a SIGHUP sent on seeing this line must reload, not kill.
  log.info({ config: config.source, dataDir: config.dataDir, links: config.links.map((l) => l.name), control: control?.path }, 'posbridge running');
  systemd?.ready(`running ${config.links.length} link(s)`);
  const hint = embeddedHint(config);
  if (hint !== undefined) log.info(hint);
}
