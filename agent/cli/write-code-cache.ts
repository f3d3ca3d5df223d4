// The last step of `npm run build`: makes the V8 code caches the bin starts the CLI's bundle from (code-cache.ts).
// Each run below compiles what its command uses and, with POSBRIDGE_CODE_CACHE=write, leaves each bundle file's
// cache beside it; a run starts from the caches the ones before it left, so the last caches hold what all of them
// compiled: `--version`, `parse` and `parse --json` (the commands a person waits for) of the test receipt and, in a
// checkout, of the receipts of test/fixtures/receipts (several generators, printers and tenders), so that the
// functions most receipts run are in the caches. A function a receipt runs that none of these did is compiled when
// it is first called, as without a cache.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTestReceipt } from '../test-receipt.js';

const BIN = fileURLToPath(new URL('../../../bin/posbridge.js', import.meta.url));
/** Not in an installed copy (install.sh leaves test/ out): there the test receipt alone. */
const RECEIPTS = fileURLToPath(new URL('../../../test/fixtures/receipts/', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'posbridge-code-cache-'));
try {
  const receipt = join(dir, 'test-receipt.bin');
  writeFileSync(receipt, await buildTestReceipt({ link: 'build', tillId: 'T1', at: new Date() }));
  const fixtures = existsSync(RECEIPTS) ? readdirSync(RECEIPTS).filter((f) => f.endsWith('.bin')).map((f) => join(RECEIPTS, f)) : [];
  const receipts = [receipt, ...fixtures];
  for (const args of [['--version'], ['parse', ...receipts], ['parse', '--json', ...receipts]]) {
    const run = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, POSBRIDGE_CODE_CACHE: 'write' }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`making the code cache: posbridge ${args.join(' ')} failed (${run.status ?? run.signal}): ${run.stderr}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
