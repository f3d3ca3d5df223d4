import type { DriverModule } from '../types.js';
import { tcpConfigSchema, type TcpConfig } from './config.js';
import { TcpPrinterSide } from './printer.js';
import { TcpTillSide } from './till.js';

export { tcpConfigSchema, type TcpConfig, TcpPrinterSide, TcpTillSide };

export const tcpDriver = {
  kind: 'tcp',
  configSchema: tcpConfigSchema,
  createTillSide: (config, logger) => new TcpTillSide(config, logger),
  createPrinterSide: (config, logger) => new TcpPrinterSide(config, logger),
} satisfies DriverModule<TcpConfig>;
