// `posbridge import FILE...`: brings raw jobs captured elsewhere into the store, cut, read and queued for the
// backend like captured ones (agent/pipeline/import-jobs.ts). Importing a file again stores nothing new.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { ConfigError, loadAgentConfig, tillIdOf, type AgentConfig } from '../config.js';
import { loadProfiles } from '../extract/index.js';
import { importJobs } from '../pipeline/import-jobs.js';
import { Store } from '../store/index.js';

export interface ImportOptions {
  config?: string;
  link?: string;
  till?: string;
  json?: boolean;
}

const DEFAULT_MAX_JOB_BYTES = 64 * 1024 * 1024;

export async function importFiles(files: string[], options: ImportOptions): Promise<void> {
  let config: AgentConfig;
  try {
    config = await loadAgentConfig(options.config);
  } catch (error) {
    process.stderr.write(`posbridge import: ${(error as Error).message}\n`);
    process.exitCode = error instanceof ConfigError ? 2 : 1;
    return;
  }
  const linkName = options.link ?? 'import';
  const link = config.links.find((l) => l.name === linkName);
  const settings = {
    link: linkName,
    tillId: options.till ?? (link === undefined ? linkName : tillIdOf(link)),
    printerSetup: link?.printerSetup,
    maxJobBytes: link?.maxJobBytes ?? DEFAULT_MAX_JOB_BYTES,
    storeId: config.storeId,
    timezone: config.timezone,
    currency: config.currency,
    profiles: config.profilesDir === undefined ? [] : loadProfiles([config.profilesDir]),
  };
  const store = Store.open(Store.fileIn(config.dataDir));
  let failed = 0;
  try {
    for (const file of files) {
      let bytes: Buffer;
      let mtime: Date;
      try {
        [bytes, mtime] = await Promise.all([readFile(file), stat(file).then((s) => s.mtime)]);
      } catch (error) {
        process.stderr.write(`posbridge import: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
        failed++;
        continue;
      }
      const result = importJobs(store, { name: basename(file), bytes, capturedAt: mtime }, settings);
      const line = { file, ...result, stored: result.jobs - result.alreadyStored };
      process.stdout.write(
        options.json === true
          ? `${JSON.stringify(line)}\n`
          : `${file}: ${result.jobs} jobs (${line.stored} new, ${result.alreadyStored} already stored), ${result.baskets} baskets stored (queued for every sink the daemon forwards to)\n`,
      );
    }
  } finally {
    store.close();
  }
  if (failed > 0) process.exitCode = 1;
}
