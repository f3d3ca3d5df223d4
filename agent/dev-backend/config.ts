// The reference backend's options, validated once here whether they come from the command line or from a test.
import { z } from 'zod';
import { DEFAULT_DATA_DIR, DEFAULT_HOST, DEFAULT_MAX_BATCH, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT } from './defaults.js';
import { faultSpecSchema } from './faults.js';

export { DEFAULT_DATA_DIR, DEFAULT_HOST, DEFAULT_MAX_BATCH, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT };

export const devBackendOptionsSchema = z.strictObject({
  host: z.string().min(1).default(DEFAULT_HOST),
  /** 0 picks a free port (tests). */
  port: z.number().int().min(0).max(65_535).default(DEFAULT_PORT),
  dataDir: z.string().min(1).default(DEFAULT_DATA_DIR),
  /** Bearer token every API request must carry; none: the API is open. */
  token: z.string().min(1).regex(/^[\x21-\x7e]+$/, 'a token is printable ASCII without spaces').optional(),
  maxBodyBytes: z.number().int().min(1024).default(DEFAULT_MAX_BODY_BYTES),
  /** Receipts per batch accepted; a bigger batch gets 413, so the agent splits it. */
  maxBatch: z.number().int().min(1).max(DEFAULT_MAX_BATCH).default(DEFAULT_MAX_BATCH),
  faults: z
    .strictObject({
      delayMs: z.number().int().min(0).default(0),
      specs: z.array(faultSpecSchema).default([]),
      rate: z.number().min(0).max(1).default(1),
      count: z.number().int().min(0).default(Number.MAX_SAFE_INTEGER),
    })
    .prefault({}),
});

export type DevBackendOptions = z.input<typeof devBackendOptionsSchema>;
export type DevBackendSettings = z.output<typeof devBackendOptionsSchema>;
