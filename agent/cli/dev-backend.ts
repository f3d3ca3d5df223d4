// `posbridge dev-backend`: the reference receipts backend (agent/dev-backend/), for development, demos and the
// end-to-end tests: it implements docs/backend-api.md, keeps what it receives in its own SQLite file, shows it at
// `/`, and misbehaves on request. It prints its URL on stdout once it listens; SIGTERM/SIGINT close it cleanly.
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from './commander.js';
import { z } from 'zod';
import { DEFAULT_DATA_DIR, DEFAULT_MAX_BATCH, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT, type DevBackendOptions } from '../dev-backend/config.js';
import { startDevBackend } from '../dev-backend/server.js';
import { log } from '../log.js';

export interface DevBackendCliOptions {
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

function tokenFrom(options: DevBackendCliOptions): string | undefined {
  if (options.token !== undefined && options.tokenFile !== undefined) throw new InvalidArgumentError('give --token or --token-file, not both');
  if (options.tokenFile === undefined) return options.token;
  // A token file written by `echo` ends in a newline that is not part of the token.
  return readFileSync(options.tokenFile, 'utf8').trim();
}

export async function devBackend(options: DevBackendCliOptions): Promise<void> {
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
