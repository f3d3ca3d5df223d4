// `posbridge test-print`: options and help. The work is in ../test-print.ts, loaded when the command runs.
import type { Command } from 'commander';
import type { TestPrintOptions } from '../test-print.js';

export function register(program: Command): void {
  program
    .command('test-print')
    .description('send a test receipt through a link (till side → posbridge → printer) to check an install end to end')
    .option('-c, --config <file>', 'agent configuration (default: the embedded default)')
    .option('--link <name>', 'the link to print through (default: the first)')
    .option('--via-daemon', "inject through the running daemon's control socket even for a TCP till side")
    .action(async (options: TestPrintOptions) => (await import('../test-print.js')).testPrint(options));
}
