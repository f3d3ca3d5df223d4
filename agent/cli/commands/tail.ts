// `posbridge tail`: options and help. The work is in ../tail.ts, loaded when the command runs.
import type { Command } from 'commander';
import { parseSince } from '../since.js';
import type { TailOptions } from '../tail.js';
import { wholeNumber } from './arguments.js';

export function register(program: Command): void {
  program
    .command('tail')
    .description('show baskets as they are captured, one line each: time, till, total, items, confidence, kind, receipt number')
    .option('-c, --config <file>', 'agent configuration, for the data folder and timezone (default: the embedded default)')
    .option('--since <when>', 'start from this time: ISO 8601 (no offset: the config timezone), or a duration back from now (30s, 10m, 2h, 1d)', (text) => {
      parseSince(text, 'UTC'); // rejects a malformed time here, with commander's usage error
      return text;
    })
    .option('-n, --lines <count>', 'without --since, how many of the latest baskets to show first', wholeNumber, 10)
    .option('--link <name>', 'only baskets from this link')
    .option('--json', 'each basket as one JSON line (with seq, jobId, link and capturedAt)')
    .option('--no-follow', 'print what is stored and exit')
    .action(async (options: TailOptions) => (await import('../tail.js')).tail(options));
}
