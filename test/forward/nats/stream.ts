// Test-side JetStream access, as a downstream consumer would have it: make streams, and read a stream back with
// an ordered consumer to count what it holds.
import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type StreamConfig } from '@nats-io/jetstream';

export interface StoredMessage {
  readonly seq: number;
  readonly subject: string;
  readonly msgId: string | undefined;
  readonly body: unknown;
}

/** Where the test reaches the servers: their URLs, or connection options (a token). */
export type Servers = string | string[] | NodeConnectionOptions;

export async function withConnection<T>(servers: Servers, use: (nc: NatsConnection) => Promise<T>): Promise<T> {
  const options = typeof servers === 'string' || Array.isArray(servers) ? { servers } : servers;
  const nc = await connect({ timeout: 10_000, reconnectTimeWait: 250, maxReconnectAttempts: -1, ...options });
  try {
    return await use(nc);
  } finally {
    await nc.close();
  }
}

export function createStream(servers: Servers, config: Partial<StreamConfig> & { name: string; subjects: string[] }): Promise<void> {
  return withConnection(servers, async (nc) => {
    const jsm = await jetstreamManager(nc, { timeout: 20_000 });
    await jsm.streams.add(config);
  });
}

/** Every message the stream holds, in stream order, read with an ordered consumer. */
export function readStream(servers: Servers, stream: string): Promise<StoredMessage[]> {
  return withConnection(servers, async (nc) => {
    const jsm = await jetstreamManager(nc, { timeout: 20_000 });
    const { state } = await jsm.streams.info(stream);
    if (state.messages === 0) return [];
    const consumer = await jetstream(nc, { timeout: 20_000 }).consumers.get(stream);
    const messages = await consumer.consume();
    const out: StoredMessage[] = [];
    for await (const m of messages) {
      out.push({ seq: m.seq, subject: m.subject, msgId: m.headers?.get('Nats-Msg-Id'), body: m.json() });
      if (m.info.pending === 0) break;
    }
    await messages.close();
    return out;
  });
}
