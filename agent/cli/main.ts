// The `posbridge` command line. Each command's arguments, options and help live in commands/ and cost next to
// nothing to load; what a command does lives in its own module here, imported by its action only when it runs,
// so `--version`, `--help` and `parse` do not load the daemon, the store, OCR or the network clients.
import { Command } from 'commander';
import { VERSION } from '../version.js';
import { register as registerBackfill } from './commands/backfill.js';
import { register as registerImport } from './commands/import.js';
import { register as registerDevBackend } from './commands/dev-backend.js';
import { register as registerDoctor } from './commands/doctor.js';
import { register as registerParse } from './commands/parse.js';
import { register as registerProfile } from './commands/profile.js';
import { register as registerRun } from './commands/run.js';
import { register as registerStatus } from './commands/status.js';
import { register as registerTail } from './commands/tail.js';
import { register as registerTestPrint } from './commands/test-print.js';

const program = new Command()
  .name('posbridge')
  .description('ESC/POS print-path bridge: capture, decode, extract, store and forward till receipts.')
  .version(VERSION);

// Commands register below, one line each.
registerParse(program);
registerProfile(program);
registerRun(program);
registerTail(program);
registerTestPrint(program);
registerStatus(program);
registerBackfill(program);
registerImport(program);
registerDevBackend(program);
registerDoctor(program);

await program.parseAsync(process.argv);
