import { LinePrinterSide } from '../shared/line-printer.js';
import { ReopeningLine } from '../shared/reopening-line.js';
import type { DriverModule } from '../types.js';
import { usbConfigSchema, type UsbConfig } from './config.js';
import { usbDeviceOpener } from './device.js';

export { usbConfigSchema, type UsbConfig };

export const usbDriver = {
  kind: 'usb',
  configSchema: usbConfigSchema,
  createPrinterSide: (config, logger) => {
    const line = new ReopeningLine(`usb ${config.path}`, usbDeviceOpener(config), config, logger.child({ path: config.path }));
    return new LinePrinterSide('usb', line, config);
  },
} satisfies DriverModule<UsbConfig>;
