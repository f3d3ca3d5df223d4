// Capture-only installs: there is no printer behind posbridge, bytes are accepted and dropped.
import { z } from 'zod';
import { SinkStream } from '../shared/sink-stream.js';
import type { DriverModule, PrinterSide } from '../types.js';

export const noneConfigSchema = z
  .strictObject({ kind: z.literal('none') })
  .describe('No printer: accepts and discards every byte (capture-only installs).');

export type NoneConfig = z.output<typeof noneConfigSchema>;

const discard = {
  write: () => Promise.resolve(),
  finish: () => Promise.resolve(),
};

export class NonePrinterSide implements PrinterSide {
  readonly kind = 'none';

  open(): Promise<SinkStream> {
    return Promise.resolve(new SinkStream(discard));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export const noneDriver = {
  kind: 'none',
  configSchema: noneConfigSchema,
  createPrinterSide: () => new NonePrinterSide(),
} satisfies DriverModule<NoneConfig>;
