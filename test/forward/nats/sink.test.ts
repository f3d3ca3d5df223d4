// The NATS JetStream sink against real nats-server processes (one JetStream server per group of tests).
import { getEventListeners } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { DiscardPolicy } from '@nats-io/jetstream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNatsSink, natsReceiptMessageSchema, natsSinkConfigSchema, type NatsSinkConfigInput } from '../../../agent/forward/nats/index.js';
import { NO_RESPONDERS } from '../../../agent/forward/nats/outcome.js';
import type { DeliveryResult, Sink, SinkContext } from '../../../agent/model/index.js';
import { waitUntil } from '../../helpers/streams.js';
import { makeTestCertificates } from '../../helpers/tls-certs.js';
import { requireNatsServer, startNatsServer, type NatsServer } from '../../helpers/nats-server.js';
import { CONTEXT, deliveries } from './deliveries.js';
import { createStream, readStream, withConnection } from './stream.js';

const run = requireNatsServer();

/** A logger whose every line is kept, to check what the sink says (and never says). */
function capturingLogger(): { context: (baseDir: string) => SinkContext; text: () => string } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  return { context: (baseDir) => ({ logger, baseDir }), text: () => lines.join('') };
}

let streamCount = 0;
function streamName(): string {
  return `RECEIPTS_${process.pid}_${++streamCount}`;
}

const quiet: SinkContext = { logger: pino({ level: 'silent' }), baseDir: process.cwd() };
const signal = (): AbortSignal => new AbortController().signal;

function sinkFor(server: { url: string } | string[], stream: string, extra: Partial<NatsSinkConfigInput> = {}, context = quiet): Sink {
  const servers = Array.isArray(server) ? server : [server.url];
  return createNatsSink(natsSinkConfigSchema.parse({ kind: 'nats', servers, stream, subject: `${stream}.<storeId>.<tillId>`, ...extra }), context);
}

function outcomes(results: DeliveryResult[]): string[] {
  return results.map((r) => r.outcome);
}

