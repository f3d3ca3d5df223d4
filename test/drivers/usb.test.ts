import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { usbConfigSchema, usbDriver } from '../../drivers/usb/index.js';
import type { PrinterSide } from '../../drivers/types.js';
import { closePtyEnd, createPtyPair, openPtyEnd, requireSocat, type PtyPair } from '../helpers/socat.js';
import { byteReader, readUntilClose } from '../helpers/streams.js';
import { log } from '../../agent/log.js';

const testLog = log.child({ test: 'drivers' });

// Without a USB printer at hand, a pty stands in for /dev/usb/lp0: same file API (open read/write, read,
// write). Killing socat hangs the line up (writes fail with EIO, reads see end-of-file) and removes the path,
// as unplugging a printer does; starting it again brings the path back.
describe.skipIf(!requireSocat())('usb driver over a pty standing in for /dev/usb/lp0', () => {
  let pair: PtyPair;
  const cleanups: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    pair = await createPtyPair({ names: ['lp0', 'printer'] });
  });
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
    await pair.destroy();
  });

  function startPrinterSide(options: Record<string, unknown> = {}): PrinterSide {
    const config = usbConfigSchema.parse({
      kind: 'usb',
      path: pair.a,
      pollMs: 5,
      reopenMinMs: 20,
      reopenMaxMs: 100,
      presenceCheckMs: 20,
      replyWindowMs: 50,
      ...options,
    });
    const side = usbDriver.createPrinterSide(config, testLog);
    cleanups.push(() => side.close());
    return side;
  }

  it('writes a random 64 KiB job byte-identical and passes status bytes back', async () => {
    const side = startPrinterSide();
    const printer = await openPtyEnd(pair.b);
    cleanups.push(() => closePtyEnd(printer));
    const atPrinter = byteReader(printer);

    const job = await side.open();
    const fromPrinter = byteReader(job);
    const payload = randomBytes(64 * 1024);
    job.write(payload);
    expect((await atPrinter(payload.length)).equals(payload)).toBe(true);

    printer.write(Buffer.from([0x16, 0x00])); // e.g. a DLE EOT status answer
    expect(await fromPrinter(2)).toEqual(Buffer.from([0x16, 0x00]));
    job.end();
    const { error } = await readUntilClose(job); // ends after the reply window
    expect(error).toBeUndefined();
  });

  it('survives unplug and replug at the same path: the job in flight fails, the next prints', async () => {
    const side = startPrinterSide();
    const job = await side.open();
    const jobClosed = readUntilClose(job);

    await pair.unplug();
    const { error } = await jobClosed;
    // ENODEV from the presence check (the path vanished), or EIO if a read/write hit the hung-up line first
    expect(error?.message).toMatch(new RegExp(`^usb ${pair.a}: device lost: .*\\((ENODEV|EIO)\\)$`));

    // While unplugged, open() gives up after openTimeoutMs with the reason.
    const absent = startPrinterSide({ openTimeoutMs: 100 });
    await expect(absent.open()).rejects.toThrow(`usb ${pair.a}: not available: no such file or device (ENOENT)`);
    await absent.close();

    await pair.replug();
    const printer = await openPtyEnd(pair.b);
    cleanups.push(() => closePtyEnd(printer));
    const atPrinter = byteReader(printer);
    const next = await side.open();
    const fromPrinter = byteReader(next);
    next.write('printed after replug');
    expect((await atPrinter(20)).toString()).toBe('printed after replug');
    printer.write(Buffer.from([0x12]));
    expect(await fromPrinter(1)).toEqual(Buffer.from([0x12]));
    next.end();
    await readUntilClose(next);
  });

  it('rejects clearly when the device path does not exist', async () => {
    const side = startPrinterSide({ path: `${pair.dir}/missing`, openTimeoutMs: 50 });
    await expect(side.open()).rejects.toMatchObject({
      name: 'TransportError',
      code: 'ENOENT',
      message: `usb ${pair.dir}/missing: not available: no such file or device (ENOENT)`,
    });
  });
});
