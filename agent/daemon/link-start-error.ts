// A link that cannot start is reported the way its config names it: which link, and which key to change, so a
// port clash reads "link "front": ... address already in use ...; change links[0].till.port" rather than a
// bare EADDRINUSE.
import type { LinkConfig } from '../config.js';
import { errorCode } from '../../drivers/shared/errors.js';

/** The config key behind a till side that could not be started, from the error's system code. */
function tillKey(link: LinkConfig, index: number, code: string | undefined): string {
  const side = `links[${index}].till`;
  if (link.till.kind === 'tcp') return code === 'EADDRNOTAVAIL' ? `${side}.host` : `${side}.port`;
  if ('path' in link.till) return `${side}.path`;
  return side;
}

const HINTS: Record<string, string> = {
  EADDRINUSE: 'another program (or another posbridge) already listens there',
  EACCES: 'ports below 1024 need privileges',
  EADDRNOTAVAIL: 'that address is not one of this machine\'s',
};

export class LinkStartError extends Error {
  readonly link: string;
  readonly key: string;

  constructor(link: LinkConfig, index: number, cause: unknown) {
    const code = errorCode(cause);
    const key = tillKey(link, index, code);
    const hint = code === undefined ? undefined : HINTS[code];
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`link "${link.name}" cannot start: ${reason}${hint === undefined ? '' : ` (${hint})`}; change ${key} or free it`, { cause });
    this.name = 'LinkStartError';
    this.link = link.name;
    this.key = key;
  }
}
