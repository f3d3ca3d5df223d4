// One structured logger for the whole agent. Logs go to stderr so that CLI output on stdout stays machine-readable.
// Nothing unmasked (card numbers, loyalty ids) may be passed to it: extraction masks before anything is logged.
//
// On the main thread (the passthrough) logging must never wait: a stuck journal or a full stderr pipe would stop
// printing. Lines are written asynchronously (pino's SonicBoom, off the event loop), held up to MAX_HELD_BYTES
// while stderr does not take them (beyond that, lines are dropped, never printing), and flushed synchronously
// when the process exits, so a stop's last words still reach stderr. Worker threads log synchronously: a blocked
// worker does not touch printing, and their lines are not lost when the worker is stopped.
import { isMainThread } from 'node:worker_threads';
import { pino, type Logger } from 'pino';

export type { Logger };

const MAX_HELD_BYTES = 8 * 1024 * 1024;

export const log: Logger = pino(
  {
    name: 'posbridge',
    level: process.env.POSBRIDGE_LOG_LEVEL ?? 'info',
    base: { pid: process.pid },
  },
  pino.destination({ dest: 2, sync: !isMainThread, ...(isMainThread && { maxLength: MAX_HELD_BYTES }) }),
);

/**
 * Resolves once every line logged so far is written, or after `timeoutMs` (a stderr nobody reads). Call it before
 * `process.exit`: the exit's own synchronous flush writes the held lines while an asynchronous write may still be
 * under way, and on a pipe that was full the two can land out of order (a stop's last line before the lines it
 * follows).
 */
export function flushLog(timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    log.flush(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

// Drivers and capture share the per-connection line limiter; it lives with the drivers, which import nothing
// from agent/ but the model.
export { RateLimitedLog } from '../drivers/shared/rate-limited-log.js';
