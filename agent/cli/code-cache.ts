// How the bin starts the CLI: its bundle (rolldown.config.js), compiled from V8 code caches made when it was built.
//
// Node 20 compiles a command's JavaScript anew on every run: for `parse --json` of one receipt that was a third of
// what the command cost above Node itself (~150 of ~460 M instructions), since Node 20 has no compile cache for
// modules (Node 22 has, module.enableCompileCache). V8 can start a script from the code it compiled on an earlier
// run (vm.Script's cachedData), but only a script, not an ES module, so the bundle is CommonJS, and each of its
// files is compiled here from the cache beside it (`bundle-parse.cjs.v8cache`). The caches are made by the build
// (write-code-cache.ts runs `parse --json` of the test receipt with POSBRIDGE_CODE_CACHE=write) and only read when a
// command runs, so nothing is written at run time and a cache no one but the build wrote is never run.
//
// V8 checks a cache against the source, its own version and the flags it was made under, and rejects it when any
// differs (another Node, a changed file, a V8 flag given to Node): the file is then compiled from its source, as
// without a cache. So the flags of start-flags.ts are set once, before any of the bundle is compiled, and the
// caches are made under the same.
//
// POSBRIDGE_CODE_CACHE=report prints at exit what became of each file's cache (used, rejected, none).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import type { startCli } from './main.js';
import { startFlags } from './start-flags.js';

/** What became of one bundle file's cache. */
type CacheUse = 'used' | 'rejected' | 'none';

interface Compiled {
  file: string;
  script: Script;
  use: CacheUse;
}

/** Node's CommonJS loader as far as it is used here: its handlers of file extensions, which every loader hook uses. */
type Loader = typeof Module & { _extensions: Record<string, (module: Module, filename: string) => void> };

const cacheFileOf = (file: string): string => `${file}.v8cache`;

/**
 * Runs the CLI from its CommonJS bundle, whose entry is `entry` (a file URL or path): every `.cjs` file in its folder
 * is compiled from its cache when V8 accepts it. `mode`: `write` makes each file's cache at exit from what the run compiled,
 * `report` prints each file's use at exit.
 */
export function runCli(entry: string | URL, mode = process.env.POSBRIDGE_CODE_CACHE): void {
  const entryFile = entry instanceof URL || entry.startsWith('file:') ? fileURLToPath(entry) : entry;
  const folder = dirname(entryFile);
  const compiled: Compiled[] = [];
  const loader = Module as Loader;
  // Node 20 loads a .cjs file with its .js handler (it has no .cjs one); Node 22 has one.
  const plain = loader._extensions['.cjs'] ?? loader._extensions['.js']!;
  loader._extensions['.cjs'] = (module, filename) => {
    if (dirname(filename) !== folder) return plain(module, filename);
    const source = readFileSync(filename, 'utf8');
    const cachedData = readCache(filename);
    // The wrapper Node gives every CommonJS module: the names a module's code refers to.
    const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
      filename,
      cachedData,
    });
    compiled.push({ file: filename, script, use: cachedData === undefined ? 'none' : script.cachedDataRejected === true ? 'rejected' : 'used' });
    const run = script.runInThisContext() as (...args: unknown[]) => void;
    run.call(module.exports, module.exports, createRequire(filename), module, filename, folder);
  };
  if (mode === 'write' || mode === 'report') process.on('exit', () => (mode === 'write' ? writeCaches(compiled) : report(compiled)));
  // The built-in modules commander loads (bundled), under Node's own flags: V8 rejects the code cache Node's
  // built-in modules are compiled from once a flag has changed, and node:child_process brings many (net, dgram and
  // their helpers: `--version` took ~27 M instructions more when they loaded after the flags changed).
  createRequire(entryFile)('node:child_process');
  startFlags();
  const cli = createRequire(entryFile)(entryFile) as { startCli: typeof startCli };
  // The commands' modules, ES modules beside the bundle, imported from here: a script has no import() (main.ts).
  cli.startCli((specifier) => import(new URL(specifier, pathToFileURL(entryFile)).href));
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(cacheFileOf(file));
  } catch {
    return undefined; // none was made (a build without it): compiled from the source
  }
}

/**
 * Each file's cache, made from all the run compiled (functions compile lazily, when first called: a cache made at
 * exit holds every function the command ran). Made under the flags the files were compiled under: a busy command
 * may have turned Turbofan on since (turbofan.ts).
 */
function writeCaches(compiled: readonly Compiled[]): void {
  startFlags();
  for (const { file, script } of compiled) writeFileSync(cacheFileOf(file), script.createCachedData());
}

function report(compiled: readonly Compiled[]): void {
  for (const { file, use } of compiled) process.stderr.write(`code cache ${use}: ${file}\n`);
}
