import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ReopeningLine } from '../../drivers/shared/reopening-line.js';
import { usbConfigSchema } from '../../drivers/usb/config.js';
import { usbDeviceOpener } from '../../drivers/usb/device.js';
import { createPtyPair, requireSocat, type PtyPair } from '../helpers/socat.js';
import { waitUntil } from '../helpers/streams.js';

/** A real pino logger whose lines the test can read. */
function recordingLogger(): { logger: pino.Logger; messages: () => string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return {
    logger: pino({ level: 'info' }, sink),
    messages: () => lines.map((line) => (JSON.parse(line) as { msg: string }).msg),
  };
}

describe.skipIf(!requireSocat())('reopening line', () => {
  let pair: PtyPair | undefined;
  let line: ReopeningLine | undefined;
  afterEach(async () => {
    await line?.stop();
    await pair?.destroy();
  });

  it('retries with backoff but logs once per state change across absence, open, loss and return', async () => {
    pair = await createPtyPair();
    await pair.unplug(); // start with the device absent
    const config = usbConfigSchema.parse({ kind: 'usb', path: pair.a, pollMs: 5, presenceCheckMs: 10 });
    const { logger, messages } = recordingLogger();
    let attempts = 0;
    const opener = usbDeviceOpener(config);
    line = new ReopeningLine(`usb ${pair.a}`, (events) => {
      attempts++;
      return opener(events);
    }, { reopenMinMs: 5, reopenMaxMs: 20 }, logger);
    const opened: unknown[] = [];
    line.onOpen = (device) => opened.push(device);

    await line.start();
    await waitUntil(() => attempts >= 6, 'several attempts while absent');
    expect(messages()).toEqual(['cannot open; retrying with backoff']);

    await pair.replug();
    await waitUntil(() => opened.length === 1, 'opened once the device is back');
    await pair.unplug();
    await waitUntil(() => line?.device === undefined, 'loss noticed');
    const attemptsAfterLoss = attempts;
    await waitUntil(() => attempts >= attemptsAfterLoss + 4, 'retrying after the loss');
    await pair.replug();
    await waitUntil(() => opened.length === 2, 'reopened');

    expect(messages()).toEqual([
      'cannot open; retrying with backoff',
      'opened',
      'device lost; reopening',
      'cannot open; retrying with backoff',
      'opened',
    ]);
  });
});
