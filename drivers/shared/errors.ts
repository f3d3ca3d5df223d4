/**
 * A transport failure with a message that names the driver and the endpoint ("tcp printer 10.0.0.5:9100:
 * cannot connect: connection refused") and keeps the system error code (ECONNREFUSED, ENOENT, EIO...) for
 * callers that decide on it.
 */
export class TransportError extends Error {
  readonly code: string | undefined;

  constructor(what: string, cause: unknown) {
    super(`${what}: ${errorText(cause)}`, { cause });
    this.name = 'TransportError';
    this.code = errorCode(cause);
  }
}

export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

const PLAIN_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available on this machine',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'no such file or device',
  ENODEV: 'device gone (unplugged?)',
  ENXIO: 'device gone (unplugged?)',
  EIO: 'input/output error (device unplugged or line hung up)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timed out',
  EBUSY: 'device busy (opened by another program?)',
};

/** One line saying what went wrong, in plain words first and with the system code for searching logs. */
export function errorText(error: unknown): string {
  const code = errorCode(error);
  const plain = code === undefined ? undefined : PLAIN_WORDS[code];
  if (plain !== undefined) return `${plain} (${code})`;
  if (error instanceof Error) return error.message;
  return String(error);
}
