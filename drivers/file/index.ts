import type { DriverModule } from '../types.js';
import { fileConfigSchema, type FileConfig } from './config.js';
import { FilePrinterSide } from './printer.js';
import { FileTillSide } from './till.js';

export { fileConfigSchema, type FileConfig, FilePrinterSide, FileTillSide };

export const fileDriver = {
  kind: 'file',
  configSchema: fileConfigSchema,
  createTillSide: (config) => new FileTillSide(config),
  createPrinterSide: (config) => new FilePrinterSide(config),
} satisfies DriverModule<FileConfig>;
