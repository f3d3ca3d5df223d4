import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  createPrinterSide,
  createTillSide,
  DriverConfigError,
  driverConfigSchema,
  driverKinds,
  drivers,
  parseDriverConfig,
} from '../../drivers/index.js';
import { log } from '../../agent/log.js';

const testLog = log.child({ test: 'drivers' });

describe('driver registry', () => {
  it('knows every driver kind, each declaring its own schema', () => {
    expect(driverKinds).toEqual(['tcp', 'serial', 'usb', 'file', 'none']);
    for (const kind of driverKinds) expect(drivers[kind].kind).toBe(kind);
  });

  it('fills in documented defaults', () => {
    expect(parseDriverConfig({ kind: 'tcp' })).toEqual({
      kind: 'tcp',
      host: '127.0.0.1',
      port: 9100,
      maxConnections: 8,
      keepAliveMs: 30_000,
      idleTimeoutMs: 60_000,
      evictIdleAfterMs: 1_000,
      connectTimeoutMs: 5_000,
    });
    expect(parseDriverConfig({ kind: 'usb' })).toMatchObject({ path: '/dev/usb/lp0', pollMs: 25 });
    expect(parseDriverConfig({ kind: 'serial', path: 'COM3' })).toMatchObject({
      baudRate: 9600,
      dataBits: 8,
      stopBits: 1,
      parity: 'none',
      rtscts: false,
      xon: false,
      xoff: false,
    });
    expect(parseDriverConfig({ kind: 'file', path: '/var/spool/posbridge' })).toMatchObject({ mode: 'folder', extension: '.bin' });
    expect(parseDriverConfig({ kind: 'none' })).toEqual({ kind: 'none' });
  });

  it('documents every option with describe()', () => {
    for (const schema of driverConfigSchema.options) {
      expect(schema.description, `${schema.shape.kind.value} schema`).toBeTruthy();
      for (const [name, field] of Object.entries(schema.shape)) {
        if (name === 'kind') continue;
        expect(field.description, `${schema.shape.kind.value}.${name}`).toBeTruthy();
      }
    }
  });

  it('rejects an unknown kind, naming the known ones', () => {
    expect(() => parseDriverConfig({ kind: 'bluetooth' }, 'printer')).toThrow(
      new DriverConfigError('printer: unknown kind "bluetooth"; expected one of tcp, serial, usb, file, none'),
    );
    expect(() => parseDriverConfig('tcp')).toThrow(/driver: expected an object with a "kind"/);
    expect(() => parseDriverConfig({})).toThrow(/unknown kind undefined/);
  });

  it('names every bad option, including typos', () => {
    let message = '';
    try {
      parseDriverConfig({ kind: 'serial', path: '/dev/ttyS0', baudrate: 9600, parity: 'bad', stopBits: 3 }, 'till');
    } catch (error) {
      expect(error).toBeInstanceOf(DriverConfigError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/^till: invalid serial options:\n/);
    expect(message).toContain('Unrecognized key: "baudrate"');
    expect(message).toContain('→ at parity');
    expect(message).toContain('→ at stopBits');
    expect(() => parseDriverConfig({ kind: 'tcp', port: 70000 })).toThrow(/Too big.*65535[\s\S]*at port/);
    expect(() => parseDriverConfig({ kind: 'serial' })).toThrow(/at path/);
  });

  it('creates sides, and refuses a side a driver does not have', () => {
    expect(createTillSide(parseDriverConfig({ kind: 'tcp', port: 0 }), testLog).kind).toBe('tcp');
    expect(createPrinterSide(parseDriverConfig({ kind: 'none' }), testLog).kind).toBe('none');
    expect(() => createTillSide(parseDriverConfig({ kind: 'none' }), testLog)).toThrow('driver "none" cannot face the till (printer side only)');
    expect(() => createTillSide(parseDriverConfig({ kind: 'usb' }), testLog)).toThrow('driver "usb" cannot face the till (printer side only)');
  });

  it('gives each side the logger it was handed, naming the driver and side: no driver writes to the global log', async () => {
    const lines: Record<string, unknown>[] = [];
    const into = new Writable({ write: (chunk: Buffer, _encoding, done) => { lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>); done(); } });
    const hostLog = pino({ level: 'info' }, into).child({ link: 'front' });
    const dir = await mkdtemp(join(tmpdir(), 'posbridge-registry-'));
    try {
      const out = join(dir, 'out');
      await mkdir(out);
      await writeFile(join(out, 'crashed.partial'), 'left by a crash');
      const old = new Date(Date.now() - 5 * 60_000);
      await utimes(join(out, 'crashed.partial'), old, old);
      await createPrinterSide(parseDriverConfig({ kind: 'file', path: out }), hostLog).start?.();
      await new Promise((resolve) => setImmediate(resolve));
      expect(lines).toEqual([expect.objectContaining({ link: 'front', driver: 'file', side: 'printer', path: out, msg: 'half-written job files from an earlier run kept as .incomplete' })]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
