// TCP passthrough over real sockets: a till (client) → posbridge link (tcp listen → tcp connect) → a simulated
// network printer. The printer must receive exactly the till's bytes per connection, status replies must reach
// the till, and the tap must see the same bytes.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Link } from '../../agent/capture/link.js';
import { linkConfigSchema } from '../../agent/config.js';
import type { TcpTillSide } from '../../drivers/tcp/till.js';
import { byteReader, readUntilClose } from '../helpers/streams.js';
import { startSimPrinter, type SimPrinter } from '../helpers/sim-printer.js';
import { RecordingSink } from './recording-sink.js';

const COFFEE = readFileSync('test/fixtures/receipts/coffee-tm-t88-card.bin');

let printer: SimPrinter;
let link: Link;
let sink: RecordingSink;
let tillPort: number;

async function startLink(printerPort: number, extra: Record<string, unknown> = {}): Promise<void> {
  sink = new RecordingSink();
  const config = linkConfigSchema.parse({
    name: 'front',
    till: { kind: 'tcp', host: '127.0.0.1', port: 0 },
    printer: { kind: 'tcp', host: '127.0.0.1', port: printerPort, connectTimeoutMs: 1_000 },
    ...extra,
  });
  link = new Link(config, sink);
  await link.start();
  tillPort = (link.till as TcpTillSide).address().port;
}

function till(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: tillPort, allowHalfOpen: true }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends a whole job the way a till does: connect, write, half-close, read replies until the printer closes. */
async function printJob(bytes: Buffer): Promise<Buffer> {
  const socket = await till();
  const done = readUntilClose(socket);
  socket.end(bytes);
  return (await done).data;
}

beforeEach(async () => {
  printer = await startSimPrinter();
  await startLink(printer.port);
});

afterEach(async () => {
  await link.stop(0);
  await printer.close();
});

describe('tcp passthrough', () => {
  it('delivers a job byte for byte, and the printer status reply reaches the till', async () => {
    const socket = await till();
    const read = byteReader(socket);
    socket.write(Buffer.from([0x1b, 0x40, 0x10, 0x04, 0x01]));
    expect(await read(1)).toEqual(Buffer.from([0x16]));
    socket.write(Buffer.from([0x10, 0x04, 0x04]));
    expect(await read(1)).toEqual(Buffer.from([0x12]));
    const closed = readUntilClose(socket);
    socket.end(COFFEE);
    await closed;
    const [connection] = await printer.closedConnections(1);
    const sent = Buffer.concat([Buffer.from([0x1b, 0x40, 0x10, 0x04, 0x01, 0x10, 0x04, 0x04]), COFFEE]);
    expect(connection!.data).toEqual(sent);
    expect(sink.sessions).toHaveLength(1);
    expect(sink.sessions[0]!.bytes).toEqual(sent);
    expect(sink.sessions[0]!.ended).toBe('session-end');
    expect(sink.sessions[0]!.info).toMatchObject({ link: 'front', tillId: 'front' });
  });

  it('serves a till that opens many short connections, each one its own printer connection', async () => {
    const jobs = Array.from({ length: 40 }, (_, i) => Buffer.concat([Buffer.from(`job ${i}\n`), randomBytes(500 + i * 37)]));
    for (let i = 0; i < jobs.length; i += 8) await Promise.all(jobs.slice(i, i + 8).map((job) => printJob(job)));
    const connections = await printer.closedConnections(jobs.length);
    const hex = (list: Buffer[]) => list.map((b) => b.toString('hex')).sort();
    expect(hex(connections.map((c) => c.data))).toEqual(hex(jobs));
    expect(hex(sink.sessions.map((s) => s.bytes))).toEqual(hex(jobs));
    expect(sink.sessions.every((s) => s.ended === 'session-end')).toBe(true);
  });

  it('keeps one printer connection for a till that holds its connection open across jobs', async () => {
    const socket = await till();
    socket.write(COFFEE);
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.write(COFFEE);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closed = readUntilClose(socket);
    socket.end(COFFEE);
    await closed;
    const [connection] = await printer.closedConnections(1);
    expect(printer.connections).toHaveLength(1);
    expect(connection!.data).toEqual(Buffer.concat([COFFEE, COFFEE, COFFEE]));
    expect(sink.sessions[0]!.bytes).toEqual(Buffer.concat([COFFEE, COFFEE, COFFEE]));
  });

  it('passes on what a till sent before it disconnected mid-job, and closes the printer connection', async () => {
    const socket = await till();
    const half = COFFEE.subarray(0, 700);
    socket.write(half);
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    const [connection] = await printer.closedConnections(1);
    expect(connection!.data).toEqual(half);
    await expect.poll(() => sink.sessions[0]?.ended).toBe('session-end');
    expect(sink.sessions[0]!.bytes).toEqual(half);
  });

  it('streams a 5 MB job through with back-pressure, unchanged', async () => {
    const big = randomBytes(5 * 1024 * 1024);
    await printJob(big);
    const [connection] = await printer.closedConnections(1);
    expect(connection!.data.equals(big)).toBe(true);
    expect(sink.sessions[0]!.bytes.equals(big)).toBe(true);
  });

  it('resets the till connection when the printer is down, captures nothing, and recovers when it is back', async () => {
    const port = printer.port;
    await link.stop(0);
    await printer.close();
    await startLink(port);
    const result = await readUntilClose(await till().then((s) => (s.write(COFFEE), s)));
    expect(result.data.length).toBe(0);
    expect(sink.sessions.every((s) => s.chunks.length === 0)).toBe(true);
    // The printer comes back on the same port: the next job prints.
    await link.stop(0);
    printer = await startSimPrinter({ port });
    await startLink(port);
    await printJob(COFFEE);
    const [connection] = await printer.closedConnections(1);
    expect(connection!.data).toEqual(COFFEE);
  });

  it('mirrors a printer that closes mid-job to the till: its FIN as end of stream, its reset as a reset', async () => {
    const dropped = async (drop: (printerSocket: Socket) => void): Promise<Socket> => {
      const socket = await till();
      socket.on('error', () => undefined);
      const before = printer.connections.length;
      socket.write(COFFEE.subarray(0, 100));
      await expect.poll(() => printer.connections[before]?.data.length).toBe(100);
      drop(printer.connections[before]!.socket);
      return socket;
    };
    const finned = await dropped((p) => p.end());
    await new Promise<void>((resolve) => finned.once('end', resolve));
    finned.destroy();
    const reset = await dropped((p) => p.resetAndDestroy());
    const result = await readUntilClose(reset);
    expect((result.error as NodeJS.ErrnoException | undefined)?.code).toBe('ECONNRESET');
  });
});
