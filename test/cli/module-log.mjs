// Preloaded with `node --import` by lazy-commands.test.ts: writes the URL of every module the process loads, one
// a line, to the file named by POSBRIDGE_MODULE_LOG (a module hook runs off the main thread, so it appends). The
// hook sees what `import` loads; what `require` loads (CommonJS packages, createRequire) is in require's cache,
// written out as file URLs when the process exits.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const file = process.env.POSBRIDGE_MODULE_LOG;
register(new URL('./module-log-hooks.mjs', import.meta.url), { data: { file } });
const required = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const urls = Object.keys(required).map((path) => `${pathToFileURL(path).href}\n`);
  appendFileSync(file, urls.join(''));
});
