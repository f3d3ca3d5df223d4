// The receipts backend contract's JSON Schemas (docs/backend-api.*.schema.json), generated from the zod schemas in
// agent/model/receipts-api.ts so the published files cannot drift from what the sink sends and the backend checks.
// Written by `npm run schemas` (write-api-schemas.ts); test/dev-backend/api-schemas.test.ts fails when they differ.
import { z } from 'zod';
import { errorResponseSchema, receiptBatchResponseSchema, receiptBatchSchema, receiptSubmissionSchema } from '../model/index.js';

const BASE = 'https://posbridge.dev/schemas/';

export interface PublishedSchema {
  /** File name under docs/. */
  readonly file: string;
  readonly schema: object;
}

function published(file: string, zodSchema: z.ZodType, io: 'input' | 'output', title: string, description: string): PublishedSchema {
  const generated = z.toJSONSchema(zodSchema, {
    io,
    // The basket is an opaque object to the envelope; its own schema is docs/basket.schema.json.
    override: (ctx) => {
      if (ctx.zodSchema === receiptSubmissionSchema.shape.basket) {
        for (const key of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as Record<string, unknown>)[key];
        Object.assign(ctx.jsonSchema, { $ref: 'basket.schema.json', description: 'The basket, as docs/basket.schema.json describes it' });
      }
    },
  });
  return { file, schema: { ...generated, $id: `${BASE}${file}`, title, description } };
}

export function backendApiSchemas(): PublishedSchema[] {
  return [
    published(
      'backend-api.request.schema.json',
      receiptBatchSchema,
      'input',
      'posbridge receipts batch (POST /v1/receipts request body)',
      'A batch of basket revisions from one agent. Each receipt is stored once per idempotencyKey (<basketId>:<revision>).',
    ),
    published(
      'backend-api.response.schema.json',
      receiptBatchResponseSchema,
      'output',
      'posbridge receipts batch result (POST /v1/receipts 200 response body)',
      "One result per submitted receipt, in the batch's order: stored, duplicate, rejected (with the reason) or retry.",
    ),
    published(
      'backend-api.error.schema.json',
      errorResponseSchema,
      'output',
      'posbridge receipts backend error (body of every non-200 response)',
      'Why the request as a whole was not taken: not a batch (400), no or wrong token (401), too large (413), overloaded (429/503), failed (5xx).',
    ),
  ];
}

export function schemaText(schema: object): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
