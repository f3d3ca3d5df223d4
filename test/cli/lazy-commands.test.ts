// Each command loads only what it uses: `--version` and `--help` load no command's work, `parse` of a receipt
// loads the decoder and the text renderer but not the store, the daemon, OCR, logging or the network clients,
// and only `--json` loads the extractor (without zod or YAML); `backfill --reparse` loads OCR only when it meets a picture. Seen from inside real runs of the built CLI: a module hook preloaded
// with `node --import` logs every module the process loads, and a file of the CLI's bundle (rolldown.config.js)
// counts as the modules its source map names.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const RECEIPT = 'test/fixtures/receipts/coffee-tm-t88-card.bin';
/** Packages and folders only some commands need (the store, the daemon, OCR, logging, sinks, metrics, validation). */
const HEAVY = ['better-sqlite3', 'tesseract.js', 'pino', 'got', '@nats-io', 'prom-client', 'cli-progress', 'serialport', 'yaml', 'zod', '/agent/store/', '/agent/daemon/', '/agent/ocr/', '/agent/forward/'];

let dir: string;
let runs = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-lazy-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The modules one run of `posbridge ARGS` loaded, as file URLs: tsc's modules in dist/ and the packages'. */
async function modulesLoaded(...args: string[]): Promise<string[]> {
  const { log, run } = runLogged(args);
  expect(run.status, String(run.stderr)).toBe(0);
  const urls = (await readFile(log, 'utf8')).trimEnd().split('\n');
  return (await Promise.all(urls.map(bundled))).flat();
}

/**
 * A file of the CLI's bundle as the modules of dist/ it holds, from its source map (one without a map only
 * re-exports another file of the bundle, and holds none); any other URL as it is.
 */
async function bundled(url: string): Promise<string[]> {
  if (!/\/dist\/agent\/cli\/bundle-[^/]*\.cjs$/.test(url)) return [url];
  const mapFile = fileURLToPath(`${url}.map`);
  if (!existsSync(mapFile)) return [];
  const map = JSON.parse(await readFile(mapFile, 'utf8')) as { sources: string[] };
  return map.sources.map((source) => new URL(source, url).href);
}

function runLogged(args: string[]): { log: string; run: ReturnType<typeof spawnSync> } {
  const log = join(dir, `modules-${++runs}.txt`);
  const run = spawnSync(process.execPath, ['--import', './test/cli/module-log.mjs', 'bin/posbridge.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, POSBRIDGE_MODULE_LOG: log },
  });
  return { log, run };
}

function heavy(modules: string[]): string[] {
  return modules.filter((url) => HEAVY.some((part) => url.includes(part.startsWith('/') ? part : `/node_modules/${part}`)));
}

describe('posbridge loads only what the command uses', () => {
  it('--version and --help load no command module, not even the decoder', async () => {
    for (const args of [['--version'], ['--help'], ['parse', '--help']]) {
      const modules = await modulesLoaded(...args);
      expect(heavy(modules)).toEqual([]);
      expect(modules.filter((url) => url.includes('/dist/agent/decode/decoder.js') || url.includes('/dist/agent/cli/parse.js'))).toEqual([]);
    }
  });

  it('parse of a receipt loads the decoder and the text renderer, and nothing of the store, daemon, OCR or sinks', async () => {
    const modules = await modulesLoaded('parse', RECEIPT);
    expect(modules.some((url) => url.endsWith('/dist/agent/decode/decoder.js'))).toBe(true);
    expect(modules.some((url) => url.endsWith('/dist/agent/render/text.js'))).toBe(true);
    expect(modules.filter((url) => url.includes('/dist/agent/render/html.js') || url.includes('/dist/agent/extract/index.js'))).toEqual([]);
    // Decoding validates its options without zod (agent/decode/options.ts); config reading is not loaded at all.
    expect(heavy(modules)).toEqual([]);
  });

  it('parse of a PC437 receipt loads neither code-page library; pages that need one load it', async () => {
    const iconvIndex = (modules: string[]) => modules.some((url) => url.endsWith('/node_modules/iconv-lite/encodings/index.js'));
    const codepageEncoder = (modules: string[]) => modules.some((url) => url.includes('/node_modules/@point-of-sale/codepage-encoder/'));
    const pc437 = await modulesLoaded('parse', RECEIPT);
    // The PC437 table is read from iconv-lite's single-byte data alone, not through its index of every encoding.
    expect(pc437.filter((url) => url.includes('/node_modules/iconv-lite/'))).toEqual([expect.stringMatching(/\/encodings\/sbcs-data-generated\.js$/)]);
    expect(codepageEncoder(pc437)).toBe(false);
    // Katakana's half-width characters come from iconv-lite's Shift_JIS; Star's standard page from codepage-encoder.
    expect(iconvIndex(await modulesLoaded('parse', '--code-page', '1', RECEIPT))).toBe(true);
    expect(codepageEncoder(await modulesLoaded('parse', '--code-page-numbering', 'star', RECEIPT))).toBe(true);
  });

  it('parse --json loads the extractor, still without the store, daemon, OCR or sinks, and without zod or YAML', async () => {
    const modules = await modulesLoaded('parse', '--json', RECEIPT);
    expect(modules.some((url) => url.endsWith('/dist/agent/extract/extract-basket.js'))).toBe(true);
    // The extract index re-exports the basket's zod schema and the profile loader; extraction needs neither.
    expect(modules.filter((url) => url.endsWith('/dist/agent/extract/index.js'))).toEqual([]);
    expect(heavy(modules)).toEqual([]);
  });

  it('backfill --reparse of text receipts (OCR on, as by default) does not load OCR', async () => {
    const config = join(dir, 'posbridge.json');
    await writeFile(
      config,
      JSON.stringify({
        dataDir: join(dir, 'data'),
        links: [{ name: 'front', tillId: 'T1', till: { kind: 'tcp', host: '127.0.0.1', port: 1 }, printer: { kind: 'none' } }],
        // --dry-run sends nothing, so no backend needs to listen here.
        forward: { sinks: [{ kind: 'http', name: 'backend', url: 'http://127.0.0.1:1/v1/receipts' }] },
      }),
    );
    const imported = runLogged(['import', '--config', config, '--link', 'front', RECEIPT]);
    expect(imported.run.status, String(imported.run.stderr)).toBe(0);
    const modules = await modulesLoaded('backfill', '--config', config, '--reparse', '--dry-run', '--json');
    expect(modules.some((url) => url.endsWith('/dist/agent/forward/backfill.js'))).toBe(true);
    expect(modules.filter((url) => url.includes('/node_modules/tesseract.js/') || url.includes('/dist/agent/ocr/engine.js'))).toEqual([]);
  });
});
