#!/usr/bin/env node
// The CLI is compiled to dist/ by `npm install` (the prepare script); this shim keeps the bin path stable.
import module from 'node:module';

// Node 22.1+ can keep V8's compiled code of the modules below between runs, so that a command's start-up does not
// compile them again (Node 20 cannot: there each run compiles them). Node's own cache folder under the OS's
// temporary folder (NODE_COMPILE_CACHE names another, NODE_DISABLE_COMPILE_CACHE turns it off); one that cannot be
// written leaves the cache off and the command runs as without it.
try {
  module.enableCompileCache?.();
} catch {
  // the same: no cache
}
// main.js loads turbofan.js, which holds V8's Turbofan off, right after commander (it says why).
await import('../dist/agent/cli/main.js');
