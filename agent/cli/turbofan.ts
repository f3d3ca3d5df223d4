// When a CLI command lets V8 optimise with Turbofan. Loading a command's modules runs Node's own path helpers
// (path.resolve's normalizeString, fileURLToPath) over the path of every module imported, and the ~80 imports of
// `parse` make them hot enough for Turbofan: its first compile pages in 4 MiB of compiler and takes ~20 ms of CPU,
// for a command whose own work then takes a few milliseconds (Node 22 does it for `--version` already). So
// Turbofan is off while the CLI and a command's modules load and comes on once the command has spent a little CPU
// on its work: a big capture or the daemon gets its hot code optimised as before, a few milliseconds later; a
// short command never pays for a compile.
//
// Regular expressions likewise: V8 first compiles each one to bytecode, then, on its next run, again to machine
// code. The extractor's are many and large (the receipt-number labels in every language, case-insensitive Unicode),
// and one receipt runs most of them more than once, so the same start-up compiles them twice: with the tier-up off
// they are compiled once, to machine code (`parse --json` of one receipt 1047 -> 952 M instructions; node -e 0 ~501
// M; a 10 MB capture takes as long, its expressions being machine code after their first run either way), so it
// stays off.
import { setFlagsFromString } from 'node:v8';

/** CPU a command spends after loading its modules before Turbofan comes on. */
const TURBOFAN_AFTER_CPU_MS = 50;
const CHECK_EVERY_MS = 20;

/** Node started with --opt, --no-opt, --turbofan or --no-turbofan: that choice is left alone. */
const TURBOFAN_FLAG = /(^|\s)--(no[-_])?(opt|turbofan)(=\S*)?(\s|$)/;

/** Node started with --regexp-tier-up or --no-regexp-tier-up: left alone too. */
const REGEXP_TIER_UP_FLAG = /(^|\s)--(no[-_])?regexp[-_]tier[-_]up(=\S*)?(\s|$)/;

const nodeFlags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''];
const leftAsGiven = nodeFlags.some((arg) => TURBOFAN_FLAG.test(arg));
// Evaluated before the rest of the CLI loads (main.ts imports this module right after commander, and says why).
if (!leftAsGiven) setFlagsFromString('--no-turbofan');
if (!nodeFlags.some((arg) => REGEXP_TIER_UP_FLAG.test(arg))) setFlagsFromString('--no-regexp-tier-up');

/** A command's module, imported with Turbofan still off; Turbofan comes on once the command is busy (see above). */
export async function commandModule<T>(load: () => Promise<T>): Promise<T> {
  const loaded = await load();
  if (leftAsGiven) return loaded;
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
