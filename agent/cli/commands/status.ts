// `posbridge status`: options and help. The work is in ../status.ts, loaded when the command runs.
import type { Command } from 'commander';
import type { StatusOptions } from '../status.js';

export function register(program: Command): void {
  program
    .command('status')
    .description("ask the running daemon how its links, capture and forwarding are doing")
    .option('-c, --config <file>', 'agent configuration, for the data folder (default: the embedded default)')
    .option('--json', 'the raw status as JSON')
    .action(async (options: StatusOptions) => (await import('../status.js')).status(options));
}