describe.skipIf(!run)('NATS JetStream sink, one server', () => {
  let server: NatsServer;
  // A small max_payload so that "larger than the server takes" is cheap to reach.
  beforeAll(async () => {
    server = await startNatsServer({ extraConfig: 'max_payload: 262144' });
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('publishes each delivery with Nats-Msg-Id and waits for its ack; the same keys again are duplicates, stored once', async () => {
    const stream = streamName();
    await createStream(server.url, { name: stream, subjects: [`${stream}.>`] });
    const sink = sinkFor(server, stream);
    try {
      const batch = deliveries(25);
      const first = await sink.send(batch, CONTEXT, signal());
      expect(first).toEqual(batch.map(() => ({ outcome: 'delivered' })));
      const again = await sink.send(batch, CONTEXT, signal());
      expect(again).toEqual(batch.map(() => ({ outcome: 'delivered', duplicate: true })));

      const stored = await readStream(server.url, stream);
      expect(stored).toHaveLength(25);
      expect(stored.map((m) => m.msgId)).toEqual(batch.map((d) => d.idempotencyKey));
      expect(new Set(stored.map((m) => m.subject))).toEqual(new Set([`${stream}.S042.T1`]));
      const body = natsReceiptMessageSchema.parse(stored[0]!.body);
      expect(body).toMatchObject({
        idempotencyKey: batch[0]!.idempotencyKey,
        basketId: batch[0]!.basketId,
        revision: 1,
        tillId: 'T1',
        link: 'front',
        jobId: batch[0]!.jobId,
        capturedAt: batch[0]!.capturedAt,
        agent: { id: 'agent-test', version: '0.1.0', storeId: 'S042' },
        drift: CONTEXT.drift,
      });
      expect(body.basket).toEqual(JSON.parse(JSON.stringify(batch[0]!.basket)));
      expect(body.rawJob).toBeUndefined();
    } finally {
      await sink.close();
    }
  });

  it('a till id with separators, spaces and non-ASCII letters becomes one subject token on the server', async () => {
    const stream = streamName();
    await createStream(server.url, { name: stream, subjects: [`${stream}.*.*`] });
    const sink = sinkFor(server, stream);
    try {
      expect(outcomes(await sink.send(deliveries(1, { tillId: 'Kasse 3.Ä>*' }), CONTEXT, signal()))).toEqual(['delivered']);
      expect((await readStream(server.url, stream)).map((m) => m.subject)).toEqual([`${stream}.S042.Kasse_3_Ä__`]);
    } finally {
      await sink.close();
    }
  });

  it('sends the raw job as base64 when sendRawJob is set, and asks the outbox for it', async () => {
    const stream = streamName();
    await createStream(server.url, { name: stream, subjects: [`${stream}.>`] });
    const sink = sinkFor(server, stream, { sendRawJob: true });
    try {
      expect(sink.wantsRawJob).toBe(true);
      const batch = deliveries(2, { withRawJob: true });
      expect(outcomes(await sink.send(batch, CONTEXT, signal()))).toEqual(['delivered', 'delivered']);
      const [stored] = await readStream(server.url, stream);
      const body = natsReceiptMessageSchema.parse(stored!.body);
      expect(Buffer.from(body.rawJob!.data, 'base64').equals(Buffer.from(batch[0]!.rawJob!))).toBe(true);
    } finally {
      await sink.close();
    }
  });

  it('a stream that gives no ack in time (server frozen) means retry; once it answers, the re-send is stored once', async () => {
    const stream = streamName();
    await createStream(server.url, { name: stream, subjects: [`${stream}.>`] });
    const sink = sinkFor(server, stream, { ackTimeoutMs: 500 });
    try {
      const warmUp = deliveries(1);
      expect(outcomes(await sink.send(warmUp, CONTEXT, signal()))).toEqual(['delivered']);
      const batch = deliveries(5);
      await server.freeze();
      let during: DeliveryResult[];
      try {
        during = await sink.send(batch, CONTEXT, signal());
      } finally {
        server.thaw();
      }
      expect(during).toEqual(batch.map(() => ({ outcome: 'retry', reason: 'no publish ack within 500 ms' })));
      // Thawed, the server reads the publishes it had been sent and stores them (their acks go nowhere); the
      // re-send, behind them on the same connection, is acknowledged as duplicates: stored once.
      const after = await sink.send(batch, CONTEXT, signal());
      expect(after).toEqual(batch.map(() => ({ outcome: 'delivered', duplicate: true })));
      const stored = await readStream(server.url, stream);
      expect(stored.map((m) => m.msgId).sort()).toEqual([...warmUp, ...batch].map((d) => d.idempotencyKey).sort());
    } finally {
      server.thaw();
      await sink.close();
    }
  });

  it('an abort or close() while acks are awaited (server frozen) ends the send at once, every delivery retry', async () => {
    const stream = streamName();
    await createStream(server.url, { name: stream, subjects: [`${stream}.>`] });
    const sink = sinkFor(server, stream, { ackTimeoutMs: 60_000 });
    const closing = sinkFor(server, stream, { ackTimeoutMs: 60_000 });
    try {
      expect(outcomes(await sink.send(deliveries(1), CONTEXT, signal()))).toEqual(['delivered']);
      expect(outcomes(await closing.send(deliveries(1), CONTEXT, signal()))).toEqual(['delivered']);
      await server.freeze();
      const drain = new AbortController();
      const aborted = sink.send(deliveries(3), CONTEXT, drain.signal);
      const closed = closing.send(deliveries(3), CONTEXT, signal());
      drain.abort();
      await closing.close();
      // Well before the 60 s ack timeout (the test's own timeout is 30 s).
      expect(await aborted).toEqual(Array(3).fill({ outcome: 'retry', reason: expect.stringMatching(/^aborted before (publishing|the publish ack)$/) }));
      expect(await closed).toEqual(Array(3).fill({ outcome: 'retry', reason: expect.stringMatching(/^the sink is closed$|^the NATS connection was closed$/) }));
      expect(await closing.send(deliveries(1), CONTEXT, signal())).toEqual([{ outcome: 'retry', reason: 'not connected to NATS: the sink is closed' }]);
    } finally {
      server.thaw();
      await sink.close();
      await closing.close();
    }
  });

  it('a subject no stream listens on means retry (no responders), not a dead letter', async () => {
    const sink = sinkFor(server, streamName());
    try {
      const results = await sink.send(deliveries(2), CONTEXT, signal());
      expect(results).toEqual([
        { outcome: 'retry', reason: NO_RESPONDERS },
        { outcome: 'retry', reason: NO_RESPONDERS },
      ]);
    } finally {
      await sink.close();
    }
  });

  it('a message stored by another stream than the configured one is refused and retried', async () => {
    const stream = streamName();
    await createStream(server.url, { name: stream, subjects: [`${stream}.>`] });
    // The sink expects `OTHER`, but the subject belongs to `stream`.
    const sink = createNatsSink(natsSinkConfigSchema.parse({ kind: 'nats', servers: [server.url], stream: 'OTHER', subject: `${stream}.<tillId>` }), quiet);
    try {
      const [result] = await sink.send(deliveries(1), CONTEXT, signal());
      expect(result).toMatchObject({ outcome: 'retry', reason: expect.stringMatching(/JetStream error 10060.*expected stream/) });
      expect(await readStream(server.url, stream)).toHaveLength(0);
    } finally {
      await sink.close();
    }
  });

  it('a core NATS responder answering junk, an empty object or a fake ack is not a stream ack: retry', async () => {
    const stream = streamName();
    const replies = ['not json at all', '{}', JSON.stringify({ stream: 'IMPOSTOR', seq: 1 })];
    const sink = sinkFor(server, stream, { ackTimeoutMs: 2_000 });
    await withConnection(server.url, async (nc) => {
      let n = 0;
      nc.subscribe(`${stream}.>`, { callback: (_err, msg) => void msg.respond(replies[n++ % replies.length]) });
      await nc.flush();
      try {
        const results = await sink.send(deliveries(3), CONTEXT, signal());
        expect(results).toEqual([
          { outcome: 'retry', reason: expect.stringMatching(/^publish failed: .*JSON/) },
          { outcome: 'retry', reason: 'the reply is not a JetStream publish ack' },
          { outcome: 'retry', reason: `acknowledged by "IMPOSTOR", not by the stream "${stream}"` },
        ]);
      } finally {
        await sink.close();
      }
    });
  });

  it('a full stream (discard new) refuses further messages: retry, not a dead letter, since the basket is not at fault', async () => {
    const stream = streamName();
    await createStream(server.url, { name: stream, subjects: [`${stream}.>`], max_msgs: 2, discard: DiscardPolicy.New });
    const sink = sinkFor(server, stream);
    try {
      const results = await sink.send(deliveries(3), CONTEXT, signal());
      expect(results.slice(0, 2)).toEqual([{ outcome: 'delivered' }, { outcome: 'delivered' }]);
      expect(results[2]).toMatchObject({ outcome: 'retry', reason: expect.stringMatching(/^the stream refused the message \(JetStream error \d+\): .*maximum messages/) });
    } finally {
      await sink.close();
    }
  });

  it('a message too large for the stream or the server is rejected; the rest of the batch is delivered', async () => {
    const stream = streamName();
    await createStream(server.url, { name: stream, subjects: [`${stream}.>`], max_msg_size: 64 * 1024 });
    const sink = sinkFor(server, stream, { sendRawJob: true });
    try {
      const [small, tooBigForStream, tooBigForServer, alsoSmall] = deliveries(4, { withRawJob: true });
      const big = (d: typeof small, bytes: number) => ({ ...d!, rawJob: Buffer.alloc(bytes, 0x41) });
      const results = await sink.send([small!, big(tooBigForStream, 100 * 1024), big(tooBigForServer, 300 * 1024), alsoSmall!], CONTEXT, signal());
      expect(results[0]).toEqual({ outcome: 'delivered' });
      expect(results[1]).toMatchObject({ outcome: 'rejected', reason: expect.stringMatching(/^the stream refuses the message as too large/) });
      expect(results[2]).toEqual({ outcome: 'rejected', reason: "the message is larger than the server's max_payload" });
      expect(results[3]).toEqual({ outcome: 'delivered' });
      expect((await readStream(server.url, stream)).map((m) => m.msgId)).toEqual([small!.idempotencyKey, alsoSmall!.idempotencyKey]);
    } finally {
      await sink.close();
    }
  });

  it('an aborted send reports every delivery for retry and publishes nothing; a lasting signal keeps no listeners', async () => {
    const stream = streamName();
    await createStream(server.url, { name: stream, subjects: [`${stream}.>`] });
    const sink = sinkFor(server, stream);
    try {
      const aborted = new AbortController();
      aborted.abort();
      const results = await sink.send(deliveries(3), CONTEXT, aborted.signal);
      expect(outcomes(results)).toEqual(['retry', 'retry', 'retry']);
      expect(await readStream(server.url, stream)).toHaveLength(0);
      expect(await sink.send([], CONTEXT, signal())).toEqual([]);
      // A forwarder's one signal for its whole life must not collect a listener per send.
      const lifelong = new AbortController().signal;
      for (let i = 0; i < 3; i++) expect(outcomes(await sink.send(deliveries(20), CONTEXT, lifelong))).toEqual(Array(20).fill('delivered'));
      expect(await sink.probe(lifelong)).toMatchObject({ ok: true });
      expect(getEventListeners(lifelong, 'abort')).toHaveLength(0);
    } finally {
      await sink.close();
    }
  });

  it('probe names the stream, its replicas and duplicate window; a missing stream is not ok', async () => {
    const stream = streamName();
    await createStream(server.url, { name: stream, subjects: [`${stream}.>`], duplicate_window: 3_600_000_000_000 });
    const sink = sinkFor(server, stream);
    const missing = sinkFor(server, 'NO_SUCH_STREAM');
    try {
      const probe = await sink.probe(signal());
      expect(probe.ok).toBe(true);
      expect(probe.detail).toMatch(new RegExp(`^stream ${stream} via 127\\.0\\.0\\.1:${server.port}: 0 messages, 1 replica\\(s\\), duplicate window 3600 s$`));
      expect(await missing.probe(signal())).toMatchObject({ ok: false, detail: expect.stringMatching(/stream not found/i) });
    } finally {
      await sink.close();
      await missing.close();
    }
  });
});

describe.skipIf(!run)('NATS JetStream sink, connection and credentials', () => {
  it('a server that is down means retry; when it is back the next send delivers', async () => {
    const server = await startNatsServer();
    const stream = streamName();
    const log = capturingLogger();
    const sink = sinkFor(server, stream, { connectTimeoutMs: 2_000, ackTimeoutMs: 2_000 }, log.context(process.cwd()));
    const logged = (what: string): number => log.text().split(what).length - 1;
    try {
      await createStream(server.url, { name: stream, subjects: [`${stream}.>`] });
      await server.kill();
      const down = await sink.send(deliveries(2), CONTEXT, signal());
      expect(down).toEqual([
        expect.objectContaining({ outcome: 'retry', reason: expect.stringMatching(/^not connected to NATS/) }),
        expect.objectContaining({ outcome: 'retry', reason: expect.stringMatching(/^not connected to NATS/) }),
      ]);
      expect((await sink.probe(signal())).ok).toBe(false);
      await server.restart();
      const batch = deliveries(3);
      expect(outcomes(await sink.send(batch, CONTEXT, signal()))).toEqual(['delivered', 'delivered', 'delivered']);

      // The connection lost mid-life: while the client reconnects, nothing is published (the client would
      // buffer it without bound and flush it all on reconnect); every delivery comes back retry at once.
      await server.kill();
      await waitUntil(() => logged('disconnected from NATS') === 1, 'the sink to notice the disconnect', 30_000);
      const lost = deliveries(2);
      expect(await sink.send(lost, CONTEXT, signal())).toEqual(lost.map(() => ({ outcome: 'retry', reason: 'disconnected from NATS; reconnecting' })));
      await server.restart();
      await waitUntil(() => logged('reconnected to NATS') === 1, 'the sink to reconnect', 30_000);
      const later = deliveries(2);
      expect(outcomes(await sink.send(later, CONTEXT, signal()))).toEqual(['delivered', 'delivered']);
      expect((await readStream(server.url, stream)).map((m) => m.msgId)).toEqual([...batch, ...later].map((d) => d.idempotencyKey));
    } finally {
      await sink.close();
      await server.stop();
    }
  }, 90_000);

  it('authenticates with a token from a file or an environment variable and never logs it', async () => {
    const token = 'tok-9f8e7d6c5b4a';
    const wrong = 'tok-wrong-0123456';
    const server = await startNatsServer({ extraConfig: `authorization { token: "${token}" }` });
    const dir = await mkdtemp(join(tmpdir(), 'posbridge-nats-token-'));
    const log = capturingLogger();
    const stream = streamName();
    await writeFile(join(dir, 'nats.token'), `${token}\n`);
    process.env.POSBRIDGE_TEST_NATS_TOKEN = wrong;
    const good = sinkFor(server, stream, { credentials: { kind: 'token', token: { file: 'nats.token' } } }, log.context(dir));
    const bad = sinkFor(server, stream, { credentials: { kind: 'token', token: { env: 'POSBRIDGE_TEST_NATS_TOKEN' } }, connectTimeoutMs: 3_000 }, log.context(dir));
    try {
      await createStream({ servers: server.url, token }, { name: stream, subjects: [`${stream}.>`] });
      expect(outcomes(await good.send(deliveries(2), CONTEXT, signal()))).toEqual(['delivered', 'delivered']);
      const refused = await bad.send(deliveries(1), CONTEXT, signal());
      expect(refused).toEqual([{ outcome: 'retry', reason: expect.stringMatching(/^not connected to NATS: .*authorization/i) }]);
      expect(log.text()).toMatch(/connected to NATS/);
      expect(log.text()).toMatch(/cannot connect to NATS/);
      expect(log.text()).not.toContain(token);
      expect(log.text()).not.toContain(wrong);
      expect(JSON.stringify(refused)).not.toContain(wrong);
    } finally {
      delete process.env.POSBRIDGE_TEST_NATS_TOKEN;
      await good.close();
      await bad.close();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a rotated token file is read again when the server, reloaded with the new token, makes the sink reconnect', async () => {
    const [before, after] = ['tok-before-1111', 'tok-after-2222'];
    const server = await startNatsServer({ extraConfig: `authorization { token: "${before}" }` });
    const dir = await mkdtemp(join(tmpdir(), 'posbridge-nats-token-'));
    const log = capturingLogger();
    const stream = streamName();
    await writeFile(join(dir, 'nats.token'), before);
    const sink = sinkFor(server, stream, { credentials: { kind: 'token', token: { file: 'nats.token' } } }, log.context(dir));
    const logged = (what: string): number => log.text().split(what).length - 1;
    try {
      await createStream({ servers: server.url, token: before }, { name: stream, subjects: [`${stream}.>`] });
      const first = deliveries(2);
      expect(outcomes(await sink.send(first, CONTEXT, signal()))).toEqual(['delivered', 'delivered']);
      await writeFile(join(dir, 'nats.token'), `${after}\n`);
      await server.reload(`authorization { token: "${after}" }`);
      // The server drops connections made with the old token; the client reconnects with the file's new one.
      await waitUntil(() => logged('reconnected to NATS') >= 1, 'the sink to reconnect with the new token', 30_000);
      const second = deliveries(2);
      expect(outcomes(await sink.send(second, CONTEXT, signal()))).toEqual(['delivered', 'delivered']);
      expect((await readStream({ servers: server.url, token: after }, stream)).map((m) => m.msgId)).toEqual([...first, ...second].map((d) => d.idempotencyKey));
      expect(log.text()).not.toContain(before);
      expect(log.text()).not.toContain(after);
    } finally {
      await sink.close();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('speaks TLS with verification on: the configured CA is trusted, a server the system CAs do not vouch for is not', async () => {
    const certs = await makeTestCertificates();
    const server = await startNatsServer({ extraConfig: `tls { cert_file: "${certs.certFile}", key_file: "${certs.keyFile}" }` });
    const stream = streamName();
    const trusting = sinkFor(server, stream, { tls: { caFile: 'ca.pem' } }, { ...quiet, baseDir: certs.dir });
    const verifying = sinkFor(server, stream, { tls: {}, connectTimeoutMs: 3_000 });
    try {
      await createStream({ servers: server.url, tls: { caFile: certs.caFile } }, { name: stream, subjects: [`${stream}.>`] });
      expect(outcomes(await trusting.send(deliveries(2), CONTEXT, signal()))).toEqual(['delivered', 'delivered']);
      expect(await verifying.send(deliveries(1), CONTEXT, signal())).toEqual([
        { outcome: 'retry', reason: expect.stringMatching(/^not connected to NATS: .*(certificate|self.signed|issuer)/i) },
      ]);
      expect(await readStream({ servers: server.url, tls: { caFile: certs.caFile } }, stream)).toHaveLength(2);
    } finally {
      await trusting.close();
      await verifying.close();
      await server.stop();
      await certs.remove();
    }
  }, 60_000);

  it('a credentials source that cannot be read is a config error at start, naming the source and not a value', () => {
    const config = (credentials: unknown) => natsSinkConfigSchema.parse({ kind: 'nats', servers: ['nats://127.0.0.1:1'], stream: 'S', credentials });
    expect(() => createNatsSink(config({ kind: 'token', token: { file: 'missing.token' } }), { ...quiet, baseDir: '/nonexistent' })).toThrow(
      'NATS token: cannot read file /nonexistent/missing.token (ENOENT)',
    );
    delete process.env.POSBRIDGE_TEST_UNSET;
    expect(() => createNatsSink(config({ kind: 'user', user: 'till', password: { env: 'POSBRIDGE_TEST_UNSET' } }), quiet)).toThrow(
      'NATS password: environment variable POSBRIDGE_TEST_UNSET is empty or not set',
    );
  });
});
