// `posbridge backfill`: options and help. The work is in ../backfill.ts, loaded when the command runs.
import type { Command } from 'commander';
import type { BackfillCliOptions } from '../backfill.js';
import { positive } from './arguments.js';

export function register(program: Command): void {
  program
    .command('backfill')
    .description('re-send stored receipts to the backend; with --reparse, re-read the stored raw jobs with today\'s rules and send what changed')
    .option('-c, --config <file>', 'agent configuration: data folder, sinks, profiles (default: the embedded default)')
    .option('--from <time>', 'only receipts captured at or after this time (ISO, local to the config timezone, or 2h, 3d back)')
    .option('--to <time>', 'only receipts captured before this time')
    .option('--till <id>', 'only this till')
    .option('--status <which>', 'without --reparse, which deliveries to re-send: failed, dead or all', 'all')
    .option('--reparse', 're-decode and re-extract the raw jobs; store and send a new revision where the basket changed')
    .option('--dry-run', 'say what would be re-parsed and sent; write and send nothing')
    .option('--rate <n>', 'send at most n baskets a second', positive)
    .option('--sink <name...>', 'only these sinks (default: every configured sink)')
    .option('--give-up-after <seconds>', 'stop when the backend has refused everything this long (what is left stays queued)', positive, 60)
    .option('--json', 'the summary as JSON')
    .action(async (options: BackfillCliOptions) => (await import('../backfill.js')).backfill(options));
}
