// Preloaded with `node --import` by lazy-commands.test.ts: writes the URL of every module the process loads, one
// a line, to the file named by POSBRIDGE_MODULE_LOG (a module hook runs off the main thread, so it appends).
import { register } from 'node:module';

register(new URL('./module-log-hooks.mjs', import.meta.url), { data: { file: process.env.POSBRIDGE_MODULE_LOG } });
