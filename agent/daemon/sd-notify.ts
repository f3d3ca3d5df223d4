// systemd's notify protocol for `Type=notify` with a watchdog: READY=1 once the links run, WATCHDOG=1 at half
// the watchdog interval while the event loop turns (a hung passthrough thread stops the pings and systemd
// restarts the service), STOPPING=1 on the way out. Node has no AF_UNIX datagram socket, so the messages go
// through systemd-notify (the unit sets NotifyAccess=all); its barrier makes systemd read each message while
// the sender still lives. Without NOTIFY_SOCKET (not under systemd) nothing is sent.
import { execFile } from 'node:child_process';
import type { Logger } from '../log.js';

const SEND_TIMEOUT_MS = 10_000;

export class SystemdNotifier {
  readonly #log: Logger;
  readonly #env: NodeJS.ProcessEnv;
  #watchdog: NodeJS.Timeout | undefined;
  #warned = false;

  private constructor(env: NodeJS.ProcessEnv, logger: Logger) {
    this.#env = env;
    this.#log = logger;
  }

  /** A notifier when systemd asked for one (NOTIFY_SOCKET set), else undefined. */
  static fromEnvironment(logger: Logger, env: NodeJS.ProcessEnv = process.env): SystemdNotifier | undefined {
    return env.NOTIFY_SOCKET === undefined || env.NOTIFY_SOCKET === '' ? undefined : new SystemdNotifier(env, logger);
  }

  /** The watchdog interval systemd asked for, if it is meant for this process. */
  get watchdogMs(): number | undefined {
    const usec = Number(this.#env.WATCHDOG_USEC);
    const pid = this.#env.WATCHDOG_PID;
    if (!(usec > 0) || (pid !== undefined && pid !== '' && Number(pid) !== process.pid)) return undefined;
    return usec / 1000;
  }

  ready(status: string): void {
    this.#send(['--ready', `--status=${status}`]);
    const interval = this.watchdogMs;
    if (interval === undefined) return;
    this.#watchdog = setInterval(() => this.#send(['WATCHDOG=1']), Math.max(100, interval / 2));
    this.#watchdog.unref();
  }

  stopping(): void {
    clearInterval(this.#watchdog);
    this.#send(['STOPPING=1']);
  }

  #send(args: string[]): void {
    const child = execFile('systemd-notify', args, { env: this.#env, timeout: SEND_TIMEOUT_MS }, (error) => {
      if (error === null || this.#warned) return;
      // Once: a missing systemd-notify or a stuck socket would otherwise log at every ping.
      this.#warned = true;
      this.#log.warn({ reason: error.message }, 'systemd notification failed (is systemd-notify installed?); the watchdog may restart the service');
    });
    child.unref();
  }
}
