// What every sink's config shares: how deliveries are batched and how long to wait after failures. Each sink's
// own schema (http/config.ts, nats/config.ts) extends this one, so the settings read the same for every sink.
import { z } from 'zod';

const NAME = /^[A-Za-z0-9][\w.-]{0,63}$/;

export const deliverySettingsSchema = z.strictObject({
  name: z.string().regex(NAME, 'letters, digits, ".", "_" or "-", at most 64').optional().describe('Names the sink in the outbox, status and logs. Default: its kind.'),
  batch: z
    .strictObject({
      maxCount: z.number().int().min(1).max(1000).default(100).describe('Most baskets in one batch. Default 100.'),
      maxBytes: z.number().int().min(1024).default(1024 * 1024).describe('Most bytes of baskets (and raw jobs) in one batch. Default 1 MiB.'),
      lingerMs: z.number().int().min(0).max(60_000).default(200).describe('How long to wait for more baskets before sending a batch that is not full. Default 200.'),
    })
    .default({ maxCount: 100, maxBytes: 1024 * 1024, lingerMs: 200 }),
  retry: z
    .strictObject({
      initialMs: z.number().int().min(1).default(1_000).describe('Longest first wait after a failure. Default 1000.'),
      maxMs: z.number().int().min(1).default(300_000).describe('Longest wait between tries, however long the backend is down. Default 300000 (5 min).'),
      maxItemFailures: z
        .number()
        .int()
        .min(1)
        .default(10)
        .describe('A basket that fails this many times while others go through is set aside as a dead letter. Default 10.'),
    })
    .default({ initialMs: 1_000, maxMs: 300_000, maxItemFailures: 10 }),
  sendRawJob: z.boolean().default(false).describe('Send the raw job (card numbers masked) with each basket, for re-parsing at the backend. Default false.'),
});

export type DeliverySettings = z.output<typeof deliverySettingsSchema>;
