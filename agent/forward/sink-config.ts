// The sinks' configs, as the agent's config takes them (a `kind` per sink folder), and the checks of the files and
// environment variables they name. Kept apart from the sinks themselves (registry.ts), which bring their HTTP and
// NATS clients: the passthrough thread validates configs, the processing worker forwards.
import { z } from 'zod';
import { httpSinkConfigSchema, httpSinkSecrets } from './http/config.js';
import { checkNatsCredentials, natsSinkConfigSchema } from './nats/config.js';

export const sinkConfigSchema = z.discriminatedUnion('kind', [httpSinkConfigSchema, natsSinkConfigSchema]);

export type SinkConfig = z.output<typeof sinkConfigSchema>;

/** The name a sink is known by in the outbox: its own, or its kind. */
export function sinkName(config: SinkConfig): string {
  return config.name ?? config.kind;
}

/**
 * Reads what the sink's config names outside the config (token, CA and credentials files, environment variables),
 * as the sink will when it is made: a SinkConfigError naming the one that cannot be read.
 */
export function checkSinkFiles(config: SinkConfig, baseDir: string): void {
  switch (config.kind) {
    case 'http':
      httpSinkSecrets(config, baseDir);
      return;
    case 'nats':
      checkNatsCredentials(config.credentials, baseDir);
      return;
  }
}
