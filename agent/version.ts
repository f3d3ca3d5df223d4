// posbridge's own version, from package.json: sent to backends, printed by --version. The file is found from
// the sources (agent/), the build (dist/agent/) or the CLI's bundle (dist/agent/cli/, rolldown.config.js).
import { existsSync, readFileSync } from 'node:fs';

function packageVersion(): string {
  for (const up of ['../package.json', '../../package.json', '../../../package.json']) {
    const url = new URL(up, import.meta.url);
    if (existsSync(url)) return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  }
  return '0.0.0';
}

export const VERSION = packageVersion();
