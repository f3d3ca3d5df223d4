// While parse streams its jobs, V8's young generation is held at a small size. V8 doubles the young generation (two
// semi-spaces of 1 MiB at start, up to 16 MiB each) whenever as many bytes have survived scavenges since it last
// grew as it holds, and keeps the room while the process is busy. Some bytes survive every scavenge, so a long
// stream ends with the largest young generation (32 MiB) where a short one stops near the first: peak RSS grew with
// the input (`parse --format text`: 64 MiB for 1 MB of receipts, 95 MiB for 50 MB). What parse keeps alive across
// a scavenge is one read chunk's documents and their output (capture-file.ts keeps chunks small for it), which
// semi-spaces of 2 MiB hold: with 1 MiB ones a chunk of document JSON outlived two scavenges and filled the old
// generation with garbage instead.
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** The young generation (both semi-spaces) at which growth stops. */
const HELD_AT_BYTES = 4 * 1024 * 1024;
/** V8's own factor (semi_space_growth_factor), given back when the jobs are done. */
const V8_GROWTH_FACTOR = 2;

/** Node started with a semi-space flag: that choice is left alone. */
const SEMI_SPACE_FLAG = /(^|\s)--[\w-]*semi[-_]space[-_]/;
const SEMI_SPACE_LEFT_AS_GIVEN = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) => SEMI_SPACE_FLAG.test(arg));

let watching = false;
let held = false;

/** Called as each job is written: stops the young generation's growth once it has reached HELD_AT_BYTES. */
export function holdYoungGenerationOnceGrown(): void {
  if (!watching || held) return;
  const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  if (young === undefined || young.space_size < HELD_AT_BYTES) return;
  setFlagsFromString('--semi-space-growth-factor=1');
  held = true;
}

/**
 * Runs `work` (the streaming, once every module it needs is loaded) with the young generation watched, and gives V8
 * its own growth back after: V8 keys a code cache to the flags in force, and the bundle files are compiled from
 * caches made under V8's own (code-cache.ts), which the build writes as a parse exits.
 */
export async function whileYoungGenerationHeld<T>(work: () => Promise<T>): Promise<T> {
  if (SEMI_SPACE_LEFT_AS_GIVEN) return work();
  watching = true;
  try {
    return await work();
  } finally {
    watching = false;
    if (held) setFlagsFromString(`--semi-space-growth-factor=${V8_GROWTH_FACTOR}`);
    held = false;
  }
}
