// The NATS JetStream sink: publishes each delivery of a batch to the configured stream with `Nats-Msg-Id` set to
// its idempotency key, and reports it delivered only once the stream has acknowledged storing it. A re-send of a
// key the stream still remembers (its duplicate_window) is acknowledged as a duplicate and stored once.
//
// The connection is made on first use and then kept, reconnecting by itself (to any server of the cluster) for
// as long as the sink lives; a send before the first connection waits at most connectTimeoutMs, a send while it
// reconnects publishes nothing; either way every delivery comes back `retry` and the outbox keeps it. Retry
// timing and backoff are the forwarder's, not this sink's.
//
// Publishes of one batch are in flight together (up to maxInFlight), sent in the batch's order; when some of them
// fail and are retried later, the stream may hold one till's baskets out of capture order. Consumers that care
// order by the message's capturedAt / seq, not by stream sequence.
import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from '../../log.js';
import type { BatchContext, Delivery, DeliveryResult, Sink, SinkContext } from '../../model/index.js';
import type { NatsSinkConfig } from './config.js';
import { authenticatorFor, configPath } from './credentials.js';
import { encodeMessage, messageFor, subjectRenderer } from './message.js';
import { resultForPublishError } from './outcome.js';

/** A wait given up on purpose (the caller's signal, or close()); the message is the retry reason. */
class Aborted extends Error {}

interface AbortGate {
  /** Rejects with Aborted when the signal fires; never resolves. */
  readonly aborted: Promise<never>;
  /** Drops the gate's listener, so a long-lived signal does not collect one per call. */
  release(): void;
}

/** One abort listener for everything a call races against its signal, however many publishes that is. */
function abortGate(signal: AbortSignal, what: string): AbortGate {
  let onAbort = (): void => {};
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(new Aborted(what));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => {});
  return { aborted, release: () => signal.removeEventListener('abort', onAbort) };
}

