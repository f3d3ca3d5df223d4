// `posbridge import`: arguments, options and help. The work is in ../import.ts, loaded when the command runs.
import type { Command } from 'commander';
import type { ImportOptions } from '../import.js';

export function register(program: Command): void {
  program
    .command('import')
    .description('bring raw jobs captured elsewhere (printer journals, capture files) into the store, to be parsed, sent and backfilled like captured ones')
    .argument('<files...>', 'capture files (raw printer bytes; several jobs each, cut by paper cuts)')
    .option('-c, --config <file>', 'agent configuration: data folder, timezone, profiles (default: the embedded default)')
    .option('--link <name>', 'the link the jobs are recorded under (its printer setup decodes them)', 'import')
    .option('--till <id>', 'the till the jobs are recorded under (default: the link\'s till)')
    .option('--json', 'one JSON line per file')
    .action(async (files: string[], options: ImportOptions) => (await import('../import.js')).importFiles(files, options));
}
