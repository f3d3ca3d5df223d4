// The `posbridge` command line: every command's arguments, options and help, and nothing else. Each action
// imports the module that does its command's work only when that command runs, so `--version`, `--help` and
// `parse` do not load the daemon, the store, OCR or the network clients. Everything imported here is small and
// loads nothing heavy: the few values help shows (choices, defaults) come from modules without dependencies.
// One module on purpose (the entry point too): each ESM module loaded costs start-up time and memory of its own,
// and one more here took `--version` from 46 to 51 MiB. The bin runs this module bundled (rolldown.config.js says
// what the bundle holds and what it leaves as modules of their own).
import { Command, InvalidArgumentError, Option } from './commander.js';
import { commandModule } from './turbofan.js';
import { VERSION } from '../version.js';
import { CODE_PAGE_NUMBERINGS, DIALECTS, KANJI_ENCODINGS } from '../decode/setup-names.js';
import { PRINTER_MODEL_NAMES } from '../decode/models.js';
import { DEFAULT_DATA_DIR, DEFAULT_MAX_BATCH, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT } from '../dev-backend/defaults.js';
import { DEFAULT_TIMEZONE } from '../extract/dates.js';
import type { BackfillCliOptions } from './backfill.js';
import type { DevBackendCliOptions } from './dev-backend.js';
import type { DoctorOptions } from './doctor.js';
import type { ImportOptions } from './import.js';
import type { ParseOptions } from './parse.js';
import type { TestOptions } from './profile.js';
import type { RunOptions } from './run.js';
import type { StatusOptions } from './status.js';
import type { TailOptions } from './tail.js';
import type { TestPrintOptions } from './test-print.js';
import { parseSince } from './since.js';

// Option-value parsers: commander calls them while it reads the command line, so a malformed value gets
// commander's usage error before the command's module is even loaded.
function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number.');
  return Number(value);
}

function positive(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number above 0.');
  return n;
}

/** A repeatable option's values, in the order given. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The document formats of `--format`; parse.ts has one writer for each. */
export const PARSE_FORMATS = ['text', 'json', 'html'] as const;
export type ParseFormat = (typeof PARSE_FORMATS)[number];

function defineParse(program: Command): void {
  program
    .command('parse')
    .description('decode captured ESC/POS or Star jobs and print each one as text, document JSON (one per line) or an HTML preview; --json prints one basket per receipt')
    .argument('<files...>', 'raw print-job captures; a file may hold several jobs split on paper cuts')
    .addOption(new Option('-f, --format <format>', 'output format').choices(PARSE_FORMATS).default('text'))
    .option('--paper-width <dots>', 'printable width in dots (576 for 80 mm paper, 384 for 58 mm)', wholeNumber, 576)
    .option('--code-page <n>', 'ESC t code page in force before the job selects one (printer setting)', wholeNumber, 0)
    .option('--json', 'extract baskets: one JSON object per receipt, one per line (JSON Lines)')
    .option('--document', 'with --json: print the decoded documents instead of baskets (same as --format json)')
    .option('--timezone <zone>', 'IANA timezone of the till clock, for basket times', DEFAULT_TIMEZONE)
    .option('--currency <code>', 'ISO 4217 currency of the store, for receipts that print none (default: inferred per receipt)')
    .option('--locale <tag>', 'locale of the store (en-GB, en-US, de-DE, fr-FR...): date order, decimal separator, language (default: inferred)')
    .option('--profile <path>', 'layout profile file or folder of profiles for basket extraction (repeatable)', collect)
    .addOption(new Option('--kanji <encoding>', 'multi-byte encoding for Kanji mode (FS &)').choices(KANJI_ENCODINGS))
    .addOption(
      new Option('--code-page-numbering <maker>', "whose ESC t numbers the printer uses (printer setting; default epson, or the model's)").choices(
        CODE_PAGE_NUMBERINGS,
      ),
    )
    .addOption(new Option('--dialect <name>', 'command language the printer speaks (default auto: recognised from the bytes)').choices(DIALECTS))
    .addOption(new Option('--model <name>', 'printer model: sets dialect, paper width and code-page numbering in one word').choices(PRINTER_MODEL_NAMES))
    .option('--utf8', 'the printer starts in UTF-8 rather than a code page (printer setting; FS ( C switches it too)')
    .action(async (files: string[], options: ParseOptions, command: Command) => (await commandModule(() => import('./parse.js'))).parse(files, options, command));
}

