// Where sinks read what their config only points at: secrets (a token, a password) from a file or an
// environment variable, and files named relative to the config's folder. Errors name where a secret should have
// come from, never what it is, so they can be logged.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/** A sink's config or its files are not right: refused at start or reload, naming the key or file. */
export class SinkConfigError extends Error {
  override name = 'SinkConfigError';
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

/**
 * Reads a secret now: the file's content (a token, or a whole .creds file), or the variable, trimmed. Throws `SinkConfigError` (or the
 * given subclass) saying `<what>: …` and naming the source when it is missing, unreadable or empty.
 */
export function readSecret(source: SecretSource, baseDir: string, what: string, Failure: new (message: string) => SinkConfigError = SinkConfigError): string {
  let value: string | undefined;
  if (source.file !== undefined) {
    try {
      value = readFileSync(configPath(source.file, baseDir), 'utf8');
    } catch (error) {
      throw new Failure(`${what}: cannot read ${describeSource(source, baseDir)} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  } else {
    value = source.env === undefined ? undefined : process.env[source.env];
  }
  const secret = value?.trim() ?? '';
  if (secret === '') throw new Failure(`${what}: ${describeSource(source, baseDir)} is empty or not set`);
  return secret;
}
