// The NATS sink's config schema and subject template: what is accepted, its defaults, and what is refused.
import { describe, expect, it } from 'vitest';
import { natsSinkConfigSchema } from '../../../agent/forward/nats/index.js';
import { subjectRenderer, subjectToken } from '../../../agent/forward/nats/message.js';
import { CONTEXT, deliveries } from './deliveries.js';

const minimal = { kind: 'nats', servers: ['nats://127.0.0.1:4222'], stream: 'RECEIPTS' };

function issues(input: unknown): string[] {
  const result = natsSinkConfigSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('NATS sink config', () => {
  it('fills the defaults', () => {
    expect(natsSinkConfigSchema.parse(minimal)).toEqual({
      ...minimal,
      // Batching and retry are the forwarder's, the same for every sink (agent/forward/settings.ts).
      batch: { maxCount: 100, maxBytes: 1024 * 1024, lingerMs: 200 },
      retry: { initialMs: 1_000, maxMs: 300_000, maxItemFailures: 10 },
      subject: 'receipts.<storeId>.<tillId>',
      ackTimeoutMs: 5_000,
      connectTimeoutMs: 5_000,
      maxInFlight: 100,
      sendRawJob: false,
    });
  });

  it('accepts each kind of credentials and TLS with a client certificate', () => {
    for (const credentials of [
      { kind: 'token', token: { file: 'nats.token' } },
      { kind: 'token', token: { env: 'NATS_TOKEN' } },
      { kind: 'user', user: 'till', password: { env: 'NATS_PASSWORD' } },
      { kind: 'creds', file: '/etc/posbridge/agent.creds' },
    ]) {
      expect(issues({ ...minimal, credentials })).toEqual([]);
    }
    expect(natsSinkConfigSchema.parse({ ...minimal, tls: { caFile: 'ca.pem', certFile: 'c.pem', keyFile: 'k.pem' } }).tls).toEqual({
      caFile: 'ca.pem',
      certFile: 'c.pem',
      keyFile: 'k.pem',
      handshakeFirst: false,
    });
  });

  it('refuses secrets inline, both or neither source, and half a client certificate', () => {
    expect(issues({ ...minimal, credentials: { kind: 'token', token: 's3cret' } })).not.toEqual([]);
    expect(issues({ ...minimal, credentials: { kind: 'token', token: { file: 'a', env: 'B' } } })).toEqual(['credentials.token: give exactly one of file or env']);
    expect(issues({ ...minimal, credentials: { kind: 'token', token: {} } })).toEqual(['credentials.token: give exactly one of file or env']);
    expect(issues({ ...minimal, tls: { certFile: 'c.pem' } })).toEqual(['tls: certFile and keyFile go together']);
  });

  it('takes nats://, tls:// and bare host:port servers, and refuses other schemes and credentials in URLs', () => {
    expect(issues({ ...minimal, servers: ['nats://10.0.0.5:4222', 'tls://nats.example.com:4443', 'localhost:4222', 'nats://[::1]:4222'] })).toEqual([]);
    expect(issues({ ...minimal, servers: ['http://10.0.0.5:4222'] })).toEqual(['servers.0: "http://10.0.0.5:4222" is not nats://host:port, tls://host:port or host:port']);
    const refused = ['servers.0: no credentials in server URLs: use `credentials` (a file or an environment variable)'];
    expect(issues({ ...minimal, servers: ['nats://till:s3cret@10.0.0.5:4222'] })).toEqual(refused);
    expect(issues({ ...minimal, servers: ['s3cret@10.0.0.5:4222'] })).toEqual(refused);
  });

  it('refuses unknown placeholders, wildcards and empty tokens in the subject, and bad stream names', () => {
    expect(issues({ ...minimal, subject: 'receipts.<store>.<tillId>' })).toEqual([
      'subject: unknown placeholder <store> (use <storeId>, <tillId>, <link>)',
    ]);
    expect(issues({ ...minimal, subject: 'receipts.*.<tillId>' })).toEqual(['subject: "*" is not a valid subject token (no spaces, "*", ">" or empty tokens)']);
    expect(issues({ ...minimal, subject: 'receipts..<tillId>' })).toEqual(['subject: "" is not a valid subject token (no spaces, "*", ">" or empty tokens)']);
    expect(issues({ ...minimal, stream: 'RECEIPTS.EU' })).toEqual(['stream: a stream name has no spaces, ".", "*", ">" or slashes']);
    expect(issues({ ...minimal, servers: [] })).not.toEqual([]);
    expect(issues({ ...minimal, extra: true })).not.toEqual([]);
  });
});

describe('NATS subjects', () => {
  it('fills each placeholder with one token; separators and wildcards in values cannot add or widen tokens', () => {
    const render = subjectRenderer('pos.<storeId>.<link>.<tillId>');
    const [delivery] = deliveries(1, { tillId: 'till 7.a*>' });
    expect(render(delivery!, CONTEXT)).toBe('pos.S042.front.till_7_a__');
    expect(render(delivery!, { ...CONTEXT, storeId: null })).toBe('pos._.front.till_7_a__');
    expect(subjectToken('')).toBe('_');
    expect(subjectToken('Ä-1_x')).toBe('Ä-1_x');
  });
});