/** The promise's value, or a rejection with Aborted as soon as one of `stops` rejects (the promise keeps running). */
function unlessAborted<T>(promise: Promise<T>, ...stops: Promise<never>[]): Promise<T> {
  promise.catch(() => {});
  return Promise.race([promise, ...stops]);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return unlessAborted(promise, abortGate(AbortSignal.timeout(ms), what).aborted).catch((error: unknown) => {
    throw error instanceof Aborted ? new Error(`${what}: no answer within ${ms} ms`) : error;
  });
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface Connected {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  /** Between a disconnect and the reconnect: the client would buffer publishes then, without bound. */
  reconnecting: boolean;
}

const RECONNECTING = 'disconnected from NATS; reconnecting';

export class NatsSink implements Sink {
  readonly name: string;
  readonly wantsRawJob: boolean;
  readonly #config: NatsSinkConfig;
  readonly #logger: Logger;
  readonly #options: NodeConnectionOptions;
  readonly #subject: ReturnType<typeof subjectRenderer>;
  #connecting: Promise<Connected> | undefined;
  #closed = false;
  // close() ends every send in flight at once: the client does not fail a request begun while it is closing.
  readonly #shutdown = new AbortController();
  readonly #stopped = abortGate(this.#shutdown.signal, 'the sink is closed').aborted;

  /** Throws (NatsCredentialsError) when configured credentials cannot be read: a config error, at start. */
  constructor(config: NatsSinkConfig, context: SinkContext) {
    this.name = config.name ?? 'nats';
    this.wantsRawJob = config.sendRawJob;
    this.#config = config;
    this.#logger = context.logger.child({ sink: this.name });
    this.#subject = subjectRenderer(config.subject);
    const authenticator = authenticatorFor(config.credentials, context.baseDir, this.#logger);
    const tls = config.tls;
    this.#options = {
      servers: config.servers,
      name: `posbridge sink ${this.name}`,
      timeout: config.connectTimeoutMs,
      // Once connected, never give up: the outbox holds what is not acknowledged, however long NATS is away.
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
      // A server that stops answering (frozen, partitioned) is noticed within about 3 pings.
      pingInterval: 10_000,
      maxPingOut: 3,
      ...(authenticator === undefined ? {} : { authenticator }),
      ...(tls === undefined
        ? {}
        : {
            tls: {
              rejectUnauthorized: true,
              handshakeFirst: tls.handshakeFirst,
              ...(tls.caFile === undefined ? {} : { caFile: configPath(tls.caFile, context.baseDir) }),
              ...(tls.certFile === undefined ? {} : { certFile: configPath(tls.certFile, context.baseDir) }),
              ...(tls.keyFile === undefined ? {} : { keyFile: configPath(tls.keyFile, context.baseDir) }),
            },
          }),
    };
  }

  async send(batch: readonly Delivery[], context: BatchContext, signal: AbortSignal): Promise<DeliveryResult[]> {
    if (batch.length === 0) return [];
    const gate = abortGate(signal, 'aborted before the publish ack');
    try {
      let connected: Connected;
      try {
        connected = await unlessAborted(this.#connection(), gate.aborted, this.#stopped);
      } catch (error) {
        const reason = !(error instanceof Aborted)
          ? `not connected to NATS: ${describeError(error)}`
          : this.#closed
            ? 'the sink is closed'
            : 'aborted while connecting';
        return batch.map(() => ({ outcome: 'retry', reason }));
      }
      // A long outage must not pile every retried batch into the client's reconnect buffer (to be flushed, all
      // of it, on reconnect): while reconnecting, nothing is published and everything comes back at once.
      if (connected.reconnecting) return batch.map(() => ({ outcome: 'retry', reason: RECONNECTING }));
      const results = new Array<DeliveryResult>(batch.length);
      let next = 0;
      const worker = async (): Promise<void> => {
        for (let i = next++; i < batch.length; i = next++) {
          results[i] = await this.#publish(connected.js, batch[i]!, context, signal, gate.aborted);
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.#config.maxInFlight, batch.length) }, worker));
      return results;
    } finally {
      gate.release();
    }
  }

  async #publish(js: JetStreamClient, delivery: Delivery, context: BatchContext, signal: AbortSignal, aborted: Promise<never>): Promise<DeliveryResult> {
    if (signal.aborted) return { outcome: 'retry', reason: 'aborted before publishing' };
    if (this.#closed) return { outcome: 'retry', reason: 'the sink is closed' };
    try {
      const body = encodeMessage(messageFor(delivery, context, this.wantsRawJob));
      const published = js.publish(this.#subject(delivery, context), body, {
        msgID: delivery.idempotencyKey,
        timeout: this.#config.ackTimeoutMs,
        expect: { streamName: this.#config.stream },
      });
      const ack = await unlessAborted(published, aborted, this.#stopped);
      // Anything may answer on a subject; only the configured stream's ack says the message is kept.
      if (typeof ack.stream !== 'string' || typeof ack.seq !== 'number') {
        return { outcome: 'retry', reason: 'the reply is not a JetStream publish ack' };
      }
      if (ack.stream !== this.#config.stream) {
        return { outcome: 'retry', reason: `acknowledged by "${ack.stream}", not by the stream "${this.#config.stream}"` };
      }
      return ack.duplicate ? { outcome: 'delivered', duplicate: true } : { outcome: 'delivered' };
    } catch (error) {
      if (error instanceof Aborted) return { outcome: 'retry', reason: error.message };
      return resultForPublishError(error, this.#config.ackTimeoutMs);
    }
  }

  async probe(signal: AbortSignal): Promise<{ ok: boolean; detail: string }> {
    const gate = abortGate(signal, 'aborted while probing');
    try {
      const { aborted } = gate;
      const { nc } = await unlessAborted(this.#connection(), aborted, this.#stopped);
      const jsm = await unlessAborted(jetstreamManager(nc, { timeout: this.#config.ackTimeoutMs, checkAPI: false }), aborted, this.#stopped);
      const info = await unlessAborted(jsm.streams.info(this.#config.stream), aborted, this.#stopped);
      const windowS = info.config.duplicate_window / 1e9;
      const leader = info.cluster?.leader === undefined ? '' : `, leader ${info.cluster.leader}`;
      return {
        ok: true,
        detail:
          `stream ${info.config.name} via ${nc.getServer()}: ${info.state.messages} messages, ` +
          `${info.config.num_replicas} replica(s)${leader}, duplicate window ${windowS} s`,
      };
    } catch (error) {
      return { ok: false, detail: describeError(error) };
    } finally {
      gate.release();
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#shutdown.abort();
    const connecting = this.#connecting;
    this.#connecting = undefined;
    if (connecting === undefined) return;
    try {
      const { nc } = await connecting;
      await nc.close();
    } catch {
      // Never connected: nothing to close.
    }
  }

  /** The live connection, or the attempt under way; a failed attempt is forgotten so the next send tries again. */
  #connection(): Promise<Connected> {
    if (this.#closed) return Promise.reject(new Error('the sink is closed'));
    if (this.#connecting !== undefined) return this.#connecting;
    const dialing = connect(this.#options);
    const attempt = withTimeout(dialing, this.#config.connectTimeoutMs, 'connecting').then((nc) => {
      if (this.#closed) throw new Error('the sink is closed');
      const connected: Connected = { nc, js: jetstream(nc, { timeout: this.#config.ackTimeoutMs }), reconnecting: false };
      this.#watch(connected, attempt);
      this.#logger.info({ server: nc.getServer(), stream: this.#config.stream }, 'connected to NATS');
      return connected;
    });
    attempt.catch((error: unknown) => {
      if (this.#connecting === attempt) this.#connecting = undefined;
      // A dial that outlived the wait (or finished after close()) may still connect: close it rather than leak it.
      dialing.then((nc) => nc.close(), () => {});
      this.#logger.warn({ err: describeError(error), servers: this.#config.servers }, 'cannot connect to NATS');
    });
    this.#connecting = attempt;
    return attempt;
  }

  #watch(connected: Connected, attempt: Promise<Connected>): void {
    const { nc } = connected;
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect') {
          connected.reconnecting = true;
          this.#logger.warn({ server: status.server }, 'disconnected from NATS; reconnecting');
        } else if (status.type === 'reconnect') {
          connected.reconnecting = false;
          this.#logger.info({ server: status.server }, 'reconnected to NATS');
        } else if (status.type === 'error') {
          this.#logger.warn({ err: describeError(status.error) }, 'NATS connection error');
        }
      }
    })().catch(() => {});
    void nc.closed().then((error) => {
      if (this.#connecting === attempt) this.#connecting = undefined;
      if (error !== undefined && !this.#closed) this.#logger.warn({ err: describeError(error) }, 'NATS connection closed; the next send reconnects');
    });
  }
}

/** The NATS JetStream sink for a validated config (natsSinkConfigSchema). Throws only for unreadable credentials. */
export function createNatsSink(config: NatsSinkConfig, context: SinkContext): Sink {
  return new NatsSink(config, context);
}
