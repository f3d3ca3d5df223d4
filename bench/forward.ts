// Forwarding figures, all through real parts: a real store file, the agent's forwarder and HTTP sink, and
// `posbridge dev-backend` as a child process over loopback HTTP.
//   - baskets delivered per second from a backlog (target >= 2,000), with the backend's own store rate beside it
//     in the dev-backend section;
//   - backfill of 100,000 stored receipts with --reparse (each re-decoded and re-extracted; all changed, so all
//     stored as a new revision and sent): target under 60 s;
//   - peak RSS of this process throughout (what forwarding adds to the processing worker that hosts it in the
//     daemon, towards its 150 MB budget).
// Run alone with `npm run build && node dist/bench/forward.js`.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { newJobId } from '../agent/capture/job-id.js';
import { basketsFromBytes, type Basket } from '../agent/extract/index.js';
import { runBackfill } from '../agent/forward/backfill.js';
import { Forwarder } from '../agent/forward/forwarder.js';
import { httpSinkConfigSchema } from '../agent/forward/http/config.js';
import { HttpSink } from '../agent/forward/http/sink.js';
import type { BatchContext } from '../agent/model/index.js';
import { Store, type SavedJob } from '../agent/store/index.js';
import { startDevBackendChild } from './dev-backend.js';
import { repoRoot } from './fuzz.js';

const DELIVERED = 20_000;
const BACKFILLED = 100_000;
const CONTEXT: BatchContext = { agentId: 'bench', agentVersion: '0', storeId: null, drift: [], printerSetups: {} };
const silent = pino({ level: 'silent' });

/** Fills a store with `count` captured receipts (the receipt fixtures in turn), baskets as extracted, queued for `sink`. */
function fill(store: Store, count: number, root: string, sink: string): void {
  const dir = join(root, 'test', 'fixtures', 'receipts');
  const receipts = readdirSync(dir)
    .filter((f) => f.endsWith('.bin'))
    .map((f) => readFileSync(join(dir, f)))
    .flatMap((bytes): { bytes: Uint8Array; basket: Basket }[] => {
      const baskets = basketsFromBytes(bytes);
      return baskets.length === 1 ? [{ bytes, basket: baskets[0]! }] : [];
    });
  store.outbox.registerSinks([sink]);
  const start = Date.now() - count * 10;
  for (let i = 0; i < count; i += 1000) {
    const batch: SavedJob[] = [];
    for (let j = i; j < Math.min(count, i + 1000); j++) {
      const { bytes, basket } = receipts[j % receipts.length]!;
      const capturedAt = new Date(start + j * 10);
      const id = newJobId(capturedAt.getTime());
      batch.push({ job: { id, link: 'front', tillId: `T${j % 4}`, peer: 'bench', capturedAt, endedBy: 'cut', bytes }, baskets: [{ ...basket, id, tillId: `T${j % 4}` }] });
    }
    store.saveJobs(batch);
  }
}

function rssMiB(): number {
  return process.memoryUsage().rss / 1024 / 1024;
}

export async function benchForward(): Promise<void> {
  const root = repoRoot();
  const work = mkdtempSync(join(tmpdir(), 'posbridge-bench-forward-'));
  let peak = rssMiB();
  const sample = setInterval(() => (peak = Math.max(peak, rssMiB())), 50);
  const backend = await startDevBackendChild(root, join(work, 'backend'));
  const url = `${backend.base}/v1/receipts`;
  try {
    const config = httpSinkConfigSchema.parse({ kind: 'http', name: 'http', url, batch: { maxCount: 200, lingerMs: 0 } });

    // 1. A backlog delivered: the backend was down, now it is back.
    const store = Store.open(join(work, 'deliver.db'));
    fill(store, DELIVERED, root, 'http');
    const sink = new HttpSink(config, { logger: silent, baseDir: work });
    const forwarder = new Forwarder({ sink, outbox: store.outbox, settings: config, owner: 'bench', logger: silent, context: () => CONTEXT });
    const t0 = performance.now();
    let delivered = 0;
    for (let outcome = await forwarder.deliverOnce(); outcome !== null; outcome = await forwarder.deliverOnce()) delivered += outcome.delivered;
    const deliverSeconds = (performance.now() - t0) / 1000;
    await sink.close();
    store.close();
    if (delivered !== DELIVERED) throw new Error(`delivered ${delivered} of ${DELIVERED}`);
    console.log(`HTTP to the reference backend: ${DELIVERED} baskets in ${deliverSeconds.toFixed(1)} s = ${(DELIVERED / deliverSeconds).toFixed(0)} baskets/s (target >= 2,000), batches of 200`);

    // 2. Backfill of 100,000 stored receipts with --reparse, new rules changing every basket.
    const backfillStore = Store.open(join(work, 'backfill.db'));
    fill(backfillStore, BACKFILLED, root, 'http');
    // What was captured is already delivered: only the re-parsed revisions go now.
    const outbox = backfillStore.outbox;
    for (;;) {
      const some = outbox.claim('http', 'setup', Date.now(), Date.now() + 3_600_000, { maxCount: 1000, maxBytes: Number.MAX_SAFE_INTEGER, withRawJob: false });
      if (some.length === 0) break;
      outbox.settle('setup', Date.now(), some.map((d) => ({ outboxId: d.outboxId, result: { outcome: 'delivered' }, retryAt: 0, itemSpecific: false })));
    }
    peak = rssMiB();
    const t1 = performance.now();
    const summary = await runBackfill(backfillStore, {
      status: 'all',
      reparse: { storeId: 'S-NEW', timezone: 'Europe/London', profiles: [], printerSetups: {} },
      dryRun: false,
      sinks: [config],
      baseDir: work,
      context: CONTEXT,
      logger: silent,
    });
    const backfillSeconds = (performance.now() - t1) / 1000;
    backfillStore.close();
    console.log(
      `backfill --reparse of ${BACKFILLED.toLocaleString('en')} stored receipts: ${backfillSeconds.toFixed(1)} s (target < 60 s): ` +
        `${summary.reparsedJobs} re-parsed, ${summary.changed} changed, ${summary.sent} sent, ${summary.failed} failed`,
    );
    console.log(`peak RSS during the backfill (store, re-parse, forwarder in one process): ${peak.toFixed(0)} MiB (daemon target < 150 MB)`);
  } finally {
    clearInterval(sample);
    await backend.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchForward();
