// Turns the configured credentials into a NATS authenticator. Secrets are read from their file or environment
// variable when the sink is made (so a missing one is a config error at start) and again at every (re)connect
// (so a rotated token file is picked up without a restart). No secret value ever reaches a log line or an error
// message: errors name where the secret should have come from, not what it is.
import { credsAuthenticator, tokenAuthenticator, usernamePasswordAuthenticator, type Authenticator } from '@nats-io/transport-node';
import type { Logger } from '../../log.js';
import { configPath, readSecret, type SecretSource } from '../secrets.js';
import { NatsCredentialsError, natsSecret, type NatsCredentials } from './config.js';

export { configPath, NatsCredentialsError };

/**
 * A secret re-read at every call, falling back to the last good value (with a warning) when the source has
 * become unreadable, so a half-written rotated file does not take the sink down.
 */
function rereadable(source: SecretSource, baseDir: string, what: string, logger: Logger): () => string {
  let last = readSecret(source, baseDir, `NATS ${what}`, NatsCredentialsError);
  return () => {
    try {
      last = readSecret(source, baseDir, `NATS ${what}`, NatsCredentialsError);
    } catch (error) {
      logger.warn({ err: (error as Error).message }, `NATS ${what} could not be re-read; using the one read before`);
    }
    return last;
  };
}

/** The authenticator for these credentials (undefined: connect without authentication). Throws on a missing secret. */
export function authenticatorFor(credentials: NatsCredentials | undefined, baseDir: string, logger: Logger): Authenticator | undefined {
  const secret = natsSecret(credentials);
  if (credentials === undefined || secret === undefined) return undefined;
  const read = rereadable(secret.source, baseDir, secret.what, logger);
  switch (credentials.kind) {
    case 'token':
      return tokenAuthenticator(read);
    case 'user':
      return usernamePasswordAuthenticator(credentials.user, read);
    case 'creds':
      return credsAuthenticator(() => new TextEncoder().encode(read()));
  }
}
