// A logger wrapper for lines written once per connection or session, so that a flood of connections is not a
// flood of log lines. Given to drivers with their logger; capture uses it for its per-session lines too.
import type { Logger } from '../../agent/model/index.js';

type Level = 'debug' | 'info' | 'warn' | 'error';

interface Window {
  startedAt: number;
  logged: number;
  suppressed: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Lines written once per connection or session (a till connection reset, a printer that refused it): a flood
 * of connections must not become a flood of log lines. Each message is logged at most `burst` times per
 * `windowMs`; the rest are counted and reported in one line when the window ends.
 */
export class RateLimitedLog {
  readonly #logger: Logger;
  readonly #windowMs: number;
  readonly #burst: number;
  readonly #windows = new Map<string, Window>();

  constructor(logger: Logger, options: { windowMs?: number; burst?: number } = {}) {
    this.#logger = logger;
    this.#windowMs = options.windowMs ?? 10_000;
    this.#burst = options.burst ?? 10;
  }

  debug(details: object, message: string): void {
    this.#write('debug', details, message);
  }

  info(details: object, message: string): void {
    this.#write('info', details, message);
  }

  warn(details: object, message: string): void {
    this.#write('warn', details, message);
  }

  #write(level: Level, details: object, message: string): void {
    if (!this.#logger.isLevelEnabled(level)) return;
    const key = `${level}\u0000${message}`;
    const now = Date.now();
    let window = this.#windows.get(key);
    if (window === undefined || now - window.startedAt >= this.#windowMs) {
      if (window !== undefined) this.#report(level, message, window);
      window = { startedAt: now, logged: 0, suppressed: 0, timer: undefined };
      this.#windows.set(key, window);
    }
    if (window.logged < this.#burst) {
      window.logged++;
      this.#logger[level](details, message);
      return;
    }
    window.suppressed++;
    if (window.timer === undefined) {
      const current = window;
      current.timer = setTimeout(() => {
        if (this.#windows.get(key) === current) this.#windows.delete(key);
        this.#report(level, message, current);
      }, this.#windowMs - (now - window.startedAt)).unref();
    }
  }

  #report(level: Level, message: string, window: Window): void {
    clearTimeout(window.timer);
    window.timer = undefined;
    if (window.suppressed === 0) return;
    this.#logger[level]({ suppressed: window.suppressed, windowMs: this.#windowMs }, `${message} (and more like it, not logged one by one)`);
    window.suppressed = 0;
  }
}
