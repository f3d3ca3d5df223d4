// The repository's root from a compiled bench module (dist/bench/x.js) or its source: where test/fixtures is.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'test', 'fixtures'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('bench: cannot find the repository (test/fixtures)');
    dir = up;
  }
  return dir;
}
