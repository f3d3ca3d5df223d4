// Preloaded with `node --import` by parse-memory.test.ts: writes to the file named by POSBRIDGE_HEAP_LOG, at exit,
// the most heap V8 had committed (process.memoryUsage().heapTotal) at any moment of the run, sampled every few
// milliseconds and at exit.
import { writeFileSync } from 'node:fs';

let peak = 0;
const sample = () => {
  peak = Math.max(peak, process.memoryUsage().heapTotal);
};
setInterval(sample, 2).unref();
process.on('exit', () => {
  sample();
  writeFileSync(process.env.POSBRIDGE_HEAP_LOG, String(peak));
});
