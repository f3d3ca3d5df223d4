// Turns the configured credentials into a NATS authenticator. Secrets are read from their file or environment
// variable when the sink is made (so a missing one is a config error at start) and again at every (re)connect
// (so a rotated token file is picked up without a restart). No secret value ever reaches a log line or an error
// message: errors name where the secret should have come from, not what it is.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { credsAuthenticator, tokenAuthenticator, usernamePasswordAuthenticator, type Authenticator } from '@nats-io/transport-node';
import type { Logger } from '../../log.js';
import type { NatsCredentials } from './config.js';

export class NatsCredentialsError extends Error {
  override readonly name = 'NatsCredentialsError';
}

export interface SecretSource {
  readonly file?: string | undefined;
  readonly env?: string | undefined;
}

/** A path from the config, made absolute against the config file's folder. */
export function configPath(path: string, baseDir: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

function describeSource(source: SecretSource, baseDir: string): string {
  return source.file !== undefined ? `file ${configPath(source.file, baseDir)}` : `environment variable ${source.env}`;
}

/** Reads a secret now; throws NatsCredentialsError naming the source (never the value) when it is missing or empty. */
export function readSecret(source: SecretSource, baseDir: string, what: string): string {
  let value: string | undefined;
  if (source.file !== undefined) {
    try {
      value = readFileSync(configPath(source.file, baseDir), 'utf8');
    } catch (error) {
      throw new NatsCredentialsError(`NATS ${what}: cannot read ${describeSource(source, baseDir)} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  } else {
    value = source.env === undefined ? undefined : process.env[source.env];
  }
  const secret = value?.trim() ?? '';
  if (secret === '') throw new NatsCredentialsError(`NATS ${what}: ${describeSource(source, baseDir)} is empty or not set`);
  return secret;
}

/**
 * A secret re-read at every call, falling back to the last good value (with a warning) when the source has
 * become unreadable, so a half-written rotated file does not take the sink down.
 */
function rereadable(source: SecretSource, baseDir: string, what: string, logger: Logger): () => string {
  let last = readSecret(source, baseDir, what);
  return () => {
    try {
      last = readSecret(source, baseDir, what);
    } catch (error) {
      logger.warn({ err: (error as Error).message }, `NATS ${what} could not be re-read; using the one read before`);
    }
    return last;
  };
}

/** The authenticator for these credentials (undefined: connect without authentication). Throws on a missing secret. */
export function authenticatorFor(credentials: NatsCredentials | undefined, baseDir: string, logger: Logger): Authenticator | undefined {
  if (credentials === undefined) return undefined;
  switch (credentials.kind) {
    case 'token':
      return tokenAuthenticator(rereadable(credentials.token, baseDir, 'token', logger));
    case 'user':
      return usernamePasswordAuthenticator(credentials.user, rereadable(credentials.password, baseDir, 'password', logger));
    case 'creds': {
      const creds = rereadable({ file: credentials.file }, baseDir, 'creds file', logger);
      return credsAuthenticator(() => new TextEncoder().encode(creds()));
    }
  }
}
