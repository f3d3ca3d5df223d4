import type { Logger } from '../../agent/model/index.js';
import { LinePrinterSide } from '../shared/line-printer.js';
import { LineTillSide } from '../shared/line-till.js';
import { ReopeningLine } from '../shared/reopening-line.js';
import type { DriverModule } from '../types.js';
import { serialConfigSchema, type SerialConfig } from './config.js';
import { serialDeviceOpener } from './device.js';

export { serialConfigSchema, type SerialConfig };

function serialLine(config: SerialConfig, logger: Logger): ReopeningLine {
  return new ReopeningLine(`serial ${config.path}`, serialDeviceOpener(config), config, logger.child({ path: config.path }));
}

export const serialDriver = {
  kind: 'serial',
  configSchema: serialConfigSchema,
  createTillSide: (config, logger) => new LineTillSide('serial', serialLine(config, logger)),
  createPrinterSide: (config, logger) => new LinePrinterSide('serial', serialLine(config, logger), config),
} satisfies DriverModule<SerialConfig>;
