// Tests that run the compiled code (the CLI, or the store in a child process) need dist/ built from the current
// sources; `npm test` builds first. Run alone, a stale build would test old code, so say so instead.
import { statSync } from 'node:fs';

export function expectFreshBuild(sources: readonly string[]): void {
  const stale = sources.filter((source) => {
    const built = `dist/${source.replace(/\.ts$/, '.js')}`;
    try {
      return statSync(built).mtimeMs < statSync(source).mtimeMs;
    } catch {
      return true;
    }
  });
  if (stale.length > 0) throw new Error(`dist/ is older than ${stale.join(', ')}: run \`npm run build\` first (npm test does)`);
}

export const STORE_SOURCES = ['agent/store/store.ts', 'agent/store/job-writer.ts', 'agent/store/errors.ts', 'agent/store/schema.ts', 'agent/store/index.ts'];
