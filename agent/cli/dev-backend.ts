// `posbridge dev-backend`: the reference receipts backend (agent/dev-backend/), for development, demos and the
// end-to-end tests: it implements docs/backend-api.md, keeps what it receives in its own SQLite file, shows it at
// `/`, and misbehaves on request. It prints its URL on stdout once it listens; SIGTERM/SIGINT close it cleanly.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { DEFAULT_DATA_DIR, DEFAULT_MAX_BATCH, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT, type DevBackendOptions } from '../dev-backend/config.js';
import { startDevBackend } from '../dev-backend/server.js';
import { log } from '../log.js';

interface DevBackendCliOptions {
  host: string;
  port: string;
  data: string;
  token?: string;
  tokenFile?: string;
  maxBodyBytes: string;
  maxBatch: string;
  delay: string;
  fault: string[];
  faultRate: string;
  faultCount?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function tokenFrom(options: DevBackendCliOptions): string | undefined {
  if (options.token !== undefined && options.tokenFile !== undefined) throw new InvalidArgumentError('give --token or --token-file, not both');
  if (options.tokenFile === undefined) return options.token;
  // A token file written by `echo` ends in a newline that is not part of the token.
  return readFileSync(options.tokenFile, 'utf8').trim();
}

async function devBackend(options: DevBackendCliOptions): Promise<void> {
  let backend;
  try {
    // Numbers arrive as text; the zod schema in dev-backend/config.ts judges them, once.
    const number = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text));
    const settings: DevBackendOptions = {
      host: options.host,
      port: number(options.port),
      dataDir: options.data,
      token: tokenFrom(options),
      maxBodyBytes: number(options.maxBodyBytes),
      maxBatch: number(options.maxBatch),
      faults: {
        delayMs: number(options.delay),
        specs: options.fault,
        rate: number(options.faultRate),
        ...(options.faultCount !== undefined && { count: number(options.faultCount) }),
      },
    };
    backend = await startDevBackend(settings, log);
  } catch (error) {
    const message = error instanceof z.ZodError ? z.prettifyError(error) : (error as Error).message;
    process.stderr.write(`posbridge dev-backend: ${message}\n`);
    process.exit(error instanceof z.ZodError || error instanceof InvalidArgumentError ? 2 : 1);
  }
  process.stdout.write(`posbridge dev-backend listening on ${backend.url} (receipts in ${backend.store.file})\n`);
  const stop = (signal: string): void => {
    log.info({ signal }, 'dev-backend stopping');
    backend.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'dev-backend stop failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

export function register(program: Command): void {
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
    .action((options: DevBackendCliOptions) => devBackend(options));
}
