#!/usr/bin/env node
// The CLI is compiled and bundled into dist/ by `npm install` (the prepare script); this shim keeps the bin path
// stable.
import module from 'node:module';

// Node 22.1+ can keep V8's compiled code of the ES modules the commands load (the daemon's, the other commands')
// between runs (Node 20 cannot). Node's own cache folder under the OS's temporary folder (NODE_COMPILE_CACHE names
// another, NODE_DISABLE_COMPILE_CACHE turns it off); one that cannot be written leaves the cache off and the
// command runs as without it.
try {
  module.enableCompileCache?.();
} catch {
  // the same: no cache
}
// The CLI bundled (rolldown.config.js): main and parse with what they import, in a few CommonJS files compiled from
// the code caches the build made (code-cache.ts); the other commands' modules load from dist/ as tsc wrote them,
// when their command runs.
const { runCli } = await import('../dist/agent/cli/code-cache.js');
runCli(new URL('../dist/agent/cli/bundle-main.cjs', import.meta.url));
