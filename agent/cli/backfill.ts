// `posbridge backfill`: re-send stored receipts to the backend, or with --reparse re-read the stored raw jobs with
// today's code and profiles and send what changed. Works while the daemon runs; interrupted, it resumes by itself
// (what it queued is delivered by the daemon or the next backfill). The engine is agent/forward/backfill.ts.
import { hostname } from 'node:os';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { ConfigError, loadAgentConfig, printerSetupsOf, type AgentConfig } from '../config.js';
import { loadProfiles } from '../extract/index.js';
import { runBackfill, type BackfillProgress, type BackfillSummary } from '../forward/backfill.js';
import { sinkName } from '../forward/registry.js';
import { log } from '../log.js';
import { DEFAULT_PSM, needsOcr, OcrEngine, ocrStoredJob } from '../ocr/index.js';
import { extractionContext } from '../pipeline/job-baskets.js';
import type { ReparseSettings } from '../pipeline/reparse.js';
import { Store } from '../store/index.js';
import { VERSION } from '../version.js';
import { parseSince } from './tail.js';

interface BackfillCliOptions {
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

function positive(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number above 0.');
  return n;
}

/** The re-parse path as the daemon reads: profiles, store context and printer setup per link, and OCR when on. */
function reparseSettings(config: AgentConfig, engine: () => OcrEngine): ReparseSettings {
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
      return ocrStoredJob(job, engine(), ocr, context, base.printerSetups[job.link]);
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

async function backfill(options: BackfillCliOptions): Promise<void> {
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
  // Started only when a re-parse meets a picture receipt: the engine takes a second or two to load.
  let engine: OcrEngine | undefined;
  const ocrEngine = (): OcrEngine => (engine ??= new OcrEngine({ languages: config.ocr.languages, psm: DEFAULT_PSM, logger: log }));
  try {
    store = Store.open(Store.fileIn(config.dataDir));
    const summary = await runBackfill(store, {
      from: options.from === undefined ? undefined : parseSince(options.from, timeZone),
      to: options.to === undefined ? undefined : parseSince(options.to, timeZone),
      tillId: options.till,
      status: options.status,
      reparse: options.reparse === true ? reparseSettings(config, ocrEngine) : undefined,
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
    await engine?.stop();
    store?.close();
  }
}

export function register(program: Command): void {
  program
    .command('backfill')
    .description('re-send stored receipts to the backend; with --reparse, re-read the stored raw jobs with today\'s rules and send what changed')
    .option('-c, --config <file>', 'agent configuration: data folder, sinks, profiles (default: the embedded default)')
    .option('--from <time>', 'only receipts captured at or after this time (ISO, local to the config timezone, or 2h, 3d back)')
    .option('--to <time>', 'only receipts captured before this time')
    .option('--till <id>', 'only this till')
    .option('--status <which>', 'without --reparse, which deliveries to re-send: failed, dead or all', 'all')
    .option('--reparse', 're-decode and re-extract the raw jobs; store and send a new revision where the basket changed')
    .option('--dry-run', 'say what would be re-parsed and sent; write and send nothing')
    .option('--rate <n>', 'send at most n baskets a second', positive)
    .option('--sink <name...>', 'only these sinks (default: every configured sink)')
    .option('--give-up-after <seconds>', 'stop when the backend has refused everything this long (what is left stays queued)', positive, 60)
    .option('--json', 'the summary as JSON')
    .action(async (options: BackfillCliOptions) => {
      if (!['failed', 'dead', 'all'].includes(options.status)) {
        process.stderr.write(`posbridge backfill: --status takes failed, dead or all, not "${options.status}"\n`);
        process.exitCode = 2;
        return;
      }
      await backfill(options);
    });
}
