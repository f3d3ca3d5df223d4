// How the store is doing, as the processing worker reports it to the daemon and `posbridge status` shows it.

/** The store cannot be written right now; jobs are held in memory and retried until it can. */
export interface StoreOutage {
  /** SQLite's code (SQLITE_FULL, SQLITE_BUSY, SQLITE_IOERR_..., SQLITE_READONLY...), or the error's name. */
  readonly code: string;
  readonly reason: string;
  /** ISO time the outage began. */
  readonly since: string;
  /** True when it will not pass on its own (read-only or damaged file, permissions): someone must act. */
  readonly needsOperator: boolean;
}

/** A job the store refused for a reason of its own, kept in `dead_jobs` with that reason. */
export interface DeadLetter {
  readonly job: string;
  readonly link: string;
  readonly reason: string;
  readonly at: string;
}

export interface StoreHealth {
  readonly outage: StoreOutage | null;
  /** Jobs and journal entries held in memory, waiting to be written. */
  readonly pendingJobs: number;
  /** Jobs dropped because the memory for held jobs was full during an outage. */
  readonly droppedJobs: number;
  readonly deadLettered: number;
  readonly lastDeadLetter: DeadLetter | null;
}