function defineProfile(program: Command): void {
  const profile = program.command('profile').description('check layout profiles against captured receipts');
  profile
    .command('test')
    .description("extract every receipt in CAPTURES with PROFILE (a profile file, or 'generic'), show each receipt's checks and the share fully reconciled; exit 1 below --min-share")
    .argument('<profile>', "layout profile file (.yaml, .yml, .json) or 'generic'")
    .argument('<captures...>', 'raw print-job captures; a file may hold several jobs split on paper cuts')
    .option('--min-share <share>', 'lowest acceptable share of receipts fully reconciled, 0 to 1', '1')
    .option('--timezone <zone>', 'IANA timezone of the till clock', DEFAULT_TIMEZONE)
    .action(async (profileArg: string, captures: string[], options: TestOptions) => (await commandOf<typeof import('./profile.js')>('./profile.js')).testProfile(profileArg, captures, options));
  profile
    .command('validate')
    .description('validate layout profile files; exit 1 if any is invalid')
    .argument('<files...>', 'layout profile files')
    .action(async (files: string[]) => (await commandOf<typeof import('./profile.js')>('./profile.js')).validate(files));
}

function defineRun(program: Command): void {
  program
    .command('run')
    .description('run the print-path bridge: pass every byte between tills and printers, capture, decode and store each job')
    .option('-c, --config <file>', 'agent configuration (YAML or JSON); without it, the embedded default: a network printer on 127.0.0.1:9100 writing jobs to files')
    .option('--grace-ms <ms>', 'on stop or reload, how long connections in flight may take to finish', '5000')
    .action(async (options: RunOptions) => {
      // Before the daemon's modules load: loading them is what first grows the young generation.
      (await importBeside<typeof import('../daemon/heap-tuning.js')>('../daemon/heap-tuning.js')).tuneDaemonHeap();
      await (await commandOf<typeof import('./run.js')>('./run.js')).run(options);
    });
}

function defineTail(program: Command): void {
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
    .action(async (options: TailOptions) => (await commandOf<typeof import('./tail.js')>('./tail.js')).tail(options));
}

function defineTestPrint(program: Command): void {
  program
    .command('test-print')
    .description('send a test receipt through a link (till side → posbridge → printer) to check an install end to end')
    .option('-c, --config <file>', 'agent configuration (default: the embedded default)')
    .option('--link <name>', 'the link to print through (default: the first)')
    .option('--via-daemon', "inject through the running daemon's control socket even for a TCP till side")
    .action(async (options: TestPrintOptions) => (await commandOf<typeof import('./test-print.js')>('./test-print.js')).testPrint(options));
}

function defineStatus(program: Command): void {
  program
    .command('status')
    .description("ask the running daemon how its links, capture and forwarding are doing")
    .option('-c, --config <file>', 'agent configuration, for the data folder (default: the embedded default)')
    .option('--json', 'the raw status as JSON')
    .action(async (options: StatusOptions) => (await commandOf<typeof import('./status.js')>('./status.js')).status(options));
}

function defineBackfill(program: Command): void {
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
    .action(async (options: BackfillCliOptions) => (await commandOf<typeof import('./backfill.js')>('./backfill.js')).backfill(options));
}

function defineImport(program: Command): void {
  program
    .command('import')
    .description('bring raw jobs captured elsewhere (printer journals, capture files) into the store, to be parsed, sent and backfilled like captured ones')
    .argument('<files...>', 'capture files (raw printer bytes; several jobs each, cut by paper cuts)')
    .option('-c, --config <file>', 'agent configuration: data folder, timezone, profiles (default: the embedded default)')
    .option('--link <name>', 'the link the jobs are recorded under (its printer setup decodes them)', 'import')
    .option('--till <id>', 'the till the jobs are recorded under (default: the link\'s till)')
    .option('--json', 'one JSON line per file')
    .action(async (files: string[], options: ImportOptions) => (await commandOf<typeof import('./import.js')>('./import.js')).importFiles(files, options));
}

