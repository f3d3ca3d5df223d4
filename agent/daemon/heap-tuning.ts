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

export function tuneDaemonHeap(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
