import { z } from 'zod';
import { lineOptionsShape } from '../shared/line-options.js';

export const usbConfigSchema = z
  .strictObject({
    kind: z.literal('usb'),
    path: z
      .string()
      .min(1)
      .default('/dev/usb/lp0')
      .describe('The printer character device (Linux usblp). A udev symlink keeps the name stable across replugs. Default /dev/usb/lp0.'),
    pollMs: z
      .number()
      .int()
      .min(1)
      .default(25)
      .describe('How often the device is polled for status bytes when it has nothing to say; also the retry delay of a full write buffer. Default 25.'),
    ...lineOptionsShape,
  })
  .describe('USB printer class device (usblp), kept open and reopened when the printer is unplugged and plugged back.');

export type UsbConfig = z.output<typeof usbConfigSchema>;
