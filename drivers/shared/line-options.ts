import { z } from 'zod';

/** Options shared by the persistent-line drivers (serial, usb); spread into their config schemas. */
export const lineOptionsShape = {
  reopenMinMs: z
    .number()
    .int()
    .min(1)
    .default(250)
    .describe('First wait before reopening a device that vanished or failed to open; doubles per failure. Default 250.'),
  reopenMaxMs: z
    .number()
    .int()
    .min(1)
    .default(5_000)
    .describe('Longest wait between reopen attempts. Default 5000.'),
  presenceCheckMs: z
    .number()
    .int()
    .min(10)
    .default(250)
    .describe(
      'How often the device path is checked, to notice a device that vanished without an I/O error (hung-up line, adapter pulled out). Default 250.',
    ),
  openTimeoutMs: z
    .number()
    .int()
    .min(0)
    .default(2_000)
    .describe('Printer side: how long open() waits for an absent device to come back before rejecting. Default 2000.'),
  replyWindowMs: z
    .number()
    .int()
    .min(0)
    .default(500)
    .describe(
      'Printer side: after a job is written, how long (since the last byte) printer replies are still passed back before the job stream ends. Default 500.',
    ),
};

export interface LineOptions {
  reopenMinMs: number;
  reopenMaxMs: number;
  presenceCheckMs: number;
  openTimeoutMs: number;
  replyWindowMs: number;
}
