// `npm run schemas`: rewrites docs/backend-api.*.schema.json from the zod schemas (run from the repository root).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { backendApiSchemas, schemaText } from './api-schemas.js';

for (const { file, schema } of backendApiSchemas()) {
  const path = join(process.cwd(), 'docs', file);
  writeFileSync(path, schemaText(schema));
  process.stdout.write(`wrote ${path}\n`);
}
