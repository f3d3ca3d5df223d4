import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // In-process links and drivers log their expected failures (a printer down, a line unplugged); keep the
    // test output to what failed. Daemon tests set their child's level themselves.
    env: { POSBRIDGE_LOG_LEVEL: process.env.POSBRIDGE_LOG_LEVEL ?? 'silent' },
  },
});
