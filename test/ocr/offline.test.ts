// The OCR engine needs no network: its core wasm, worker script and language model all load from node_modules.
// A child process (compiled build) with every network call refused, in an empty working folder, reads a picture
// receipt correctly and leaves the folder empty (no model cached into the cwd).
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { repositoryRoot } from '../helpers/daemon.js';
import { loadRasterCorpus, RASTER_DIR } from './raster-corpus.js';

const run = promisify(execFile);

it('loads and reads with every network call refused, writing nothing into the working folder', async () => {
  const root = repositoryRoot();
  const job = loadRasterCorpus().jobs.find((j) => j.file === 'green-grocer-58mm-sans.rpe-esc-star.bin')!;
  const cwd = await mkdtemp(join(tmpdir(), 'posbridge-ocr-offline-'));
  try {
    const here = join(root, 'test', 'ocr', 'offline');
    const { stdout } = await run(
      process.execPath,
      ['--import', join(here, 'refuse-network.mjs'), join(here, 'read-one.mjs'), root, join(RASTER_DIR, job.file)],
      { cwd, env: { ...process.env, POSBRIDGE_LOG_LEVEL: 'warn' }, timeout: 240_000 },
    );
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as { networkRefused: boolean; total: number; checks: { ok: boolean }[]; engine: string };
    expect(result.networkRefused).toBe(true);
    expect(result.total).toBe(job.expected.total);
    expect(result.checks.every((c) => c.ok)).toBe(true);
    expect(result.engine).toContain('eng@');
    expect(await readdir(cwd)).toEqual([]);
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
}, 300_000);
