// Job framing over real receipts: jobs end at cuts (never at cut-like bytes inside image data), at an idle gap,
// at session end and at the size limit; every byte the till sent ends up in exactly one job, in order.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JobFramer } from '../../agent/capture/framer.js';
import type { StreamDecoder } from '../../agent/model/index.js';
import { jobIdTime } from '../../agent/capture/job-id.js';
import type { FramedJob } from '../../agent/capture/types.js';
import { Decoder } from '../../agent/decode/index.js';

const INFO = { link: 'till-1', tillId: 'T1', peer: 'test' };
const receipt = (name: string): Buffer => readFileSync(`test/fixtures/receipts/${name}.bin`);
const COFFEE = receipt('coffee-tm-t88-card');
const TWO_JOBS = receipt('multi-job-coffee-and-slip');
const STATUS_POLL = readFileSync('test/fixtures/capture/status-poll-only.bin');
const CUT = Buffer.from([0x1d, 0x56, 0x00]);

function frame(chunks: readonly Buffer[], options: { idleGapMs?: number; maxJobBytes?: number; newDecoder?: () => StreamDecoder } = {}, times?: number[]) {
  const jobs: FramedJob[] = [];
  const framer = new JobFramer(INFO, { idleGapMs: options.idleGapMs ?? 1_000, maxJobBytes: options.maxJobBytes ?? 1 << 20, ...(options.newDecoder && { newDecoder: options.newDecoder }) }, (job) => jobs.push(job));
  chunks.forEach((chunk, i) => framer.data(chunk, times?.[i] ?? 1_700_000_000_000));
  return { jobs, framer };
}

function text(line: string): Buffer {
  return Buffer.from(`${line}\n`, 'latin1');
}

