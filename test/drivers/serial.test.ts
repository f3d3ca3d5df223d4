import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDriverConfig } from '../../drivers/index.js';
import { serialConfigSchema, serialDriver } from '../../drivers/serial/index.js';
import type { PrinterSide, TillSession, TillSide } from '../../drivers/types.js';
import { closePtyEnd, createPtyPair, openPtyEnd, requireSocat, type PtyPair } from '../helpers/socat.js';
import { byteReader, readUntilClose, waitUntil } from '../helpers/streams.js';
import { log } from '../../agent/log.js';

const testLog = log.child({ test: 'drivers' });

const FAST_REOPEN = { reopenMinMs: 20, reopenMaxMs: 100, presenceCheckMs: 20 };

describe.skipIf(!requireSocat())('serial driver over real pty pairs (socat)', () => {
  let pair: PtyPair;
  const cleanups: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    pair = await createPtyPair();
  });
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
    await pair.destroy();
  });

  async function startTill(options: Record<string, unknown> = {}): Promise<{ till: TillSide; sessions: TillSession[] }> {
    const config = serialConfigSchema.parse({ kind: 'serial', path: pair.a, ...FAST_REOPEN, ...options });
    const till = serialDriver.createTillSide(config, testLog);
    const sessions: TillSession[] = [];
    await till.start((session) => sessions.push(session));
    cleanups.push(() => till.stop());
    await waitUntil(() => sessions.length === 1, 'the port opened as a session');
    return { till, sessions };
  }

  it('till side: one long session, a random 64 KiB payload arrives byte-identical both ways', async () => {
    const { sessions } = await startTill({ baudRate: 115200 });
    const session = sessions[0]!;
    expect(session.endIsJobBoundary).toBe(false);
    expect(session.peer).toBe(`serial ${pair.a}`);
    const far = await openPtyEnd(pair.b);
    cleanups.push(() => closePtyEnd(far));

    const toDriver = randomBytes(64 * 1024);
    const fromFar = byteReader(session.stream);
    far.write(toDriver);
    expect((await fromFar(toDriver.length)).equals(toDriver)).toBe(true);

    const toFar = randomBytes(64 * 1024);
    const atFar = byteReader(far);
    session.stream.write(toFar);
    expect((await atFar(toFar.length)).equals(toFar)).toBe(true);
  });

  it('accepts printer line settings (baud, parity, data/stop bits, RTS/CTS, XON/XOFF)', async () => {
    const { sessions } = await startTill({ baudRate: 19200, parity: 'even', dataBits: 7, stopBits: 2, rtscts: true, xon: true, xoff: true });
    const far = await openPtyEnd(pair.b);
    cleanups.push(() => closePtyEnd(far));
    const fromDriver = byteReader(far);
    sessions[0]!.stream.write('ok'); // 7-bit safe bytes: the pty applies the data-bits setting
    expect((await fromDriver(2)).toString()).toBe('ok');
  });

  it('till side: survives unplug/replug, ending the session and starting a new one', async () => {
    const { sessions } = await startTill();
    const first = readUntilClose(sessions[0]!.stream);
    await pair.unplug();
    const { error } = await first;
    expect(error?.message).toMatch(new RegExp(`^serial ${pair.a}: device lost`));

    await new Promise((resolve) => setTimeout(resolve, 150)); // a few failed reopen attempts while absent
    expect(sessions).toHaveLength(1);
    await pair.replug();
    await waitUntil(() => sessions.length === 2, 'the port reopened as a new session');

    const far = await openPtyEnd(pair.b);
    cleanups.push(() => closePtyEnd(far));
    const fromFar = byteReader(sessions[1]!.stream);
    far.write('after replug');
    expect((await fromFar(12)).toString()).toBe('after replug');
  });

  describe('printer side', () => {
    async function startPrinter(options: Record<string, unknown> = {}): Promise<PrinterSide> {
      const config = serialConfigSchema.parse({ kind: 'serial', path: pair.a, ...FAST_REOPEN, replyWindowMs: 50, ...options });
      const printer = serialDriver.createPrinterSide(config, testLog);
      cleanups.push(() => printer.close());
      return printer;
    }

    it('writes each job over the persistent port and passes replies back, jobs in turn', async () => {
      const printer = await startPrinter();
      const far = await openPtyEnd(pair.b);
      cleanups.push(() => closePtyEnd(far));
      const atPrinter = byteReader(far);

      const job1 = await printer.open();
      const job2Opening = printer.open(); // must wait until job 1 is over
      let job2Opened = false;
      void job2Opening.then(() => {
        job2Opened = true;
      });
      const replies1 = byteReader(job1);
      job1.write('job one');
      expect((await atPrinter(7)).toString()).toBe('job one');
      far.write(Buffer.from([0x10]));
      expect(await replies1(1)).toEqual(Buffer.from([0x10]));
      expect(job2Opened).toBe(false);
      job1.end();
      // the readable side ends after the reply window; only then does job 2 get the line
      await readUntilClose(job1);

      const job2 = await job2Opening;
      const payload = randomBytes(64 * 1024);
      job2.end(payload);
      expect((await atPrinter(payload.length)).equals(payload)).toBe(true);
      await readUntilClose(job2);
    });

    it('reopens the port after unplug/replug; the job in flight fails clearly, the next one prints', async () => {
      const printer = await startPrinter();
      const job = await printer.open();
      const jobClosed = readUntilClose(job);
      await pair.unplug();
      const { error } = await jobClosed;
      expect(error?.message).toMatch(new RegExp(`^serial ${pair.a}: device lost`));

      // while unplugged, open() waits up to openTimeoutMs and then rejects with the reason
      const absent = await startPrinter({ openTimeoutMs: 100 });
      await expect(absent.open()).rejects.toThrow(`serial ${pair.a}: not available: Error: No such file or directory, cannot open ${pair.a}`);
      await absent.close(); // it would otherwise compete for the exclusive lock once the port is back

      await pair.replug();
      const far = await openPtyEnd(pair.b);
      cleanups.push(() => closePtyEnd(far));
      const atPrinter = byteReader(far);
      const next = await printer.open();
      next.end('printed after replug');
      expect((await atPrinter(20)).toString()).toBe('printed after replug');
    });
  });

  it('is reachable through the registry with validated config', async () => {
    const config = parseDriverConfig({ kind: 'serial', path: pair.a, baudRate: 38400 });
    expect(config).toMatchObject({ kind: 'serial', baudRate: 38400, parity: 'none', rtscts: false });
  });
});
