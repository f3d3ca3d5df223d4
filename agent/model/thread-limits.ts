// Resource limits for posbridge's own worker threads (the processing worker, the forwarding thread). Their young
// generation is kept small: V8's default (semi-spaces growing to 16 MiB each) is sized for throughput, and on a till
// PC every thread's young generation is resident memory; a flood's chunks would also sit in it as garbage until it
// filled. Scavenges of a small young generation cost well under a millisecond, and neither thread is the
// passthrough. The old generation is not capped: one job may legitimately be 64 MiB.
import type { ResourceLimits } from 'node:worker_threads';

export const WORKER_THREAD_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 6 };
