import type { DriverModule } from '../types.js';
import { fileConfigSchema, type FileConfig } from './config.js';
import { FilePrinterSide } from './printer.js';
import { FileTillSide } from './till.js';

export { fileConfigSchema, type FileConfig, FilePrinterSide, FileTillSide };

export const fileDriver = {
  kind: 'file',
  configSchema: fileConfigSchema,
  createTillSide: (config, logger) => new FileTillSide(config, logger),
  createPrinterSide: (config, logger) => new FilePrinterSide(config, logger),
} satisfies DriverModule<FileConfig>;
