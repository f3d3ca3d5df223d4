// The capture spill (agent/daemon/capture-spill.ts) on a real file: what is written comes back byte for byte, the
// file never holds the bytes in clear (a card number in them stays hidden), only this user can read it, it is
// reused from the start once everything was read back (with a fresh IV, so the same bytes at the same place
// differ), and it is gone once closed.
import { readFileSync, statSync, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SpillReader, SpillWriter, spillFileIn, type SpillRef } from '../../agent/daemon/capture-spill.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-spill-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const PAN = '4929739104826154';
const chunk = (i: number): Buffer => Buffer.from(`receipt ${i}\nVISA ${PAN}\n${'x'.repeat(1000 + i)}\n`, 'latin1');

describe('the capture spill', () => {
  it('gives back what it took, keeps it unreadable on disk and only for its user, and is gone once closed', async () => {
    const writer = SpillWriter.open(dir);
    const refs: SpillRef[] = [];
    for (let i = 0; i < 20; i++) refs.push(await writer.write(chunk(i)));
    expect(writer.outstandingBytes).toBe(refs.reduce((n, r) => n + r.length, 0));
    const file = spillFileIn(dir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const onDisk = readFileSync(file);
    expect(onDisk.length).toBe(writer.outstandingBytes);
    expect(onDisk.includes(PAN)).toBe(false);
    expect(onDisk.includes('receipt')).toBe(false);

    const reader = new SpillReader(writer.access);
    refs.forEach((ref, i) => expect(reader.read(ref).equals(chunk(i))).toBe(true));
    reader.close();
    writer.close();
    expect(existsSync(file)).toBe(false);
  });

  it('starts again at the start of an emptied file once all is read back, never reusing a keystream', async () => {
    const writer = SpillWriter.open(dir);
    const reader = new SpillReader(writer.access);
    const first = await writer.write(chunk(1));
    const second = await writer.write(chunk(2));
    writer.release(first.length);
    // One chunk still unread: nothing is rewound under it.
    const third = await writer.write(chunk(3));
    expect(third.position).toBe(second.position + second.length);
    writer.release(second.length);
    writer.release(third.length);
    expect(writer.outstandingBytes).toBe(0);
    const before = readFileSync(spillFileIn(dir)).subarray(0, first.length);
    const again = await writer.write(chunk(1));
    expect(again.position).toBe(0);
    expect(reader.read(again).equals(chunk(1))).toBe(true);
    // The same bytes at the same place, sealed with another IV.
    expect(Buffer.from(again.iv).equals(Buffer.from(first.iv))).toBe(false);
    expect(readFileSync(spillFileIn(dir)).subarray(0, again.length).equals(before)).toBe(false);
    reader.close();
    writer.close();
  });

  it('empties what an earlier daemon left: without its key it is noise', async () => {
    const old = SpillWriter.open(dir);
    await old.write(chunk(7));
    // A crash: the file stays, the key is gone with the process.
    const writer = SpillWriter.open(dir);
    expect(statSync(spillFileIn(dir)).size).toBe(0);
    writer.close();
  });
});