function defineDevBackend(program: Command): void {
  program
    .command('dev-backend')
    .description('run the reference receipts backend (docs/backend-api.md): stores what agents send, shows it at /, injects faults on request')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('-p, --port <port>', 'port to listen on (0: any free port)', String(DEFAULT_PORT))
    .option('--data <dir>', 'folder for its SQLite file', DEFAULT_DATA_DIR)
    .option('--token <token>', 'bearer token every API request must carry (default: none, the API is open)')
    .option('--token-file <file>', 'read the bearer token from this file')
    .option('--max-body-bytes <n>', 'bodies over this get 413', String(DEFAULT_MAX_BODY_BYTES))
    .option('--max-batch <n>', 'batches with more receipts than this get 413', String(DEFAULT_MAX_BATCH))
    .option('--delay <ms>', 'answer every receipts request this much later', '0')
    .option('--fault <spec>', 'misbehave on receipts requests (repeatable): delay:MS, 500, 502, 503[:S], 504, 429[:S], drop, drop-after-store, junk, retry; join with +', collect, [])
    .option('--fault-rate <share>', 'share of receipts requests that get one of the --fault faults (0..1)', '1')
    .option('--fault-count <n>', 'only the first N receipts requests get a --fault fault; then it is healthy')
    .addHelpText('after', '\nPer request: an x-dev-backend-fault: SPEC header, or POST /_faults {"next": [SPEC, ...]} for the next requests, one each.')
    .action(async (options: DevBackendCliOptions) => (await commandOf<typeof import('./dev-backend.js')>('./dev-backend.js')).devBackend(options));
}

function defineDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check the config, ports, devices, printers, backend, clock, disk, database and service, and say how to fix what is wrong')
    .option('-c, --config <file>', 'agent configuration (default: the embedded default); run as the service user: sudo -u posbridge posbridge doctor --config /etc/posbridge/posbridge.yaml')
    .option('--json', 'findings as JSON, for fleet tooling')
    .action(async (options: DoctorOptions) => (await commandOf<typeof import('./doctor.js')>('./doctor.js')).doctor(options));
}

/**
 * Imports an ES module of dist/ by its path from this one: every command's module but parse's, which stay tsc's
 * modules, outside the bundle (rolldown.config.js). The bin compiles the bundle as scripts, from V8 code caches
 * (code-cache.ts), and in a script Node 20 has no loader for import() (only behind --experimental-vm-modules), so
 * the bin's loader, itself an ES module, imports for it (startCli).
 */
export type ImportBeside = (specifier: string) => Promise<unknown>;
let importBesideBundle: ImportBeside | undefined;

function importBeside<T>(specifier: string): Promise<T> {
  if (importBesideBundle === undefined) throw new Error('the CLI was not started by startCli');
  return importBesideBundle(specifier) as Promise<T>;
}

/** A command's module, imported as commandModule says (Turbofan off until the command is busy). */
const commandOf = <T>(specifier: string): Promise<T> => commandModule(() => importBeside<T>(specifier));

const program = new Command()
  .name('posbridge')
  .description('ESC/POS print-path bridge: capture, decode, extract, store and forward till receipts.')
  .version(VERSION);
/** Every command's definition, in the order `posbridge --help` lists them. */
const COMMANDS: readonly [name: string, define: (program: Command) => void][] = [
  ['parse', defineParse],
  ['profile', defineProfile],
  ['run', defineRun],
  ['tail', defineTail],
  ['test-print', defineTestPrint],
  ['status', defineStatus],
  ['backfill', defineBackfill],
  ['import', defineImport],
  ['dev-backend', defineDevBackend],
  ['doctor', defineDoctor],
];
/** Runs the command on the command line; `importer` imports the modules of dist/ (see ImportBeside). */
export function startCli(importer: ImportBeside): void {
  importBesideBundle = importer;
  // A command named first on the command line is the only one defined: commander dispatches to it, and its help and
  // errors are its own, so the other commands' options would be built for nothing (a few milliseconds of start-up).
  // Anything else (--help, help, --version, a mistyped command) gets them all, to list them or suggest one.
  const named = COMMANDS.find(([name]) => name === process.argv[2]);
  for (const [, define] of named === undefined ? COMMANDS : [named]) define(program);
  // Not awaited: the bundle is CommonJS, which has no top-level await. A command that fails rejects, and Node
  // reports it and exits 1, as it did when this was awaited at the top level.
  void program.parseAsync(process.argv);
}
