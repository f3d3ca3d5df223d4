// The processor decodes each link's jobs the way that link's printer is set up (config `printerSetup`).
import { Cut, InMemory, Printer } from 'escpos-buffer';
import { describe, expect, it } from 'vitest';
import { linkConfigSchema } from '../../agent/config.js';
import { JobProcessor, type LinkSettings } from '../../agent/daemon/job-processor.js';
import type { Basket } from '../../agent/extract/index.js';

/** A Daruma DR800 receipt in Windows-1252, which Daruma selects with ESC t 3 (Epson's PC860). */
async function darumaReceipt(): Promise<Buffer> {
  const connection = new InMemory();
  const printer = await Printer.CONNECT('DR800', connection);
  await printer.setCodepage('cp1252');
  const row = (left: string, right: string) => left + ' '.repeat(printer.columns - left.length - right.length) + right;
  await printer.writeln('CAFÉ CORNER');
  await printer.writeln(row('Crème brûlée', '£4.50'));
  await printer.writeln(row('TOTAL', '£4.50'));
  await printer.writeln(row('Cash', '£5.00'));
  await printer.writeln(row('Change', '£0.50'));
  await printer.cutter(Cut.Full);
  return Buffer.from(connection.buffer());
}

function processJob(bytes: Buffer, link: LinkSettings): Basket[] {
  const baskets: Basket[] = [];
  const processor = new JobProcessor(
    { timezone: 'Europe/London', profiles: [], links: { front: link } },
    { save: (_job, saved) => baskets.push(...saved) },
    () => undefined,
  );
  processor.open(1, { link: 'front', tillId: 'T1', peer: 'test' });
  processor.data(1, bytes, Date.now());
  processor.end(1, 'session-end');
  return baskets;
}

describe('job processor printer setup', () => {
  it("decodes a link's jobs with its printer's code page numbering", async () => {
    const bytes = await darumaReceipt();
    const config = linkConfigSchema.parse({
      name: 'front',
      till: { kind: 'tcp', port: 9100 },
      printer: { kind: 'none' },
      printerSetup: { codePageNumbering: 'daruma' },
    });
    const [basket] = processJob(bytes, { idleGapMs: config.idleGapMs, maxJobBytes: config.maxJobBytes, printerSetup: config.printerSetup });
    expect(basket).toMatchObject({ currency: 'GBP', total: 450, change: 50, confidence: 1 });
    expect(basket!.merchant.name).toBe('CAFÉ CORNER');
    expect(basket!.items.map((i) => i.description)).toEqual(['Crème brûlée']);

    // The same bytes read with Epson's numbers come out as PC860: no pound signs, and the text is wrong.
    const [misread] = processJob(bytes, { idleGapMs: 2_000, maxJobBytes: 1 << 20 });
    expect(misread!.currency).not.toBe('GBP');
    expect(misread!.items.map((i) => i.description)).not.toEqual(['Crème brûlée']);
  });

  it('refuses a printer setup the decoder cannot use, naming the field', () => {
    const bad = linkConfigSchema.safeParse({ name: 'front', till: { kind: 'tcp' }, printer: { kind: 'none' }, printerSetup: { codePageNumbering: 'acme' } });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('codePageNumbering');
  });
});
