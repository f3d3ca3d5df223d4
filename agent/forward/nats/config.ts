// The NATS JetStream sink's options, validated once where the agent's config is read. Secrets are named here
// (a file or an environment variable), never written inline, so a config file can be shared without them.
import { z } from 'zod';
import { readSecret, SinkConfigError, type SecretSource } from '../secrets.js';
import { deliverySettingsSchema } from '../settings.js';

/** Placeholders a subject template may use; each becomes one subject token. */
export const SUBJECT_PLACEHOLDERS = ['storeId', 'tillId', 'link'] as const;
export type SubjectPlaceholder = (typeof SUBJECT_PLACEHOLDERS)[number];

const PLACEHOLDER = /<([^<>]*)>/g;
// A literal subject token: no whitespace, no wildcards; placeholders are checked separately.
const LITERAL_TOKEN = /^[^\s*>.]+$/;
// JetStream stream names may not contain whitespace, '.', '*', '>' or path separators.
const STREAM_NAME = /^[^\s.*>/\\]{1,255}$/;

const subjectTemplate = z
  .string()
  .min(1)
  .superRefine((template, ctx) => {
    for (const [, name] of template.matchAll(PLACEHOLDER)) {
      if (!(SUBJECT_PLACEHOLDERS as readonly string[]).includes(name ?? '')) {
        ctx.addIssue({ code: 'custom', message: `unknown placeholder <${name}> (use ${SUBJECT_PLACEHOLDERS.map((p) => `<${p}>`).join(', ')})` });
      }
    }
    for (const token of template.split('.')) {
      const literal = token.replace(PLACEHOLDER, 'x');
      if (!LITERAL_TOKEN.test(literal)) {
        ctx.addIssue({ code: 'custom', message: `"${token}" is not a valid subject token (no spaces, "*", ">" or empty tokens)` });
      }
    }
  });

// nats://host:port, tls://host:port or host:port; no user:password@ (secrets go in `credentials`, from a file).
const SERVER_URL = /^(?:(?:nats|tls):\/\/)?(?:\[[0-9a-fA-F:.]+\]|[^\s/:@[\]]+)(?::\d{1,5})?\/?$/;

const serverUrl = z
  .string()
  .min(1)
  .superRefine((url, ctx) => {
    if (/^[a-z]+:\/\/[^/]*@/i.test(url) || /^[^/]*@/.test(url)) {
      ctx.addIssue({ code: 'custom', message: 'no credentials in server URLs: use `credentials` (a file or an environment variable)' });
    } else if (!SERVER_URL.test(url)) {
      ctx.addIssue({ code: 'custom', message: `"${url}" is not nats://host:port, tls://host:port or host:port` });
    }
  });

const secretSource = z
  .strictObject({
    file: z.string().min(1).optional().describe('File holding the secret (surrounding whitespace ignored); relative to the config file.'),
    env: z.string().min(1).optional().describe('Environment variable holding the secret.'),
  })
  .refine((s) => (s.file === undefined) !== (s.env === undefined), 'give exactly one of file or env');

export const natsCredentialsSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('token'), token: secretSource.describe('The server\'s authorization token.') }),
    z.strictObject({
      kind: z.literal('user'),
      user: z.string().min(1).describe('User name (not secret).'),
      password: secretSource.describe('The user\'s password.'),
    }),
    z.strictObject({
      kind: z.literal('creds'),
      file: z.string().min(1).describe('A NATS .creds file (user JWT and nkey seed), as `nsc` writes it; relative to the config file.'),
    }),
  ])
  .describe('How the sink authenticates; omit for a server without authentication.');

export const natsTlsSchema = z
  .strictObject({
    caFile: z.string().min(1).optional().describe('CA bundle (PEM) the servers\' certificates are verified against. Default: the system CAs.'),
    certFile: z.string().min(1).optional().describe('Client certificate (PEM), for servers that verify clients.'),
    keyFile: z.string().min(1).optional().describe('Client key (PEM) of certFile.'),
    handshakeFirst: z.boolean().default(false).describe('TLS before the NATS INFO line (server option handshake_first). Default false.'),
  })
  .refine((t) => (t.certFile === undefined) === (t.keyFile === undefined), 'certFile and keyFile go together')
  .describe('Require TLS, with certificate verification always on.');

export const natsSinkConfigSchema = deliverySettingsSchema
  .extend({
    kind: z.literal('nats'),
    servers: z
      .array(serverUrl)
      .min(1)
      .describe('Server URLs (nats://host:port, tls://host:port, or host:port); the client also learns the rest of a cluster.'),
    stream: z
      .string()
      .regex(STREAM_NAME, 'a stream name has no spaces, ".", "*", ">" or slashes')
      .describe('JetStream stream that must store the messages: a publish stored by any other stream is refused.'),
    subject: subjectTemplate
      .default('receipts.<storeId>.<tillId>')
      .describe('Subject per message; <storeId>, <tillId>, <link> become one token each. Default receipts.<storeId>.<tillId>.'),
    credentials: natsCredentialsSchema.optional(),
    tls: natsTlsSchema.optional(),
    ackTimeoutMs: z.number().int().min(10).default(5_000).describe('A publish not acknowledged by the stream within this long is retried. Default 5000.'),
    connectTimeoutMs: z.number().int().min(10).default(5_000).describe('Give up connecting (the batch is retried later) after this long. Default 5000.'),
    maxInFlight: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(100)
      .describe('Publishes of one batch awaiting their acks at once. Default 100.'),
  })
  .describe('Publishes each basket revision to a NATS JetStream stream, deduplicated by Nats-Msg-Id.');

export type NatsSinkConfig = z.output<typeof natsSinkConfigSchema>;
export type NatsSinkConfigInput = z.input<typeof natsSinkConfigSchema>;
export type NatsCredentials = z.output<typeof natsCredentialsSchema>;
export type NatsTls = z.output<typeof natsTlsSchema>;

export class NatsCredentialsError extends SinkConfigError {
  override readonly name = 'NatsCredentialsError';
}

/** The secret the credentials name (none without credentials), and what it is in messages. */
export function natsSecret(credentials: NatsCredentials | undefined): { source: SecretSource; what: string } | undefined {
  switch (credentials?.kind) {
    case undefined:
      return undefined;
    case 'token':
      return { source: credentials.token, what: 'token' };
    case 'user':
      return { source: credentials.password, what: 'password' };
    case 'creds':
      return { source: { file: credentials.file }, what: 'creds file' };
  }
}

/** Reads the credentials' secret once, as the sink does when it is made: a NatsCredentialsError if it cannot be. */
export function checkNatsCredentials(credentials: NatsCredentials | undefined, baseDir: string): void {
  const secret = natsSecret(credentials);
  if (secret !== undefined) readSecret(secret.source, baseDir, `NATS ${secret.what}`, NatsCredentialsError);
}
