// docs/basket.schema.json is the JSON Schema of agent/extract/schema.ts, and every basket the corpus yields
// conforms to it. Regenerate the file with:  UPDATE_SCHEMA=1 npx vitest run test/extract/schema.test.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { basketsFromBytes } from '../../agent/extract/index.js';
import { basketJsonSchema, basketSchema } from '../../agent/extract/schema.js';
import { corpusProfiles, loadCorpus } from './corpus.js';

const SCHEMA_FILE = new URL('../../docs/basket.schema.json', import.meta.url);

describe('basket schema', () => {
  it('docs/basket.schema.json is up to date', () => {
    const generated = JSON.stringify(basketJsonSchema(), null, 2) + '\n';
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(SCHEMA_FILE, generated);
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(generated);
  });
  it('every corpus basket conforms', () => {
    const profiles = corpusProfiles();
    for (const entry of loadCorpus()) {
      for (const b of basketsFromBytes(entry.bytes, { timezone: entry.timezone, profiles })) {
        const parsed = basketSchema.safeParse(b);
        expect(parsed.success ? [] : parsed.error.issues, entry.name).toEqual([]);
      }
    }
  });
  it('rejects float money and unmasked PANs', () => {
    const [b] = basketsFromBytes(loadCorpus()[0]!.bytes);
    expect(basketSchema.safeParse({ ...b, total: 9.35 }).success).toBe(false);
    const tender = { ...b!.tenders[0]!, type: 'card', maskedPan: '4111111111111111' };
    expect(basketSchema.safeParse({ ...b, tenders: [tender] }).success).toBe(false);
  });
});
