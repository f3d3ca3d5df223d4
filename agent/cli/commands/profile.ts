// `posbridge profile test|validate`: arguments, options and help. The work is in ../profile.ts, loaded when a subcommand runs.
import type { Command } from 'commander';
import { DEFAULT_TIMEZONE } from '../../extract/dates.js';
import type { TestOptions } from '../profile.js';

export function register(program: Command): void {
  const profile = program.command('profile').description('check layout profiles against captured receipts');
  profile
    .command('test')
    .description("extract every receipt in CAPTURES with PROFILE (a profile file, or 'generic'), show each receipt's checks and the share fully reconciled; exit 1 below --min-share")
    .argument('<profile>', "layout profile file (.yaml, .yml, .json) or 'generic'")
    .argument('<captures...>', 'raw print-job captures; a file may hold several jobs split on paper cuts')
    .option('--min-share <share>', 'lowest acceptable share of receipts fully reconciled, 0 to 1', '1')
    .option('--timezone <zone>', 'IANA timezone of the till clock', DEFAULT_TIMEZONE)
    .action(async (profileArg: string, captures: string[], options: TestOptions) => (await import('../profile.js')).testProfile(profileArg, captures, options));
  profile
    .command('validate')
    .description('validate layout profile files; exit 1 if any is invalid')
    .argument('<files...>', 'layout profile files')
    .action(async (files: string[]) => (await import('../profile.js')).validate(files));
}
