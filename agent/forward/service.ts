// Everything forwarding does in the daemon, thread-agnostic: one Forwarder per configured sink over the store's
// outbox, retention pruning, and a status snapshot. The daemon hosts it on the processing worker (host.ts), off
// the passthrough thread, so a slow backend never delays printing; delivery is asynchronous I/O between the
// worker's decoding slices.
import { hostname } from 'node:os';
import type { Logger } from '../log.js';
import type { BatchContext, DriftNotice, Sink } from '../model/index.js';
import { Store } from '../store/index.js';
import type { Outbox } from '../store/outbox.js';
import { VERSION } from '../version.js';
import { Forwarder, type BatchEvent } from './forwarder.js';
import { createSink, sinkName } from './registry.js';
import type { ForwardSettings, ForwardStatus, ProbeResult } from './protocol.js';

const PRUNE_EVERY_MS = 60 * 60 * 1000;
const DEAD_LETTERS_SHOWN = 10;

/**
 * Who holds a claim: role, host, pid and start time. Unique per run, so an earlier run's claims are never taken
 * for this one's, and telling on this host whether the holder still lives.
 */
export function claimOwner(role: string): string {
  return `${role}:${hostname()}:${process.pid}:${Date.now().toString(36)}`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Gives back the claims of forwarders on this host whose process is gone (killed mid-delivery), so their baskets
 * go again now rather than when the lease runs out. A claim from another host waits for its lease.
 */
export function releaseDeadClaims(outbox: Outbox, self: string): number {
  let released = 0;
  for (const owner of outbox.claimOwners()) {
    const [, host, pid, started] = owner.split(':');
    if (owner === self || host !== hostname() || started === undefined) continue;
    const sameProcess = Number(pid) === process.pid;
    if ((sameProcess && owner !== self) || !alive(Number(pid))) released += outbox.releaseOwner(owner);
  }
  return released;
}

export class ForwardingService {
  readonly #settings: ForwardSettings;
  readonly #store: Store;
  readonly #log: Logger;
  readonly #sinks: Sink[] = [];
  readonly #forwarders: Forwarder[] = [];
  #drift: readonly DriftNotice[] = [];
  #pruneTimer: NodeJS.Timeout | undefined;
  #lastPrune: ForwardStatus['lastPrune'] = null;
  #error: string | null = null;

  /** Opens the store and makes every sink; throws (StoreError, SinkConfigError) when it cannot. */
  constructor(settings: ForwardSettings, logger: Logger, onBatch?: (event: BatchEvent) => void) {
    this.#settings = settings;
    this.#log = logger.child({ component: 'forward' });
    this.#store = Store.open(Store.fileIn(settings.dataDir));
    try {
      const owner = claimOwner('daemon');
      for (const config of settings.forward.sinks) {
        const sink = createSink(config, { logger: this.#log, baseDir: settings.baseDir });
        this.#sinks.push(sink);
        this.#forwarders.push(
          new Forwarder({
            sink,
            outbox: this.#store.outbox,
            settings: config,
            owner,
            logger: this.#log,
            context: () => this.#context(),
            ...(onBatch !== undefined && { onBatch }),
          }),
        );
      }
      this.#store.outbox.registerSinks(settings.forward.sinks.map(sinkName));
      const released = releaseDeadClaims(this.#store.outbox, owner);
      if (released > 0) this.#log.info({ released }, 'deliveries left in flight by the previous run will be sent again (the backend drops repeats)');
    } catch (error) {
      this.#store.close();
      throw error;
    }
  }

  start(): void {
    for (const forwarder of this.#forwarders) forwarder.start();
    this.#prune();
    this.#pruneTimer = setInterval(() => this.#prune(), PRUNE_EVERY_MS);
    this.#pruneTimer.unref();
  }

  wake(): void {
    for (const forwarder of this.#forwarders) forwarder.wake();
  }

  setDrift(notices: readonly DriftNotice[]): void {
    this.#drift = notices;
  }

  async probe(): Promise<ProbeResult[]> {
    return Promise.all(this.#sinks.map(async (sink) => ({ name: sink.name, ...(await sink.probe(AbortSignal.timeout(10_000))) })));
  }

  status(): ForwardStatus {
    const running = new Set(this.#forwarders.map((f) => f.sinkName));
    try {
      const outbox = this.#store.outbox;
      return {
        sinks: outbox.backlog().map((b) => ({
          ...b,
          configured: running.has(b.sink),
          running: running.has(b.sink),
          lastError: this.#forwarders.find((f) => f.sinkName === b.sink)?.lastError ?? b.lastError,
        })),
        deadLetters: outbox.deadLetters(DEAD_LETTERS_SHOWN),
        diskBytes: this.#store.diskBytes(),
        lastPrune: this.#lastPrune,
        updatedAt: new Date().toISOString(),
        error: this.#error,
      };
    } catch (error) {
      this.#error = (error as Error).message;
      return { sinks: [], deadLetters: [], diskBytes: 0, lastPrune: this.#lastPrune, updatedAt: new Date().toISOString(), error: this.#error };
    }
  }

  /** Lets each sink finish the batch in flight (up to timeoutMs, then abandons it: it is sent again next start). */
  async stop(timeoutMs: number): Promise<void> {
    clearInterval(this.#pruneTimer);
    const graceful = Promise.all(this.#forwarders.map((f) => f.stop()));
    const timer = setTimeout(() => {
      for (const f of this.#forwarders) void f.stop({ abort: true });
    }, timeoutMs);
    await graceful;
    clearTimeout(timer);
    await Promise.all(this.#sinks.map((s) => s.close()));
    this.#store.close();
  }

  #context(): BatchContext {
    return { agentId: this.#settings.agentId, agentVersion: VERSION, storeId: this.#settings.storeId, drift: this.#drift, printerSetups: this.#settings.printerSetups };
  }

  #prune(): void {
    try {
      const result = this.#store.prune(this.#settings.forward.retention);
      this.#lastPrune = { at: new Date().toISOString(), prunedJobs: result.prunedJobs, keptBytes: result.keptBytes, undeliveredBytes: result.undeliveredBytes };
      if (result.prunedJobs > 0) this.#log.info({ ...result }, 'pruned delivered raw jobs past retention');
      if (result.undeliveredBytes > this.#settings.forward.retention.maxBytes) {
        this.#log.warn(
          { undeliveredBytes: result.undeliveredBytes, maxBytes: this.#settings.forward.retention.maxBytes },
          'undelivered jobs alone exceed forward.retention.maxBytes; they are kept (never pruned undelivered): check the backend',
        );
      }
      this.#error = null;
    } catch (error) {
      this.#error = (error as Error).message;
      this.#log.error({ reason: (error as Error).message }, 'pruning failed; retrying in an hour');
    }
  }
}
