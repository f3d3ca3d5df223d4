import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileConfigSchema, FilePrinterSide, FileTillSide } from '../../drivers/file/index.js';
import { NonePrinterSide } from '../../drivers/none/index.js';
import type { TillSession } from '../../drivers/types.js';
import { readAll, readUntilClose, waitUntil } from '../helpers/streams.js';
import { log } from '../../agent/log.js';

const testLog = log.child({ test: 'drivers' });

let dir: string;
const cleanups: Array<() => Promise<void>> = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-file-'));
});
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
  await rm(dir, { recursive: true, force: true });
});

function config(options: Record<string, unknown>) {
  return fileConfigSchema.parse({ kind: 'file', ...options });
}

/** Plays the link for a file till side: reads every session fully, in the order handed out. */
function collectSessions(): { sessions: TillSession[]; bodies: Array<Promise<Buffer>>; onSession: (s: TillSession) => void } {
  const sessions: TillSession[] = [];
  const bodies: Array<Promise<Buffer>> = [];
  return {
    sessions,
    bodies,
    onSession: (session) => {
      sessions.push(session);
      bodies.push(readAll(session.stream));
      session.stream.end(Buffer.from([0x12])); // a status reply: discarded, must not fail
    },
  };
}

describe('file printer side', () => {
  it('folder mode: one .bin file per job, named by time and counter, in order', async () => {
    const folder = join(dir, 'jobs'); // created on first job
    const printer = new FilePrinterSide(config({ path: folder }), testLog);
    const jobs = [randomBytes(10), randomBytes(70_000), Buffer.from('\x1b@third\n', 'latin1')];
    for (const job of jobs) {
      const stream = await printer.open();
      const done = readUntilClose(stream);
      stream.write(job.subarray(0, 3));
      stream.end(job.subarray(3));
      expect((await done).error).toBeUndefined();
    }
    const names = (await readdir(folder)).sort();
    expect(names).toHaveLength(3);
    for (const name of names) expect(name).toMatch(/^\d{8}-\d{6}-\d{3}-\d{6}\.bin$/);
    const contents = await Promise.all(names.map((name) => readFile(join(folder, name))));
    expect(contents).toEqual(jobs);
    await printer.close();
  });

  it('folder mode: a connection that carried no bytes leaves no file', async () => {
    const printer = new FilePrinterSide(config({ path: dir }), testLog);
    const stream = await printer.open();
    stream.end();
    await readUntilClose(stream);
    expect(await readdir(dir)).toEqual([]);
  });

  it('folder mode: a job whose stream is destroyed before it ends is kept as .incomplete, never as a job file', async () => {
    const printer = new FilePrinterSide(config({ path: join(dir, 'out') }), testLog);
    const stream = await printer.open();
    await new Promise<void>((resolve, reject) => stream.write(Buffer.from('HALF A RECEIPT'), (error) => (error ? reject(error) : resolve())));
    const closed = new Promise((resolve) => stream.once('close', resolve));
    stream.destroy();
    await closed;
    const names = await readdir(join(dir, 'out'));
    expect(names.filter((n) => n.endsWith('.bin') || n.endsWith('.partial'))).toEqual([]);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/\.incomplete$/);
    expect(await readFile(join(dir, 'out', names[0]!), 'utf8')).toBe('HALF A RECEIPT');
  });

  it('folder mode: start() keeps a crashed run\'s stale .partial files as .incomplete and leaves a live one alone', async () => {
    const out = join(dir, 'out');
    await mkdir(out);
    await writeFile(join(out, 'crashed.partial'), 'left by a crash');
    const old = new Date(Date.now() - 5 * 60_000);
    await utimes(join(out, 'crashed.partial'), old, old);
    await writeFile(join(out, 'live.partial'), 'another writer, still at it');
    await new FilePrinterSide(config({ path: out }), testLog).start();
    expect((await readdir(out)).sort()).toEqual(['crashed.incomplete', 'live.partial']);
    expect(await readFile(join(out, 'crashed.incomplete'), 'utf8')).toBe('left by a crash');
  });

  it('append mode: concurrent jobs are appended whole, one after the other', async () => {
    const file = join(dir, 'all-jobs.bin');
    const printer = new FilePrinterSide(config({ path: file, mode: 'append' }), testLog);
    const first = await printer.open();
    const secondOpening = printer.open(); // waits for the first job to finish
    first.write('AAA');
    await new Promise((resolve) => setTimeout(resolve, 10));
    first.end('aaa');
    const second = await secondOpening;
    second.end('BBBbbb');
    await Promise.all([readUntilClose(first), readUntilClose(second)]);
    const third = await printer.open();
    third.end('CCC');
    await readUntilClose(third);
    expect(await readFile(file, 'latin1')).toBe('AAAaaaBBBbbbCCC');
  });

  it('rejects clearly when the folder cannot be created', async () => {
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, 'x');
    const printer = new FilePrinterSide(config({ path: join(blocker, 'jobs') }), testLog);
    await expect(printer.open()).rejects.toThrow(`file printer ${join(blocker, 'jobs')}: cannot create a job file`);
  });
});

