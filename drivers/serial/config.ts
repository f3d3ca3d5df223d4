import { z } from 'zod';
import { lineOptionsShape } from '../shared/line-options.js';

export const serialConfigSchema = z
  .strictObject({
    kind: z.literal('serial'),
    path: z.string().min(1).describe('Port: /dev/ttyS0, /dev/ttyUSB0, a pty link, COM3 on Windows. Required.'),
    baudRate: z.number().int().positive().default(9600).describe('Bits per second, as set on the printer. Default 9600.'),
    dataBits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]).default(8).describe('Default 8.'),
    stopBits: z.union([z.literal(1), z.literal(1.5), z.literal(2)]).default(1).describe('Default 1. 1.5 is only available on Windows.'),
    parity: z.enum(['none', 'even', 'odd', 'mark', 'space']).default('none').describe('Default none.'),
    rtscts: z.boolean().default(false).describe('Hardware flow control (RTS/CTS), used by most serial receipt printers when their buffer fills. Default false.'),
    xon: z.boolean().default(false).describe('Software flow control: honour XON from the other end. Default false.'),
    xoff: z.boolean().default(false).describe('Software flow control: honour XOFF from the other end. Default false.'),
    ...lineOptionsShape,
  })
  .describe('Serial port (RS-232, USB-serial, virtual pty/com0com pair), kept open and reopened when it vanishes.');

export type SerialConfig = z.output<typeof serialConfigSchema>;
