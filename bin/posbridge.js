#!/usr/bin/env node
// The CLI is compiled to dist/ by `npm install` (the prepare script); this shim keeps the bin path stable.
// turbofan.js first: it holds V8's Turbofan off before the rest of the CLI loads (it says why).
await import('../dist/agent/cli/turbofan.js');
await import('../dist/agent/cli/main.js');
