// `posbridge backfill`: re-send stored receipts to the backend, or with --reparse re-read the stored raw jobs with
// today's code and profiles and send what changed. Works while the daemon runs; interrupted, it resumes by itself
// (what it queued is delivered by the daemon or the next backfill). The engine is agent/forward/backfill.ts.
import { hostname } from 'node:os';
import { SingleBar } from 'cli-progress';
import { InvalidArgumentError } from './commander.js';
import { ConfigError, loadAgentConfig, printerSetupsOf, type AgentConfig } from '../config.js';
import { loadProfiles } from '../extract/index.js';
import { runBackfill, type BackfillProgress, type BackfillSummary } from '../forward/backfill.js';
import { sinkName } from '../forward/registry.js';
import { log } from '../log.js';
import type { Basket, ExtractContext } from '../extract/index.js';
import type { DecoderOptions } from '../decode/index.js';
import type { OcrEngine } from '../ocr/index.js';
import { needsOcr } from '../ocr/raster-rule.js';
import { extractionContext } from '../pipeline/job-baskets.js';
import type { ReparseSettings } from '../pipeline/reparse.js';
import { Store, type JobRecord } from '../store/index.js';
import { VERSION } from '../version.js';
import { parseSince } from './since.js';

export interface BackfillCliOptions {
  config?: string;
  from?: string;
  to?: string;
  till?: string;
  status: 'failed' | 'dead' | 'all';
  reparse?: boolean;
  dryRun?: boolean;
  rate?: number;
  sink?: string[];
  json?: boolean;
  giveUpAfter: number;
}

/** Reads stored picture receipts again by OCR. */
interface OcrReader {
  read(job: JobRecord, context: Omit<ExtractContext, 'id'>, setup: DecoderOptions | undefined): Promise<Basket[]>;
  stop(): Promise<void>;
}

/**
 * The OCR module (tesseract) and its engine load when the re-parse first meets a picture receipt, not before:
 * they take a second or two and much memory, and most backfills meet none.
 */
function lazyOcr(config: AgentConfig): OcrReader {
  type Loaded = { ocr: typeof import('../ocr/index.js'); engine: OcrEngine };
  let loaded: Promise<Loaded> | undefined;
  const load = async (): Promise<Loaded> => {
    const ocr = await import('../ocr/index.js');
    return { ocr, engine: new ocr.OcrEngine({ languages: config.ocr.languages, psm: ocr.DEFAULT_PSM, logger: log }) };
  };
  return {
    async read(job, context, setup) {
      const { ocr, engine } = await (loaded ??= load());
      return ocr.ocrStoredJob(job, engine, config.ocr, context, setup);
    },
    async stop() {
      if (loaded !== undefined) await (await loaded).engine.stop();
    },
  };
}

/** The re-parse path as the daemon reads: profiles, store context and printer setup per link, and OCR when on. */
function reparseSettings(config: AgentConfig, ocrReader: OcrReader): ReparseSettings {
  const base = {
    storeId: config.storeId,
    timezone: config.timezone,
    currency: config.currency,
    locale: config.locale,
    profiles: config.profilesDir === undefined ? [] : loadProfiles([config.profilesDir]),
    printerSetups: Object.fromEntries(config.links.map((l) => [l.name, l.printerSetup])),
    stores: Object.fromEntries(config.links.map((l) => [l.name, l.store])),
  };
  const ocr = config.ocr;
  if (!ocr.enabled) return base;
  return {
    ...base,
    isPicture: (doc) => needsOcr(doc, ocr.minImageShare),
    readPictures: (job) => {
      const { id: _id, ...context } = extractionContext(job, 0, base, base.stores[job.link]);
      return ocrReader.read(job, context, base.printerSetups[job.link]);
    },
  };
}

