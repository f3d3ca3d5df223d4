// Resource limits for posbridge's own worker thread (the processing worker, which also hosts forwarding). On a till
// PC every byte of a thread's heap is resident memory, and V8's defaults are sized for throughput on big machines:
// - the young generation is kept small (V8 lets semi-spaces grow to 16 MiB each); a flood's chunks would otherwise
//   sit in it as garbage until it filled. Scavenges of a small young generation cost well under a millisecond, and
//   this thread is not the passthrough.
// - the old generation gets a limit of 512 MiB. Below 2 GiB V8 sizes the heap for a memory-constrained device: the
//   room it leaves for garbage between full collections is at most ~1.4x what survives (instead of up to 4x).
//   Measured on the 50 MB flood (bench store): the worker's heap peaked at ~28 MiB instead of ~60 MiB, with ~14
//   MiB live. A 60 MB text job, the largest a link takes by default (maxJobBytes 64 MiB), peaks at ~50 MiB of heap:
//   the limit leaves ten times that.
import type { ResourceLimits } from 'node:worker_threads';

export const WORKER_THREAD_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 6, maxOldGenerationSizeMb: 512 };
