// `posbridge run`: options and help. The daemon (../run.ts → agent/daemon) is loaded only when the command runs.
import type { Command } from 'commander';
import type { RunOptions } from '../run.js';

export function register(program: Command): void {
  program
    .command('run')
    .description('run the print-path bridge: pass every byte between tills and printers, capture, decode and store each job')
    .option('-c, --config <file>', 'agent configuration (YAML or JSON); without it, the embedded default: a network printer on 127.0.0.1:9100 writing jobs to files')
    .option('--grace-ms <ms>', 'on stop or reload, how long connections in flight may take to finish', '5000')
    .action(async (options: RunOptions) => (await import('../run.js')).run(options));
}
