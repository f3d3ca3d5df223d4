// The capture chain in one process: a TCP link taps into a BatchingSink whose channel feeds a JobProcessor
// directly (in the daemon the channel is the worker thread). Jobs come out framed, extracted and saved.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchingSink, type CaptureChannel } from '../../agent/capture/batching-sink.js';
import { Link } from '../../agent/capture/link.js';
import { linkConfigSchema } from '../../agent/config.js';
import { JobProcessor, type JobSummary } from '../../agent/daemon/job-processor.js';
import type { Basket } from '../../agent/extract/index.js';
import type { JobRecord } from '../../agent/store/index.js';
import type { TcpTillSide } from '../../drivers/tcp/till.js';
import { readUntilClose, waitUntil } from '../helpers/streams.js';

const COFFEE = readFileSync('test/fixtures/receipts/coffee-tm-t88-card.bin');
const SLIP = readFileSync('test/fixtures/receipts/multi-job-coffee-and-slip.bin');

interface Saved {
  job: JobRecord;
  baskets: readonly Basket[];
}

function chain(options: { maxBacklogBytes?: number; idleGapMs?: number } = {}) {
  const saved: Saved[] = [];
  const summaries: JobSummary[] = [];
  const processor = new JobProcessor(
    { timezone: 'Europe/London', storeId: 'S1', profiles: [], links: { front: { idleGapMs: options.idleGapMs ?? 300, maxJobBytes: 1 << 20 } } },
    { save: (job, baskets) => saved.push({ job, baskets }) },
    (summary) => summaries.push(summary),
  );
  let sink: BatchingSink;
  const acknowledgeLater: number[] = [];
  const channel: CaptureChannel = {
    open: (session, info) => processor.open(session, info),
    data: (session, bytes, at) => {
      processor.data(session, Buffer.from(bytes), at);
      acknowledgeLater.push(bytes.length);
    },
    lost: (session, count) => processor.lost(session, count),
    end: (session, reason) => processor.end(session, reason),
  };
  sink = new BatchingSink(channel, { maxBacklogBytes: options.maxBacklogBytes ?? 1 << 24 });
  return { saved, summaries, sink, processor, acknowledge: () => sink.acknowledge(acknowledgeLater.splice(0).reduce((a, b) => a + b, 0)) };
}

let link: Link | undefined;
afterEach(async () => {
  await link?.stop(0);
  link = undefined;
});

async function startLink(sink: BatchingSink): Promise<number> {
  link = new Link(linkConfigSchema.parse({ name: 'front', tillId: 'T7', till: { kind: 'tcp', port: 0 }, printer: { kind: 'none' } }), sink);
  await link.start();
  return (link.till as TcpTillSide).address().port;
}

async function send(port: number, bytes: Buffer): Promise<void> {
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  const closed = readUntilClose(socket);
  socket.end(bytes);
  await closed;
}

describe('capture chain', () => {
  it('frames, extracts and saves each receipt of a connection, one job per cut', async () => {
    const { saved, summaries, sink, acknowledge } = chain();
    const port = await startLink(sink);
    await send(port, Buffer.concat([COFFEE, SLIP]));
    await waitUntil(() => saved.length === 3, 'three jobs saved');
    acknowledge();
    // The slip capture ends with ESC @ and a status poll after its last cut: that prints nothing, so is no job.
    const trailer = Buffer.from([0x1b, 0x40, 0x10, 0x04, 0x01]);
    expect(SLIP.subarray(-trailer.length)).toEqual(trailer);
    expect(Buffer.concat(saved.map((s) => Buffer.from(s.job.bytes)))).toEqual(Buffer.concat([COFFEE, SLIP.subarray(0, -trailer.length)]));
    expect(saved.map((s) => s.job.endedBy)).toEqual(['cut', 'cut', 'cut']);
    expect(saved.every((s) => s.job.link === 'front' && s.job.tillId === 'T7' && s.job.peer.startsWith('tcp 127.0.0.1:'))).toBe(true);
    const [coffee] = saved[0]!.baskets;
    expect(coffee).toMatchObject({ id: saved[0]!.job.id, total: 935, tillId: 'T7', storeId: 'S1', confidence: 1 });
    expect(summaries[0]!.baskets[0]).toMatchObject({ total: 935, currency: 'GBP', confidence: 1, failedChecks: [] });
    expect(sink.backlogBytes).toBe(0);
  });

  it('sheds capture beyond the backlog limit without touching printing, and notes the loss on the job', async () => {
    // No idle gap within the send: on a loaded machine a 300 ms pause between reads closed the job noting the loss,
    // the next job was decoded again, and its status poll after the last cut (printing nothing) was dropped, so
    // 5 bytes were neither kept nor shed.
    const { saved, sink } = chain({ maxBacklogBytes: 1024 * 1024, idleGapMs: 60_000 });
    const port = await startLink(sink);
    // Nothing is acknowledged, as with a worker stuck on a pathological job: the second megabyte is shed.
    const big = Buffer.concat(Array.from({ length: Math.ceil((2 * 1024 * 1024) / COFFEE.length) }, () => COFFEE));
    await send(port, big);
    await waitUntil(() => saved.some((s) => s.job.decodeError?.includes('shed') ?? false), 'a job noting the shed bytes');
    expect(sink.shedBytes).toBeGreaterThan(0);
    const kept = saved.reduce((n, s) => n + s.job.bytes.length, 0);
    expect(kept + sink.shedBytes).toBe(big.length);
  });

  it('ends a job held open by the till after the idle gap', async () => {
    const { saved, sink } = chain({ idleGapMs: 200 });
    const port = await startLink(sink);
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const noCut = Buffer.from('\x1b@NO CUT HERE\nTOTAL 1.00\n');
    socket.write(noCut);
    await waitUntil(() => saved.length === 1, 'the idle-gap job');
    expect(saved[0]!.job.endedBy).toBe('idle-gap');
    expect(Buffer.from(saved[0]!.job.bytes)).toEqual(noCut);
    socket.destroy();
  });
});
