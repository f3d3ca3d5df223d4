// `npm run bench`: every stage's speed and memory figures, printed one section after another.
// Each section lives beside the stage it measures' name; targets are stated in each section's output.
import { benchCli } from './cli.js';
import { benchDecode } from './decode.js';
import { benchDevBackend } from './dev-backend.js';
import { benchExtract } from './extract.js';
import { benchForward } from './forward.js';
import { benchNats } from './nats.js';
import { benchOcr } from './ocr.js';
import { benchPassthrough } from './passthrough.js';
import { benchStore } from './store.js';

const sections: [string, () => Promise<void>][] = [
  ['decode', benchDecode],
  ['extract', benchExtract],
  ['ocr', benchOcr],
  ['passthrough', benchPassthrough],
  ['dev-backend', benchDevBackend],
  ['forward', benchForward],
  ['nats', benchNats],
  ['store', benchStore],
  ['cli', benchCli],
];

for (const [name, run] of sections) {
  process.stdout.write(`\n## ${name}\n`);
  await run();
}