/** A bar with rate and ETA on a terminal; a plain line every two seconds otherwise (logs, ssh without a tty). */
function progressReporter(): { update: (p: BackfillProgress) => void; stop: () => void } {
  if (process.stderr.isTTY === true) {
    let bar: SingleBar | undefined;
    let phase = '';
    let phaseStarted = 0;
    return {
      update(p) {
        if (p.phase !== phase) {
          bar?.stop();
          phase = p.phase;
          bar = new SingleBar({ format: `${p.phase === 'reparse' ? 're-parse' : 'send    '} [{bar}] {value}/{total} {percentage}% | {eta_formatted} left | {rate}/s`, stream: process.stderr });
          bar.start(p.total, 0, { rate: '0' });
          phaseStarted = Date.now();
        }
        const seconds = Math.max(0.001, (Date.now() - phaseStarted) / 1000);
        bar!.setTotal(Math.max(p.total, p.done));
        bar!.update(p.done, { rate: (p.done / seconds).toFixed(0) });
      },
      stop: () => bar?.stop(),
    };
  }
  let last = 0;
  const started = Date.now();
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 2_000 && p.done < p.total) return;
      last = now;
      const rate = p.done / Math.max(0.001, (now - started) / 1000);
      process.stderr.write(`backfill ${p.phase}: ${p.done}/${p.total} (${rate.toFixed(0)}/s)\n`);
    },
    stop: () => undefined,
  };
}

function describe(s: BackfillSummary): string {
  const head = s.dryRun ? 'dry run (nothing written or sent): ' : '';
  const reparse = s.reparsedJobs > 0 ? `${s.reparsedJobs} jobs re-parsed, ${s.changed} changed, ${s.unchanged} unchanged; ` : '';
  const sent = s.dryRun ? `${s.queued} would be sent` : `${s.queued} queued, ${s.sent} sent (${s.duplicates} already at the backend), ${s.failed} failed (still queued), ${s.dead} dead`;
  return `${head}${reparse}${sent}`;
}

export async function backfill(options: BackfillCliOptions): Promise<void> {
  if (!['failed', 'dead', 'all'].includes(options.status)) {
    process.stderr.write(`posbridge backfill: --status takes failed, dead or all, not "${options.status}"\n`);
    process.exitCode = 2;
    return;
  }
  let config: AgentConfig;
  try {
    config = await loadAgentConfig(options.config);
  } catch (error) {
    process.stderr.write(`posbridge backfill: ${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const timeZone = config.timezone;
  const sinks = config.forward.sinks.filter((s) => options.sink === undefined || options.sink.includes(sinkName(s)));
  if (sinks.length === 0) {
    const known = config.forward.sinks.map(sinkName);
    process.stderr.write(`posbridge backfill: no sink to send to (${known.length === 0 ? 'the config has no forward.sinks' : `configured: ${known.join(', ')}`})\n`);
    process.exitCode = 2;
    return;
  }
  const progress = progressReporter();
  let store: Store | undefined;
  const ocrReader = lazyOcr(config);
  try {
    store = Store.open(Store.fileIn(config.dataDir));
    const summary = await runBackfill(store, {
      from: options.from === undefined ? undefined : parseSince(options.from, timeZone),
      to: options.to === undefined ? undefined : parseSince(options.to, timeZone),
      tillId: options.till,
      status: options.status,
      reparse: options.reparse === true ? reparseSettings(config, ocrReader) : undefined,
      dryRun: options.dryRun === true,
      rate: options.rate,
      sinks,
      baseDir: config.baseDir,
      context: { agentId: config.forward.agentId ?? hostname(), agentVersion: VERSION, storeId: config.storeId ?? null, drift: [], printerSetups: printerSetupsOf(config) },
      logger: log,
      giveUpAfterMs: options.giveUpAfter * 1000,
      onProgress: (p) => progress.update(p),
    });
    progress.stop();
    process.stdout.write(`${options.json === true ? JSON.stringify(summary) : describe(summary)}\n`);
    if (summary.failed > 0 || summary.dead > 0) process.exitCode = 1;
  } catch (error) {
    progress.stop();
    if (error instanceof ConfigError || error instanceof InvalidArgumentError) {
      process.stderr.write(`posbridge backfill: ${(error as Error).message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`posbridge backfill: ${(error as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await ocrReader.stop();
    store?.close();
  }
}