describe('file till side', () => {
  it('replays a single captured job file as one session', async () => {
    const file = join(dir, 'receipt.bin');
    const body = randomBytes(5000);
    await writeFile(file, body);
    const till = new FileTillSide(config({ path: file }), testLog);
    const { sessions, bodies, onSession } = collectSessions();
    await till.start(onSession);
    await till.idle;
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ peer: `file ${file}`, endIsJobBoundary: true });
    expect(await bodies[0]).toEqual(body);
    await till.stop();
  });

  it('reads a folder once, in name order, only files with the job extension', async () => {
    await writeFile(join(dir, '002.bin'), 'second');
    await writeFile(join(dir, '001.bin'), 'first');
    await writeFile(join(dir, 'notes.txt'), 'not a job');
    await writeFile(join(dir, '003.partial'), 'being written');
    const till = new FileTillSide(config({ path: dir }), testLog);
    const { sessions, bodies, onSession } = collectSessions();
    await till.start(onSession);
    await till.idle;
    expect(sessions.map((s) => s.peer)).toEqual([`file ${join(dir, '001.bin')}`, `file ${join(dir, '002.bin')}`]);
    expect((await Promise.all(bodies)).map(String)).toEqual(['first', 'second']);
    await till.stop();
  });

  it('watches a spool folder: takes new files once complete, deletes them after reading', async () => {
    await writeFile(join(dir, 'a.bin'), 'already there');
    const till = new FileTillSide(config({ path: dir, watch: true, pollMs: 100, afterRead: 'delete' }), testLog);
    const { sessions, bodies, onSession } = collectSessions();
    await till.start(onSession);
    cleanups.push(() => till.stop());
    await waitUntil(() => sessions.length === 1, 'the file already present was taken');

    // A writer still appending: not taken while it grows.
    const growing = join(dir, 'b.bin');
    await writeFile(growing, 'part 1;');
    for (let i = 2; i <= 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      await appendFile(growing, `part ${i};`);
    }
    await waitUntil(() => sessions.length === 2, 'the finished file was taken');
    expect((await Promise.all(bodies)).map(String)).toEqual(['already there', 'part 1;part 2;part 3;part 4;part 5;']);
    let left = await readdir(dir);
    for (let tries = 0; left.length > 0 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      left = await readdir(dir);
    }
    expect(left).toEqual([]);
  });

  it('round-trips with the printer side through a spool folder', async () => {
    const spool = join(dir, 'spool');
    await mkdir(spool);
    const printer = new FilePrinterSide(config({ path: spool }), testLog);
    const till = new FileTillSide(config({ path: spool, watch: true, pollMs: 20 }), testLog);
    const { sessions, bodies, onSession } = collectSessions();
    await till.start(onSession);
    cleanups.push(() => till.stop());
    const jobs = [randomBytes(100), randomBytes(100_000), randomBytes(1)];
    for (const job of jobs) {
      const stream = await printer.open();
      stream.end(job);
      await readUntilClose(stream);
    }
    await waitUntil(() => sessions.length === jobs.length, 'every written job was replayed');
    expect(await Promise.all(bodies)).toEqual(jobs);
  });

  it('rejects clearly when the path does not exist', async () => {
    const missing = join(dir, 'missing');
    const till = new FileTillSide(config({ path: missing }), testLog);
    await expect(till.start(() => undefined)).rejects.toThrow(`file till side ${missing}: cannot read: no such file or device (ENOENT)`);
  });
});

describe('none printer side', () => {
  it('accepts and discards bytes, then ends like a printer closing after the job', async () => {
    const printer = new NonePrinterSide();
    const stream = await printer.open();
    const done = readUntilClose(stream);
    expect(stream.write(randomBytes(100_000))).toBeTypeOf('boolean');
    stream.end(Buffer.from('tail'));
    const { data, error } = await done;
    expect(data.length).toBe(0);
    expect(error).toBeUndefined();
    await printer.close();
  });
});
