// SQLite failures in plain words, keeping SQLite's code (SQLITE_FULL, SQLITE_IOERR...) for callers that decide on it.
// Failures that are not SQLite's own carry a POSBRIDGE_ code instead.
export type StoreProblem =
  /** The file is an SQLite database of something else (tables, but no posbridge schema version). */
  | 'POSBRIDGE_NOT_A_STORE'
  /** Opened read-only before the daemon created the schema: try again later. */
  | 'POSBRIDGE_NOT_READY'
  /** Written by a newer posbridge. */
  | 'POSBRIDGE_TOO_NEW';

export class StoreError extends Error {
  readonly code: string | undefined;

  constructor(what: string, cause?: unknown, code?: StoreProblem) {
    const causeCode = typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
    super(`${what}${cause === undefined ? '' : `: ${plainWords(causeCode, cause)}`}`, { cause });
    this.name = 'StoreError';
    this.code = code ?? causeCode;
  }
}

const PLAIN: Record<string, string> = {
  SQLITE_FULL: 'disk full',
  SQLITE_IOERR: 'disk input/output error',
  SQLITE_READONLY: 'database is read-only (permissions?)',
  SQLITE_CANTOPEN: 'cannot open the database file (folder missing or permissions?)',
  SQLITE_NOTADB: 'not a posbridge database (not an SQLite file)',
  SQLITE_CORRUPT: 'database file is damaged',
  SQLITE_BUSY: 'database locked by another process',
  SQLITE_LOCKED: 'database locked',
  SQLITE_PERM: 'permission denied',
};

function plainWords(code: string | undefined, cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  if (code === undefined) return message;
  const plain = Object.entries(PLAIN).find(([prefix]) => code.startsWith(prefix))?.[1];
  return plain === undefined ? `${message} (${code})` : `${plain} (${code}: ${message})`;
}

/**
 * Failures of the store as a whole, which pass (a full disk freed, a lock released, a device back) or need
 * someone to fix the file or its permissions; retrying later is right for all of them. Any other failure
 * (a constraint, a value SQLite cannot bind, a row too big) belongs to the job being written: retrying it can
 * never work, and it must not hold up the jobs behind it.
 */
const OPERATOR_CODES = ['SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_PERM', 'SQLITE_AUTH'];
const OUTAGE_CODES = ['SQLITE_FULL', 'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_IOERR', 'SQLITE_NOMEM', 'SQLITE_PROTOCOL', ...OPERATOR_CODES];

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isOutage(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== undefined) return OUTAGE_CODES.some((prefix) => code.startsWith(prefix));
  // better-sqlite3 on a closed connection: nothing about the job.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof TypeError && /database connection is not open/.test(cause.message);
}

/** An outage that will not pass on its own. */
export function needsOperator(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && OPERATOR_CODES.some((prefix) => code.startsWith(prefix));
}
