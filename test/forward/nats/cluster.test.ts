// The NATS sink driven by the real forwarder from a real outbox (SQLite) against a real 3-node JetStream cluster
// with a stream of 3 replicas: the node carrying the sink's connection, then the stream's leader, is killed
// (SIGKILL) and later restarted while baskets keep being stored and delivered. Afterwards the outbox has every
// basket delivered and none dead, and the stream holds each exactly once, read back with a consumer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Forwarder } from '../../../agent/forward/forwarder.js';
import { createNatsSink, natsSinkConfigSchema } from '../../../agent/forward/nats/index.js';
import { deliverySettingsSchema } from '../../../agent/forward/settings.js';
import { Store } from '../../../agent/store/index.js';
import { COFFEE, basketsFor, job } from '../../store/jobs.js';
import { requireNatsServer, startNatsCluster, type NatsCluster } from '../../helpers/nats-server.js';
import { waitUntil } from '../../helpers/streams.js';
import { CONTEXT } from './deliveries.js';
import { createStream, readStream, withConnection } from './stream.js';

const run = requireNatsServer();
const STREAM = 'RECEIPTS_HA';
/** Baskets arrive at a steady 500/s while the cluster is being disturbed; the forwarder then drains the backlog. */
const ARRIVALS = 10;
const ARRIVAL_EVERY_MS = 20;
/** The forwarder's own batching and backoff, kept short so the test spends its time on the outages. */
const SETTINGS = deliverySettingsSchema.parse({ batch: { maxCount: 20, lingerMs: 5 }, retry: { initialMs: 50, maxMs: 500, maxItemFailures: 100_000 } });
const silent = pino({ level: 'silent' });

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

  it('the sink\'s node, then the stream leader, killed and restarted during sustained delivery by the forwarder: every basket stored exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'posbridge-nats-cluster-'));
    const store = Store.open(join(dir, 'agent.db'));
    const sink = createNatsSink(
      natsSinkConfigSchema.parse({ kind: 'nats', servers: cluster.urls, stream: STREAM, subject: 'ha.<storeId>.<tillId>', ackTimeoutMs: 2_000 }),
      { logger: silent, baseDir: process.cwd() },
    );
    store.outbox.registerSinks([sink.name]);
    const produced: string[] = [];
    let duplicates = 0;
    let retried = 0;
    let batchesFailed = 0;
    let disturbed = false;
    const forwarder = new Forwarder({
      sink,
      outbox: store.outbox,
      settings: SETTINGS,
      owner: `cluster-test-${process.pid}`,
      logger: silent,
      context: () => CONTEXT,
      onBatch: (event) => {
        duplicates += event.duplicates;
        retried += event.retried;
        if (event.error !== null) batchesFailed += 1;
      },
    });
    const delivered = (): number => store.outbox.keys(sink.name, 'delivered').length;

    // Baskets stored the way capture stores them (the outbox trigger queues each for the sink), in capture order.
    const template = basketsFor(job(COFFEE))[0]!;
    const arrivals = setInterval(() => {
      if (disturbed) return;
      for (let i = 0; i < ARRIVALS; i++) {
        const record = job(COFFEE, { tillId: 'T1' });
        store.saveJob(record, [{ ...template, id: record.id }]);
        produced.push(`${record.id}:1`);
      }
      forwarder.wake();
    }, ARRIVAL_EVERY_MS);
    forwarder.start();

    // The disturbance, keyed to progress rather than to time. Twice: first the node that carries the sink's
    // connection (acks of messages already stored are lost with it, so re-sends must come back as duplicates),
    // then whichever node leads the stream now (an election; publishes have no responder until it is over).
    // Each node is restarted once more baskets have been delivered without it.
    const downtime: { killed: string; deliveredWhileDown: number }[] = [];
    const outage = async (pick: () => Promise<string>): Promise<void> => {
      const killed = await pick();
      await cluster.node(killed).kill('SIGKILL');
      const atKill = delivered();
      await waitUntil(() => delivered() >= atKill + 300, `300 more baskets delivered with ${killed} down`, 90_000);
      downtime.push({ killed, deliveredWhileDown: delivered() - atKill });
      await cluster.node(killed).restart();
      const atRestart = delivered();
      await waitUntil(() => delivered() >= atRestart + 200, `200 more baskets delivered after ${killed} restarted`, 60_000);
    };
    const sinkNode = async (): Promise<string> => {
      for (const node of cluster.nodes.filter((n) => n.running)) if ((await node.clientNames()).includes('posbridge sink nats')) return node.name;
      throw new Error('no node carries the sink connection');
    };
    const disturb = async (): Promise<void> => {
      try {
        await waitUntil(() => delivered() >= 200, '200 baskets delivered before the first kill', 60_000);
        await outage(sinkNode);
        await outage(() => streamLeader(cluster));
      } finally {
        disturbed = true;
      }
    };

    try {
      await disturb();
      clearInterval(arrivals);
      // The backlog left by the outages drains: every basket delivered, none set aside as dead.
      await waitUntil(() => delivered() === produced.length, `all ${produced.length} baskets delivered`, 90_000);
      await forwarder.stop();
      expect(downtime).toHaveLength(2);
      expect(store.outbox.keys(sink.name, 'dead')).toEqual([]);
      expect(new Set(store.outbox.keys(sink.name, 'delivered'))).toEqual(new Set(produced));

      const stored = await readStream(cluster.urls, STREAM);
      const ids = stored.map((m) => m.msgId);
      expect(ids.every((id) => id !== undefined)).toBe(true);
      expect(stored.length).toBe(produced.length);
      expect(new Set(ids)).toEqual(new Set(produced));

      // The restarted node caught up: both followers current again.
      const deadline = Date.now() + 60_000;
      let current = await replicasCurrent(cluster);
      while (!current && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        current = await replicasCurrent(cluster);
      }
      expect(current).toBe(true);
      console.info(
        `cluster test: ${produced.length} baskets, ${retried} retries, ${batchesFailed} failed batches, ${duplicates} acknowledged as duplicates, ` +
          `delivered while down: ${JSON.stringify(downtime)}`,
      );
    } finally {
      clearInterval(arrivals);
      await forwarder.stop({ abort: true });
      await sink.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
