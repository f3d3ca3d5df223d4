// The stress run of test/extract/stress.ts from the command line: seeded variants of the development layouts,
// the reliability table of confidence on them, and the wrong readings (at confidence >= 0.9, or all of them).
// Exits 1 when any reading at 0.9 or more is wrong.
//
//   npm run build && node dist/bench/stress.js [--seed 1] [--count 600] [--all] [--pool all|first]
import { parseArgs } from 'node:util';
import { makeVariants, scoreVariants, stressReport, wrongButSure } from '../test/extract/stress.js';

const { values } = parseArgs({ options: { seed: { type: 'string', default: '1' }, count: { type: 'string', default: '600' }, all: { type: 'boolean', default: false }, pool: { type: 'string', default: 'all' } } });
if (values.pool !== 'all' && values.pool !== 'first') throw new Error(`--pool is all or first, not ${values.pool}`);
const scored = scoreVariants(await makeVariants(Number(values.seed), Number(values.count), values.pool));
process.stdout.write(`seed ${values.seed} pool ${values.pool}\n${stressReport(scored, values.all)}\n`);
process.exitCode = wrongButSure(scored).length === 0 ? 0 : 1;
