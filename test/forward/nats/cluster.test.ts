// The NATS sink against a real 3-node JetStream cluster with a stream of 3 replicas: the stream's leader is
// killed (SIGKILL) and later restarted while baskets keep arriving and being delivered the way a forwarder
// would (what comes back `retry` is offered again, ahead of newer ones). Afterwards the stream must hold every
// basket exactly once: nothing lost, no duplicate, counted by reading the stream back with a consumer.
import { jetstreamManager } from '@nats-io/jetstream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNatsSink, natsSinkConfigSchema } from '../../../agent/forward/nats/index.js';
import type { Delivery } from '../../../agent/model/index.js';
import { requireNatsServer, startNatsCluster, type NatsCluster } from '../../helpers/nats-server.js';
import { waitUntil } from '../../helpers/streams.js';
import { CONTEXT, deliveries } from './deliveries.js';
import { createStream, readStream, withConnection } from './stream.js';

const run = requireNatsServer();
const STREAM = 'RECEIPTS_HA';
const BATCH = 20;
/** Baskets arrive at a steady 500/s while the cluster is being disturbed; the loop then drains the backlog. */
const ARRIVALS = 10;
const ARRIVAL_EVERY_MS = 20;
/** What a forwarder would wait after a batch that delivered nothing (its backoff, kept short and fixed here). */
const BACKOFF_MS = 100;

async function streamLeader(cluster: NatsCluster): Promise<string> {
  return withConnection(cluster.urls, async (nc) => {
    const jsm = await jetstreamManager(nc, { timeout: 10_000 });
    const info = await jsm.streams.info(STREAM);
    const leader = info.cluster?.leader;
    if (leader === undefined || leader === '') throw new Error('the stream has no leader');
    return leader;
  });
}

async function replicasCurrent(cluster: NatsCluster): Promise<boolean> {
  return withConnection(cluster.urls, async (nc) => {
    const info = await (await jetstreamManager(nc, { timeout: 10_000 })).streams.info(STREAM);
    const replicas = info.cluster?.replicas ?? [];
    return replicas.length === 2 && replicas.every((r) => r.current && !r.offline);
  }).catch(() => false);
}

describe.skipIf(!run)('NATS JetStream sink, 3-node cluster', () => {
  let cluster: NatsCluster;
  beforeAll(async () => {
    cluster = await startNatsCluster(3);
    await createStream(cluster.urls, { name: STREAM, subjects: ['ha.>'], num_replicas: 3 });
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('the sink\'s node, then the stream leader, killed and restarted during sustained delivery: every basket stored exactly once', async () => {
    const sink = createNatsSink(
      natsSinkConfigSchema.parse({ kind: 'nats', servers: cluster.urls, stream: STREAM, subject: 'ha.<storeId>.<tillId>', ackTimeoutMs: 2_000 }),
      { logger: pino({ level: 'silent' }), baseDir: process.cwd() },
    );
    const produced: Delivery[] = [];
    const backlog: Delivery[] = [];
    const delivered = new Set<string>();
    let duplicates = 0;
    let retried = 0;
    const reasons = new Map<string, number>();
    let disturbed = false;

    const arrive = (count: number): void => {
      const fresh = deliveries(count, { prefix: `ha-${produced.length}` });
      produced.push(...fresh);
      backlog.push(...fresh);
    };

    // The forwarder: batches in capture order; retries go back to the front of the backlog.
    const arrivals = setInterval(() => {
      if (!disturbed) arrive(ARRIVALS);
    }, ARRIVAL_EVERY_MS);
    const forward = async (): Promise<void> => {
      const signal = new AbortController().signal;
      while (backlog.length > 0 || !disturbed) {
        const batch = backlog.splice(0, BATCH);
        if (batch.length === 0) {
          await new Promise((resolve) => setTimeout(resolve, ARRIVAL_EVERY_MS));
          continue;
        }
        const results = await sink.send(batch, CONTEXT, signal);
        const again: Delivery[] = [];
        results.forEach((result, i) => {
          const delivery = batch[i]!;
          if (result.outcome === 'delivered') {
            if (delivered.has(delivery.idempotencyKey)) throw new Error(`${delivery.idempotencyKey} delivered twice by the sink`);
            delivered.add(delivery.idempotencyKey);
            if (result.duplicate === true) duplicates += 1;
          } else if (result.outcome === 'retry') {
            again.push(delivery);
            reasons.set(result.reason, (reasons.get(result.reason) ?? 0) + 1);
          } else {
            throw new Error(`${delivery.idempotencyKey} rejected: ${result.reason}`);
          }
        });
        retried += again.length;
        backlog.unshift(...again);
        if (again.length === batch.length) await new Promise((resolve) => setTimeout(resolve, BACKOFF_MS));
      }
    };

    // The disturbance, keyed to progress rather than to time. Twice: first the node that carries the sink's
    // connection (acks of messages already stored are lost with it, so re-sends must come back as duplicates),
    // then whichever node leads the stream now (an election; publishes have no responder until it is over).
    // Each node is restarted once more baskets have been delivered without it.
    const downtime: { killed: string; deliveredWhileDown: number }[] = [];
    const outage = async (pick: () => Promise<string>): Promise<void> => {
      const killed = await pick();
      await cluster.node(killed).kill('SIGKILL');
      const atKill = delivered.size;
      await waitUntil(() => delivered.size >= atKill + 300, `300 more baskets delivered with ${killed} down`, 90_000);
      downtime.push({ killed, deliveredWhileDown: delivered.size - atKill });
      await cluster.node(killed).restart();
      const atRestart = delivered.size;
      await waitUntil(() => delivered.size >= atRestart + 200, `200 more baskets delivered after ${killed} restarted`, 60_000);
    };
    const sinkNode = async (): Promise<string> => {
      for (const node of cluster.nodes.filter((n) => n.running)) if ((await node.clientNames()).includes('posbridge sink nats')) return node.name;
      throw new Error('no node carries the sink connection');
    };
    const disturb = async (): Promise<void> => {
      try {
        await waitUntil(() => delivered.size >= 200, '200 baskets delivered before the first kill', 60_000);
        await outage(sinkNode);
        await outage(() => streamLeader(cluster));
      } finally {
        disturbed = true;
      }
    };

    try {
      await Promise.all([forward(), disturb()]);
      expect(downtime).toHaveLength(2);
      expect(delivered.size).toBe(produced.length);

      const stored = await readStream(cluster.urls, STREAM);
      const ids = stored.map((m) => m.msgId);
      expect(ids.every((id) => id !== undefined)).toBe(true);
      expect(new Set(ids).size).toBe(produced.length);
      expect(stored.length).toBe(produced.length);
      expect(new Set(ids)).toEqual(new Set(produced.map((d) => d.idempotencyKey)));

      // The restarted node caught up: both followers current again.
      const deadline = Date.now() + 60_000;
      let current = await replicasCurrent(cluster);
      while (!current && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        current = await replicasCurrent(cluster);
      }
      expect(current).toBe(true);
      console.info(
        `cluster test: ${produced.length} baskets, ${retried} retries, ${duplicates} acknowledged as duplicates, ` +
          `delivered while down: ${JSON.stringify(downtime)}; retry reasons: ${JSON.stringify([...reasons])}`,
      );
    } finally {
      clearInterval(arrivals);
      await sink.close();
    }
  }, 240_000);
});
