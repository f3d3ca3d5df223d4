// The CLI's start-up bundle, built by `npm run build` after tsc: `posbridge --version`, `--help` and `parse` load
// a few bundled files instead of the dozens of modules tsc emits for them (parse --json: 54). Node 20's ESM loader
// resolves, reads and compiles each module on its own, a cost that grows with the modules and not with the work
// (callgrind, node -e 0 ~501 M instructions: --version 597 -> 588 M, parse of one receipt 695 -> 676 M, parse
// --json 1157 -> 1087 M).
//
// The input is tsc's output, so the bundle runs the very code tsc emitted (no second TypeScript transform), and
// the bundle is written beside it in dist/agent/cli/, as bundle-*.js: a module left out of the bundle is then
// imported by the same relative path as before. Left out are the packages (node_modules, loaded as they were)
// and every command but parse: main.js imports those commands' modules dynamically, and they stay tsc's modules,
// loaded only when their command runs, so the daemon's worker threads, native modules and the other commands
// load exactly as before. The bin (bin/posbridge.js) imports bundle-main.js.
import { defineConfig } from 'rolldown';

const CLI = 'dist/agent/cli';
const MAIN = new URL(`${CLI}/main.js`, import.meta.url).pathname;

export default defineConfig({
  input: { main: `${CLI}/main.js` },
  platform: 'node',
  // Packages and Node's modules, as tsc's modules import them.
  external: (id) => !id.startsWith('.') && !id.startsWith('/'),
  plugins: [
    {
      name: 'commands-stay-modules',
      resolveId(source, importer, { kind }) {
        // The specifier as written: the bundle sits beside main.js, so it names the same file there.
        if (kind === 'dynamic-import' && importer === MAIN && source !== './parse.js') return { id: source, external: true };
        return null;
      },
    },
  ],
  output: {
    dir: CLI,
    format: 'esm',
    entryFileNames: 'bundle-[name].js',
    chunkFileNames: 'bundle-[name].js',
    // The maps name the modules each bundled file holds (test/cli/lazy-commands.test.ts reads them) and point
    // stack traces back to tsc's output.
    sourcemap: true,
    sourcemapExcludeSources: true,
  },
});
