// The daemon's main thread is the passthrough, and it runs for years on a till PC where every byte of its heap is
// resident memory. V8 doubles the young generation of a thread that allocates fast, up to 16 MiB per semi-space, and
// rarely gives it back: a flood of print data leaves the main thread holding ~30 MiB of young generation, mostly
// empty, for the rest of the run. Keeping the growth factor at 1 leaves it at its initial size (1 MiB semi-spaces):
// scavenges come more often and each costs well under a millisecond, because little of what the passthrough
// allocates outlives a turn. Measured: the idle daemon's main-thread heap 34.6 → 22 MiB; bench passthrough's
// delay added at p99 stays under its 1 ms target (0.466 ms).
//
// The flag is read whenever V8 grows new space, so setting it once the process runs takes effect (unlike the
// heap's initial sizes); it is process-wide and also applies to the processing worker, whose young generation is
// capped anyway (model/thread-limits.ts). Only `posbridge run` calls this (cli/main.ts), before it loads the daemon:
// short CLI commands keep V8's defaults.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export function tuneDaemonHeap(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

/** Captured bytes a thread handles between two scavenges (see collectorOfCapturedBytes). */
const COLLECT_EVERY_BYTES = 1024 * 1024;

/**
 * A scavenge (minor GC) every COLLECT_EVERY_BYTES of captured bytes, for the threads that carry a flood of print
 * data: call the returned function with each chunk's size. Every chunk read from a till and every copy made of it is
 * an ArrayBuffer whose memory lives outside V8's heap; V8 only frees it once the small wrapper object dies in a
 * collection, and with a small young generation and little else allocated, collections come late: V8 waits for
 * ~64 MiB of such memory before it forces one. Measured on the 50 MB flood (bench store): the passthrough thread held
 * up to ~45 MiB of dead chunks that way. A scavenge of a 1 MiB semi-space costs well under a millisecond; run every
 * MiB of data it keeps dead chunks to about that. Obtained through V8's own `gc` extension (enabled once for the
 * process, installed in a fresh context), so nothing else in the process sees a global gc.
 */
export function collectorOfCapturedBytes(): (byteCount: number) => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (options: { type: 'minor' | 'major' }) => void;
  let since = 0;
  return (byteCount) => {
    since += byteCount;
    if (since < COLLECT_EVERY_BYTES) return;
    since = 0;
    gc({ type: 'minor' });
  };
}
