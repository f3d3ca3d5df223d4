// While parse streams its jobs, V8's young generation is held at a small size. V8 doubles the young generation (two
// semi-spaces of 1 MiB at start, up to 16 MiB each) whenever as many bytes have survived scavenges since it last
// grew as it holds, and keeps the room while the process is busy. Some bytes survive every scavenge, so a long
// stream ends with the largest young generation (32 MiB) where a short one stops near the first: peak RSS grew with
// the input (`parse --format text`: 64 MiB for 1 MB of receipts, 95 MiB for 50 MB). What parse keeps alive across
// a scavenge is one read chunk's documents and their output (capture-file.ts keeps chunks small for it), and for
// baskets what extraction of one job keeps: a young generation of a few MiB holds it. Too small a one costs more
// than it saves: what outlives two scavenges moves to the old generation and is garbage there until a full GC
// (document JSON outlived 2 MiB, baskets 4 MiB; text took 59 MiB for 50 MB held at 4 MiB and 64 MiB at 8 MiB).
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** V8's own factor (semi_space_growth_factor), given back when the jobs are done. */
const V8_GROWTH_FACTOR = 2;

/** Node started with a semi-space flag: that choice is left alone. */
const SEMI_SPACE_FLAG = /(^|\s)--[\w-]*semi[-_]space[-_]/;
const SEMI_SPACE_LEFT_AS_GIVEN = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) => SEMI_SPACE_FLAG.test(arg));

/** The young generation (both semi-spaces) at which growth stops, while jobs stream; 0 when they do not. */
let heldAtBytes = 0;
let held = false;

/** Called as each job is written: stops the young generation's growth once it has reached the size held at. */
export function holdYoungGenerationOnceGrown(): void {
  if (heldAtBytes === 0 || held) return;
  const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  if (young === undefined || young.space_size < heldAtBytes) return;
  setFlagsFromString('--semi-space-growth-factor=1');
  held = true;
}

/**
 * Runs `work` (the streaming, once every module it needs is loaded) with the young generation held once it has grown
 * to `mib`, and gives V8 its own growth back after: V8 keys a code cache to the flags in force, and the bundle files
 * are compiled from caches made under V8's own (code-cache.ts), which the build writes as a parse exits.
 */
export async function whileYoungGenerationHeld<T>(mib: number, work: () => Promise<T>): Promise<T> {
  if (SEMI_SPACE_LEFT_AS_GIVEN) return work();
  heldAtBytes = mib * 1024 * 1024;
  try {
    return await work();
  } finally {
    heldAtBytes = 0;
    if (held) setFlagsFromString(`--semi-space-growth-factor=${V8_GROWTH_FACTOR}`);
    held = false;
  }
}
