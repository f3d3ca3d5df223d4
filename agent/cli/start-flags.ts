// The V8 flags a CLI command starts with, set by the bin's loader (code-cache.ts) before the CLI's bundle is
// compiled. Why each is off at start is said in turbofan.ts (Turbofan, which comes on once a command is busy) and
// here (regular expressions).
//
// Regular expressions: V8 first compiles each one to bytecode, then, on its next run, again to machine code. The
// extractor's are many and large (the receipt-number labels in every language, case-insensitive Unicode), and one
// receipt runs most of them more than once, so the same start-up compiles them twice: with the tier-up off they are
// compiled once, to machine code (`parse --json` of one receipt 1047 -> 952 M instructions; node -e 0 ~501 M; a
// 10 MB capture takes as long, its expressions being machine code after their first run either way), so it stays
// off.
//
// They are set in one place, before any of the bundle is compiled, because V8 keys a code cache to the flags it was
// made under: the bundle's caches (code-cache.ts) are made and read under these.
import { setFlagsFromString } from 'node:v8';

/** Node started with --opt, --no-opt, --turbofan or --no-turbofan: that choice is left alone. */
const TURBOFAN_FLAG = /(^|\s)--(no[-_])?(opt|turbofan)(=\S*)?(\s|$)/;

/** Node started with --regexp-tier-up or --no-regexp-tier-up: left alone too. */
const REGEXP_TIER_UP_FLAG = /(^|\s)--(no[-_])?regexp[-_]tier[-_]up(=\S*)?(\s|$)/;

const nodeFlags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''];

/** Turbofan was named on Node's command line or in NODE_OPTIONS: the CLI never turns it on or off. */
export const TURBOFAN_LEFT_AS_GIVEN = nodeFlags.some((arg) => TURBOFAN_FLAG.test(arg));
const REGEXP_TIER_UP_LEFT_AS_GIVEN = nodeFlags.some((arg) => REGEXP_TIER_UP_FLAG.test(arg));

/** Turbofan and the regular-expression tier-up off, as a command starts (each unless Node was told otherwise). */
export function startFlags(): void {
  if (!TURBOFAN_LEFT_AS_GIVEN) setFlagsFromString('--no-turbofan');
  if (!REGEXP_TIER_UP_LEFT_AS_GIVEN) setFlagsFromString('--no-regexp-tier-up');
}
