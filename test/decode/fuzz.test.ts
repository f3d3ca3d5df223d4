// A smaller run of the same fuzzer `npm run fuzz` runs with 1,000,000 inputs.
import { describe, expect, it } from 'vitest';
import { fuzzDecoder } from '../../bench/fuzz.js';

describe('decoder fuzzing', () => {
  it('decodes 20,000 random and mutated inputs without throwing, within bounds, chunking-invariant', () => {
    const report = fuzzDecoder({ count: 20_000, seed: 20_000 });
    expect(report.inputs).toBe(20_000);
    expect(report.chunkedChecks).toBeGreaterThan(300);
    expect(report.documents).toBeGreaterThan(20_000);
  });
});
