// `posbridge dev-backend`: options and help. The backend (../dev-backend.ts → agent/dev-backend) loads when the command runs.
import type { Command } from 'commander';
import { DEFAULT_DATA_DIR, DEFAULT_MAX_BATCH, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT } from '../../dev-backend/defaults.js';
import type { DevBackendCliOptions } from '../dev-backend.js';
import { collect } from './arguments.js';

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
    .action(async (options: DevBackendCliOptions) => (await import('../dev-backend.js')).devBackend(options));
}
