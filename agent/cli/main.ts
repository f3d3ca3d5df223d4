// The `posbridge` command line. Each command lives in its own module and registers itself here.
import { Command } from 'commander';
import { createRequire } from 'node:module';
import { register as registerBackfill } from './backfill.js';
import { register as registerImport } from './import.js';
import { register as registerDevBackend } from './dev-backend.js';
import { register as registerDoctor } from './doctor.js';
import { register as registerParse } from './parse.js';
import { register as registerProfile } from './profile.js';
import { register as registerRun } from './run.js';
import { register as registerStatus } from './status.js';
import { register as registerTail } from './tail.js';
import { register as registerTestPrint } from './test-print.js';

const pkg = createRequire(import.meta.url)('../../../package.json') as { version: string };

const program = new Command()
  .name('posbridge')
  .description('ESC/POS print-path bridge: capture, decode, extract, store and forward till receipts.')
  .version(pkg.version);

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
