import { log } from '../../agent/log.js';
import { LinePrinterSide } from '../shared/line-printer.js';
import { ReopeningLine } from '../shared/reopening-line.js';
import type { DriverModule } from '../types.js';
import { usbConfigSchema, type UsbConfig } from './config.js';
import { usbDeviceOpener } from './device.js';

export { usbConfigSchema, type UsbConfig };

export const usbDriver = {
  kind: 'usb',
  configSchema: usbConfigSchema,
  createPrinterSide: (config) => {
    const logger = log.child({ driver: 'usb', side: 'printer', path: config.path });
    const line = new ReopeningLine(`usb ${config.path}`, usbDeviceOpener(config), config, logger);
    return new LinePrinterSide('usb', line, config);
  },
} satisfies DriverModule<UsbConfig>;
