// SQLite failures in plain words, keeping SQLite's code (SQLITE_FULL, SQLITE_IOERR...) for callers that decide on it.
export class StoreError extends Error {
  readonly code: string | undefined;

  constructor(what: string, cause?: unknown) {
    const code = typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
    super(`${what}${cause === undefined ? '' : `: ${plainWords(code, cause)}`}`, { cause });
    this.name = 'StoreError';
    this.code = code;
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
