// A link with no printerSetup (dialect auto) behind a Star till: the processing path frames jobs on Star's cuts
// and extracts one basket per receipt, where Epson framing split a Star receipt at bytes Star uses for other things.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { linkConfigSchema } from '../../agent/config.js';
import { JobFramer } from '../../agent/capture/framer.js';
import type { FramedJob } from '../../agent/capture/types.js';
import { JobProcessor, type LinkSettings } from '../../agent/daemon/job-processor.js';
import { Decoder, type DecoderOptions } from '../../agent/decode/index.js';
import type { Basket } from '../../agent/extract/index.js';

const fixture = (name: string): Buffer => readFileSync(`test/fixtures/star-receipts/${name}.bin`);
const COFFEE = fixture('coffee-rpe-star-tsp650ii');
const GROCER = fixture('grocer-receiptline-starsbcs');

function frame(bytes: Buffer, options: DecoderOptions | undefined): FramedJob[] {
  const jobs: FramedJob[] = [];
  const framer = new JobFramer(
    { link: 'front', tillId: 'T1', peer: 'test' },
    { idleGapMs: 60_000, maxJobBytes: 1 << 20, newDecoder: () => new Decoder(options) },
    (job) => jobs.push(job),
  );
  // As a capture delivers it: in small pieces.
  for (let i = 0; i < bytes.length; i += 61) framer.data(bytes.subarray(i, i + 61), 1_700_000_000_000);
  framer.end('session-end');
  return jobs;
}

function process(bytes: Buffer, link: LinkSettings): Basket[] {
  const baskets: Basket[] = [];
  const processor = new JobProcessor({ timezone: 'Europe/London', currency: 'GBP', profiles: [], links: { front: link } }, { save: (_job, saved) => baskets.push(...saved) }, () => undefined);
  processor.open(1, { link: 'front', tillId: 'T1', peer: 'test' });
  for (let i = 0; i < bytes.length; i += 97) processor.data(1, bytes.subarray(i, i + 97), Date.now());
  processor.end(1, 'session-end');
  return baskets;
}

describe('a Star till on a default link', () => {
  const config = linkConfigSchema.parse({ name: 'front', till: { kind: 'tcp', port: 9100 }, printer: { kind: 'none' } });

  it('sets printerSetup.dialect to auto when the config says nothing', () => {
    expect(config.printerSetup).toMatchObject({ dialect: 'auto', paperWidth: 576, codePageNumbering: 'epson' });
    const byModel = linkConfigSchema.parse({ name: 'f', till: { kind: 'tcp' }, printer: { kind: 'none' }, printerSetup: { model: 'star-tsp650ii' } });
    expect(byModel.printerSetup).toEqual({ model: 'star-tsp650ii' });
  });

  it('frames two Star receipts sent back to back as two jobs ended by their cuts, each saying it was read as Star', () => {
    const jobs = frame(Buffer.concat([COFFEE, GROCER]), config.printerSetup);
    const printed = jobs.filter((j) => j.documents.some((d) => d.blocks.some((b) => b.kind === 'text' && b.spans.length > 0)));
    expect(printed.map((j) => j.endedBy).slice(0, 2)).toEqual(['cut', 'cut']);
    expect(printed[0]!.bytes.length).toBeLessThanOrEqual(COFFEE.length);
    for (const job of printed.slice(0, 2)) expect(job.documents[0]!.dialect).toMatchObject({ name: 'star-line', from: 'detected' });
    // Every byte is in one job, in order, up to the trailing print-start command (ESC GS ETX) that prints nothing.
    const sent = Buffer.concat([COFFEE, GROCER]);
    const kept = Buffer.concat(jobs.map((j) => j.bytes));
    expect(kept).toEqual(sent.subarray(0, kept.length));
    expect(sent.subarray(kept.length)).toEqual(Buffer.from([0x1b, 0x1d, 0x03, 0x01, 0x00, 0x00]));
  });

  it('read as ESC/POS (what a link did before), the same bytes never end at a cut and lose their layout', () => {
    const jobs = frame(COFFEE, { dialect: 'escpos' });
    const starJobs = frame(COFFEE, config.printerSetup);
    expect(jobs.length).not.toBe(starJobs.length);
  });

  it('extracts each Star receipt with full confidence through the job processor', () => {
    const baskets = process(Buffer.concat([COFFEE, GROCER]), { idleGapMs: 60_000, maxJobBytes: 1 << 20, printerSetup: config.printerSetup });
    expect(baskets.map((b) => [b.merchant.name, b.total, b.confidence])).toEqual([
      ['BEAN THERE COFFEE', 890, 1],
      ['CORNER GROCER', 815, 1],
    ]);
  });
});
