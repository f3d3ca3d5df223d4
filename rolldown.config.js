// The CLI's start-up bundle, built by `npm run build` after tsc: `posbridge --version`, `--help` and `parse` load
// a few bundled files instead of the dozens of modules tsc emits for them (parse --json: 54). Node 20's ESM loader
// resolves, reads and compiles each module on its own, a cost that grows with the modules and not with the work
// (callgrind, node -e 0 ~501 M instructions: --version 597 -> 588 M, parse of one receipt 695 -> 676 M, parse
// --json 1157 -> 1087 M, with NODE_EXTRA_CA_CERTS set as on this build machine).
//
// The input is tsc's output, so the bundle runs the very code tsc emitted (no second TypeScript transform), and
// the bundle is written beside it in dist/agent/cli/, as bundle-*.cjs: a module left out of the bundle is then
// imported by the same relative path as before. Left out are the packages (node_modules, loaded as they were) but
// commander, and every command but parse: main.js has those commands' modules imported by the bin's loader
// (main.ts importBeside), and they stay tsc's modules, loaded only when their command runs, so the daemon's worker
// threads, native modules and the other commands load exactly as before. The bin (bin/posbridge.js) runs bundle-main.cjs (agent/cli/code-cache.ts).
import { defineConfig } from 'rolldown';

const CLI = 'dist/agent/cli';

export default defineConfig({
  input: { main: `${CLI}/main.js` },
  platform: 'node',
  // Packages and Node's modules, as tsc's modules import them; but commander, which every command parses its
  // command line with, is bundled, so that it too is compiled from the bundle's code cache.
  external: (id) => !id.startsWith('.') && !id.startsWith('/') && id !== 'commander' && !id.includes('/node_modules/commander/'),
  output: {
    dir: CLI,
    // CommonJS, so that the bin can compile it from V8 code caches (agent/cli/code-cache.ts says why).
    format: 'cjs',
    entryFileNames: 'bundle-[name].cjs',
    chunkFileNames: 'bundle-[name].cjs',
    // The maps name the modules each bundled file holds (test/cli/lazy-commands.test.ts reads them) and point
    // stack traces back to tsc's output.
    sourcemap: true,
    sourcemapExcludeSources: true,
  },
});
