// docs/backend-api.*.schema.json are what agent/dev-backend/api-schemas.ts generates from the contract's zod
// schemas. This test only compares; to remake the files after changing agent/model/receipts-api.ts: npm run schemas
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { backendApiSchemas, schemaText } from '../../agent/dev-backend/api-schemas.js';

const DOCS = new URL('../../docs/', import.meta.url);

describe('backend API JSON Schemas', () => {
  const generated = backendApiSchemas();

  it.each(generated.map((s) => [s.file, s] as const))('docs/%s is the generated schema (npm run schemas remakes it)', (file, { schema }) => {
    expect(readFileSync(new URL(file, DOCS), 'utf8'), `docs/${file} differs from the zod schemas: run npm run schemas`).toBe(schemaText(schema));
  });

  it('publishes no backend-api schema that nothing generates', () => {
    const committed = readdirSync(DOCS).filter((f) => f.startsWith('backend-api.') && f.endsWith('.schema.json'));
    expect(committed.sort()).toEqual(generated.map((s) => s.file).sort());
  });

  it("the request's basket refers to docs/basket.schema.json by its $id", () => {
    const request = generated.find((s) => s.file === 'backend-api.request.schema.json')!.schema as { $id: string; properties: { receipts: { items: { properties: { basket: { $ref: string } } } } } };
    const ref = new URL(request.properties.receipts.items.properties.basket.$ref, request.$id).href;
    const basket = JSON.parse(readFileSync(new URL('basket.schema.json', DOCS), 'utf8')) as { $id: string };
    expect(ref).toBe(basket.$id);
  });
});
