// A simulated network printer on a real TCP port: records every connection's bytes and answers real-time status
// requests (DLE EOT n) the way an Epson printer does, with one status byte, as soon as it sees them.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** Online, no error, paper present: what DLE EOT 1..4 answer on a healthy printer. */
export const STATUS_REPLY: Readonly<Record<number, number>> = { 1: 0x16, 2: 0x12, 3: 0x12, 4: 0x12 };

export interface PrinterConnection {
  readonly socket: Socket;
  /** Everything received (left empty with countOnly). */
  data: Buffer;
  byteCount: number;
  readonly closed: Promise<void>;
}

export interface SimPrinter {
  readonly port: number;
  readonly connections: PrinterConnection[];
  /** Resolves when `count` connections have closed. */
  closedConnections(count: number): Promise<PrinterConnection[]>;
  close(): Promise<void>;
}

/** Answers DLE EOT n found in `data` from `from` on; returns where scanning can resume next time. */
export function answerStatus(data: Buffer, from: number, reply: (bytes: Buffer) => void): number {
  let i = Math.max(0, from);
  for (; i + 2 < data.length; i++) {
    if (data[i] === 0x10 && data[i + 1] === 0x04) {
      const status = STATUS_REPLY[data[i + 2]!];
      if (status !== undefined) reply(Buffer.from([status]));
      i += 2;
    }
  }
  return i;
}

/** countOnly: keep a count instead of the bytes (throughput runs), answering status requests within each chunk. */
export async function startSimPrinter(options: { closeAfterJob?: boolean; port?: number; countOnly?: boolean } = {}): Promise<SimPrinter> {
  const connections: PrinterConnection[] = [];
  const waiters: (() => void)[] = [];
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    let scanned = 0;
    let closedResolve!: () => void;
    const connection: PrinterConnection = { socket, data: Buffer.alloc(0), byteCount: 0, closed: new Promise((r) => (closedResolve = r)) };
    connections.push(connection);
    const reply = (bytes: Buffer): void => void socket.write(bytes);
    socket.on('data', (chunk: Buffer) => {
      connection.byteCount += chunk.length;
      if (options.countOnly === true) {
        answerStatus(chunk, 0, reply);
        return;
      }
      connection.data = Buffer.concat([connection.data, chunk]);
      scanned = answerStatus(connection.data, scanned, reply);
    });
    // A JetDirect-style printer closes its side once the host has sent the whole job.
    socket.on('end', () => {
      if (options.closeAfterJob !== false) socket.end();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closedResolve();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const closedCount = () => connections.filter((c) => c.socket.closed).length;
  return {
    port: (server.address() as AddressInfo).port,
    connections,
    async closedConnections(count) {
      while (closedCount() < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return connections.filter((c) => c.socket.closed);
    },
    async close() {
      for (const c of connections) c.socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
