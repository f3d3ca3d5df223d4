// NATS JetStream sink figures: baskets delivered per second (each publish acknowledged by the stream) to a local
// single-node JetStream (file storage, one replica) started by the bench, as the forwarder would drive the sink:
// batches of 100, and one basket at a time (every basket waits for its own ack before the next is sent).
// Needs nats-server (apt-get install nats-server); the section is skipped with a note when it is missing.
// Run alone with `npm run build && node dist/bench/nats.js`.
import { pino } from 'pino';
import { fileURLToPath } from 'node:url';
import { createNatsSink, natsSinkConfigSchema } from '../agent/forward/nats/index.js';
import type { Delivery, Sink } from '../agent/model/index.js';
import { natsServerBinary, startNatsServer } from '../test/helpers/nats-server.js';
import { CONTEXT, deliveries } from '../test/forward/nats/deliveries.js';
import { createStream } from '../test/forward/nats/stream.js';

const BATCHED = 20_000;
const ONE_BY_ONE = 2_000;

function line(label: string, value: string): void {
  process.stdout.write(`${label.padEnd(52)}${value}\n`);
}

/** Sends everything in batches of `size`, re-sending what comes back `retry`; returns baskets per second. */
async function deliverAll(sink: Sink, all: readonly Delivery[], size: number): Promise<number> {
  const signal = new AbortController().signal;
  const t0 = performance.now();
  for (let i = 0; i < all.length; ) {
    const batch = all.slice(i, i + size);
    const results = await sink.send(batch, CONTEXT, signal);
    const failed = results.find((r) => r.outcome !== 'delivered');
    if (failed !== undefined) throw new Error(`bench delivery failed: ${JSON.stringify(failed)}`);
    i += batch.length;
  }
  return all.length / ((performance.now() - t0) / 1000);
}

export async function benchNats(): Promise<void> {
  if (natsServerBinary() === undefined) {
    line('JetStream', 'skipped: nats-server is not installed (apt-get install nats-server)');
    return;
  }
  const server = await startNatsServer();
  const sink = createNatsSink(
    natsSinkConfigSchema.parse({ kind: 'nats', servers: [server.url], stream: 'BENCH', subject: 'bench.<storeId>.<tillId>' }),
    { logger: pino({ level: 'warn' }), baseDir: process.cwd() },
  );
  try {
    await createStream(server.url, { name: 'BENCH', subjects: ['bench.>'] });
    await deliverAll(sink, deliveries(500, { prefix: 'warm' }), 100);
    const batched = deliveries(BATCHED, { prefix: 'batched' });
    const bytes = batched.slice(0, 100).reduce((n, d) => n + JSON.stringify(d.basket).length, 0) / 100;
    const batchedRate = await deliverAll(sink, batched, 100);
    const singleRate = await deliverAll(sink, deliveries(ONE_BY_ONE, { prefix: 'single' }), 1);
    line('basket size (JSON, mean)', `${Math.round(bytes).toLocaleString('en-GB')} bytes`);
    line(`delivered to JetStream, batches of 100 (${BATCHED.toLocaleString('en-GB')})`, `${Math.round(batchedRate).toLocaleString('en-GB')} baskets/s`);
    line(`delivered to JetStream, one at a time (${ONE_BY_ONE.toLocaleString('en-GB')})`, `${Math.round(singleRate).toLocaleString('en-GB')} baskets/s`);
  } finally {
    await sink.close();
    await server.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchNats();
