// Exponential backoff with full jitter (a random wait between 0 and the capped exponential): many agents that
// lost the same backend at the same moment do not come back at it in step. The one backoff of the agent.
export interface BackoffPolicy {
  /** The cap of the first wait. */
  readonly initialMs: number;
  /** No wait is longer than this. */
  readonly maxMs: number;
}

/** The wait before try number `failures + 1`, after `failures` failures in a row (failures ≥ 1). */
export function backoffDelay(failures: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(Math.max(failures - 1, 0), 30));
  return Math.round(random() * ceiling);
}
