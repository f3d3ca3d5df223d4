// When a CLI command lets V8 optimise with Turbofan. Loading a command's modules runs Node's own path helpers
// (path.resolve's normalizeString, fileURLToPath) over the path of every module imported, and the ~80 imports of
// `parse` make them hot enough for Turbofan: its first compile pages in 4 MiB of compiler and takes ~20 ms of CPU,
// for a command whose own work then takes a few milliseconds (Node 22 does it for `--version` already). So
// Turbofan is off while the CLI and a command's modules load and comes on once the command has spent a little CPU
// on its work: a big capture or the daemon gets its hot code optimised as before, a few milliseconds later; a
// short command never pays for a compile.
//
// The flags are off from the start (start-flags.ts, set before the CLI's bundle is compiled); this module turns
// Turbofan on.
import { setFlagsFromString } from 'node:v8';
import { TURBOFAN_LEFT_AS_GIVEN } from './start-flags.js';

/** CPU a command spends after loading its modules before Turbofan comes on. */
const TURBOFAN_AFTER_CPU_MS = 50;
const CHECK_EVERY_MS = 20;

/** A command's module, imported with Turbofan still off; Turbofan comes on once the command is busy (see above). */
export async function commandModule<T>(load: () => Promise<T>): Promise<T> {
  const loaded = await load();
  if (TURBOFAN_LEFT_AS_GIVEN) return loaded;
  const start = process.cpuUsage();
  const check = setInterval(() => {
    const { user, system } = process.cpuUsage(start);
    if (user + system < TURBOFAN_AFTER_CPU_MS * 1000) return;
    clearInterval(check);
    setFlagsFromString('--turbofan');
  }, CHECK_EVERY_MS);
  check.unref(); // a command that is done does not wait for it
  return loaded;
}
