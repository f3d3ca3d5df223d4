#!/usr/bin/env node
// The CLI is compiled to dist/ by `npm install` (the prepare script); this shim keeps the bin path stable.
import '../dist/agent/cli/main.js';
