// The HTTP sink's config: where the receipts backend is, how to authenticate, and its timeouts. TLS
// verification is on unless a config turns it off by name; the token comes from a file or an environment
// variable, never from the config itself, so the config can be shared and logged.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { configPath, readSecret, SinkConfigError } from '../secrets.js';
import { deliverySettingsSchema } from '../settings.js';

export const httpSinkConfigSchema = deliverySettingsSchema.extend({
  kind: z.literal('http'),
  url: z
    .url({ protocol: /^https?$/ })
    .describe('The backend endpoint that takes batches, e.g. https://receipts.example.com/v1/receipts.'),
  tokenFile: z.string().min(1).optional().describe('File holding the bearer token (its first line).'),
  tokenEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional().describe('Environment variable holding the bearer token.'),
  timeouts: z
    .strictObject({
      connectMs: z.number().int().min(100).default(5_000).describe('TCP (and TLS) connect timeout. Default 5000.'),
      responseMs: z.number().int().min(100).default(15_000).describe('How long the backend may take to answer a batch. Default 15000.'),
    })
    .default({ connectMs: 5_000, responseMs: 15_000 }),
  tls: z
    .strictObject({
      caFile: z.string().min(1).optional().describe('PEM file of the certificate authorities to trust instead of the system ones.'),
      rejectUnauthorized: z.boolean().default(true).describe('Verify the backend certificate. Default true; turn off only for a test backend.'),
    })
    .default({ rejectUnauthorized: true }),
}).refine((c) => !(c.tokenFile !== undefined && c.tokenEnv !== undefined), { message: 'give tokenFile or tokenEnv, not both', path: ['tokenEnv'] });

export type HttpSinkConfig = z.output<typeof httpSinkConfigSchema>;

/** The token and CA the config names, read from their file or environment variable; a SinkConfigError if one cannot be. */
export function httpSinkSecrets(config: HttpSinkConfig, baseDir: string): { token: string | undefined; ca: string | undefined } {
  const token =
    config.tokenFile === undefined && config.tokenEnv === undefined
      ? undefined
      : readSecret({ file: config.tokenFile, env: config.tokenEnv }, baseDir, `http sink token (${config.tokenFile !== undefined ? 'tokenFile' : 'tokenEnv'})`);
  if (config.tls.caFile === undefined) return { token, ca: undefined };
  const file = configPath(config.tls.caFile, baseDir);
  try {
    return { token, ca: readFileSync(file, 'utf8') };
  } catch (error) {
    throw new SinkConfigError(`http sink: cannot read tls.caFile ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
