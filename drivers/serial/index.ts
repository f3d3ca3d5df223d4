import { log } from '../../agent/log.js';
import { LinePrinterSide } from '../shared/line-printer.js';
import { LineTillSide } from '../shared/line-till.js';
import { ReopeningLine } from '../shared/reopening-line.js';
import type { DriverModule } from '../types.js';
import { serialConfigSchema, type SerialConfig } from './config.js';
import { serialDeviceOpener } from './device.js';

export { serialConfigSchema, type SerialConfig };

function serialLine(config: SerialConfig, side: 'till' | 'printer'): ReopeningLine {
  const logger = log.child({ driver: 'serial', side, path: config.path });
  return new ReopeningLine(`serial ${config.path}`, serialDeviceOpener(config), config, logger);
}

export const serialDriver = {
  kind: 'serial',
  configSchema: serialConfigSchema,
  createTillSide: (config) => new LineTillSide('serial', serialLine(config, 'till')),
  createPrinterSide: (config) => new LinePrinterSide('serial', serialLine(config, 'printer'), config),
} satisfies DriverModule<SerialConfig>;