describe('JobFramer', () => {
  it('ends a job at each cut, with exactly the bytes up to and including the cut', () => {
    const { jobs, framer } = frame([Buffer.concat([COFFEE, COFFEE])]);
    framer.end('session-end');
    expect(jobs.map((j) => j.endedBy)).toEqual(['cut', 'cut']);
    expect(Buffer.concat(jobs.map((j) => j.bytes))).toEqual(Buffer.concat([COFFEE, COFFEE]));
    expect(jobs[0]!.bytes).toEqual(COFFEE);
    expect(jobs[0]!.documents).toHaveLength(1);
    expect(jobs[0]!.decodeError).toBeNull();
    expect(jobs[0]!.id < jobs[1]!.id).toBe(true);
    expect(jobIdTime(jobs[0]!.id)).toBe(1_700_000_000_000);
  });

  it('does not keep status polls and initialisation between receipts as jobs', () => {
    const { jobs, framer } = frame([STATUS_POLL, COFFEE, STATUS_POLL, STATUS_POLL]);
    framer.end('session-end');
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.bytes).toEqual(Buffer.concat([STATUS_POLL, COFFEE]));
  });

  it('does not keep an initialise or paper feed after the last cut as a job', () => {
    const trailers = [Buffer.from('\x1b@'), Buffer.from('\n\n\n'), Buffer.from('\x1bd\x05'), Buffer.from('\x1b@\n\n'), Buffer.from('   \n')];
    for (const trailer of trailers) {
      const { jobs, framer } = frame([COFFEE, trailer]);
      framer.end('session-end');
      expect(jobs.map((j) => j.bytes), `trailer ${JSON.stringify(trailer.toString('latin1'))}`).toEqual([COFFEE]);
    }
    // Text after the cut is still a job of its own, and so is a drawer opened after it (a no-sale is evidence).
    for (const mark of [text('hello'), Buffer.from('\x1bp\x00\x19\xfa')]) {
      const { jobs, framer } = frame([COFFEE, mark]);
      framer.end('session-end');
      expect(jobs.map((j) => j.bytes)).toEqual([COFFEE, mark]);
    }
  });

  it('frames identically however the bytes are split', () => {
    const stream = Buffer.concat([TWO_JOBS, STATUS_POLL, COFFEE, text('tail without a cut')]);
    const whole = frame([stream]);
    whole.framer.end('session-end');
    const expected = whole.jobs.map((j) => [j.endedBy, j.bytes.toString('hex')]);
    expect(expected.length).toBeGreaterThanOrEqual(4);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 40 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), stream.length];
        const chunks = points.slice(1).map((end, i) => stream.subarray(points[i], end));
        const split = frame(chunks);
        split.framer.end('session-end');
        expect(split.jobs.map((j) => [j.endedBy, j.bytes.toString('hex')])).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('never takes cut-like bytes inside raster or barcode data for a cut', () => {
    // GS v 0: 4 bytes wide, 3 rows, whose data spells GS V 0 (a full cut) twice.
    const raster = Buffer.from([0x1d, 0x76, 0x30, 0x00, 0x04, 0x00, 0x03, 0x00, ...CUT, 0x00, 0x1d, 0x56, 0x41, 0x00, 0, 0, 0, 0]);
    // GS k, form 2 (CODE128): the data holds GS V 1.
    const barcode = Buffer.from([0x1d, 0x6b, 0x49, 0x05, 0x7b, 0x42, 0x1d, 0x56, 0x01]);
    const job = Buffer.concat([text('LOGO'), raster, barcode, text('after'), CUT]);
    const { jobs, framer } = frame([job]);
    framer.end('session-end');
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.bytes).toEqual(job);
    expect(jobs[0]!.endedBy).toBe('cut');
  });

  it('ends a job after the idle gap (a line that never closes), using capture times', () => {
    const first = text('RECEIPT ONE');
    const second = text('RECEIPT TWO');
    const { jobs, framer } = frame([first, first, second], { idleGapMs: 500 }, [10_000, 10_200, 11_000]);
    expect(jobs.map((j) => [j.endedBy, j.bytes.toString()])).toEqual([['idle-gap', 'RECEIPT ONE\nRECEIPT ONE\n']]);
    expect(jobs[0]!.capturedAt.getTime()).toBe(10_000);
    expect(framer.idleDeadline).toBe(11_500);
    framer.tick(11_499);
    expect(jobs).toHaveLength(1);
    framer.tick(11_500);
    expect(jobs.map((j) => j.endedBy)).toEqual(['idle-gap', 'idle-gap']);
    expect(jobs[1]!.capturedAt.getTime()).toBe(11_000);
    expect(framer.idleDeadline).toBeUndefined();
  });

  it('keeps what a till sent before it disconnected mid-job', () => {
    const half = COFFEE.subarray(0, Math.floor(COFFEE.length / 2));
    const { jobs, framer } = frame([half]);
    framer.end('session-end');
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.endedBy).toBe('session-end');
    expect(jobs[0]!.bytes).toEqual(half);
  });

  it('stores a job over maxJobBytes raw in parts, losing nothing, and decodes the next job again', () => {
    const big = Buffer.concat(Array.from({ length: 300 }, (_, i) => text(`LINE ${i} ${'x'.repeat(20)}`)));
    const { jobs, framer } = frame([big.subarray(0, 5000), big.subarray(5000)], { maxJobBytes: 2048 });
    framer.end('session-end');
    expect(Buffer.concat(jobs.map((j) => j.bytes))).toEqual(big);
    expect(jobs.slice(0, -1).every((j) => j.endedBy === 'max-bytes' && j.bytes.length === 2048)).toBe(true);
    expect(jobs.every((j) => j.decodeError?.includes('maxJobBytes'))).toBe(true);
    const next = frame([big.subarray(0, 3000), COFFEE], { maxJobBytes: 2048 }, [0, 5_000]);
    expect(next.jobs.at(-1)!.bytes).toEqual(COFFEE);
    expect(next.jobs.at(-1)!.decodeError).toBeNull();
  });

  it('at shutdown with a backlog (storeRaw) stores each chunk as a job as it comes, holding none of the rest', () => {
    const rest = Buffer.concat(Array.from({ length: 3 * 1024 }, () => COFFEE));
    const jobs: FramedJob[] = [];
    const framer = new JobFramer(INFO, { idleGapMs: 1_000, maxJobBytes: 1 << 30 }, (job) => jobs.push(job));
    framer.storeRaw('shutting down');
    const chunks = [];
    for (let i = 0; i < rest.length; i += 64 * 1024) chunks.push(rest.subarray(i, i + 64 * 1024));
    for (const [i, chunk] of chunks.entries()) {
      framer.data(chunk, 1_700_000_000_000);
      // Nothing held back: a held view would keep the chunk alive until the next one of this session comes.
      expect(jobs).toHaveLength(i + 1);
      expect(jobs.at(-1)!.bytes).toBe(chunk);
      expect(framer.settledOffset).toBe(jobs.reduce((n, j) => n + j.bytes.length, 0));
    }
    framer.end('shutdown');
    expect(jobs).toHaveLength(chunks.length);
    expect(jobs.every((j) => j.endedBy === 'shutdown' && j.decodeError === 'shutting down' && j.documents.length === 0)).toBe(true);
    expect(Buffer.concat(jobs.map((j) => j.bytes))).toEqual(rest);
  });

  it('at shutdown with a backlog records bytes shed after the last chunk stored, as a job of its own', () => {
    const jobs: FramedJob[] = [];
    const framer = new JobFramer(INFO, { idleGapMs: 1_000, maxJobBytes: 1 << 30 }, (job) => jobs.push(job));
    framer.storeRaw('shutting down');
    framer.data(COFFEE, 1_700_000_000_000);
    framer.lost(4096);
    framer.end('shutdown');
    expect(Buffer.concat(jobs.map((j) => j.bytes))).toEqual(COFFEE);
    expect(jobs.some((j) => j.decodeError?.includes('shed 4096 bytes') ?? false)).toBe(true);
  });

  it('stores a job raw with the reason when the decoder throws, and decodes the next one afresh', () => {
    let made = 0;
    const newDecoder = (): StreamDecoder => {
      made++;
      if (made > 1) return new Decoder();
      return { write: () => { throw new Error('boom'); }, end: () => [] };
    };
    const { jobs, framer } = frame([COFFEE], { newDecoder });
    framer.end('session-end');
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.bytes).toEqual(COFFEE);
    expect(jobs[0]!.documents).toEqual([]);
    expect(jobs[0]!.decodeError).toContain('decoder failed: boom');
    const after = frame([COFFEE], { newDecoder });
    expect(after.jobs[0]!.decodeError).toBeNull();
  });

  it('records bytes shed before the framer against the job', () => {
    const { jobs, framer } = frame([COFFEE.subarray(0, 100)]);
    framer.lost(4096);
    framer.data(COFFEE.subarray(100), 1_700_000_000_000);
    framer.end('shutdown');
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.endedBy).toBe('shutdown');
    expect(jobs[0]!.decodeError).toContain('shed 4096 bytes');
  });
});
