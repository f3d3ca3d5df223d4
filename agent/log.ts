// One structured logger for the whole agent. Logs go to stderr so that CLI output on stdout stays machine-readable.
// Nothing unmasked (card numbers, loyalty ids) may be passed to it: extraction masks before anything is logged.
import { pino, type Logger } from 'pino';

export type { Logger };

export const log: Logger = pino(
  {
    name: 'posbridge',
    level: process.env.POSBRIDGE_LOG_LEVEL ?? 'info',
    base: { pid: process.pid },
  },
  pino.destination({ dest: 2, sync: true }),
);
