import { describe, expect, it } from 'vitest';
import { ConfigError, parseAgentConfig } from '../agent/config.js';
import { didYouMean } from '../agent/config-errors.js';

function problem(raw: unknown): string {
  try {
    parseAgentConfig(raw, 'posbridge.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the config was accepted');
}

const till = { kind: 'tcp', host: '127.0.0.1', port: 9100 };
const printer = { kind: 'none' };

describe('config errors', () => {
  it('names a mistyped key inside a driver and suggests the right one', () => {
    const message = problem({ links: [{ name: 'a', till: { kind: 'tcp', host: '127.0.0.1', prot: 9100 }, printer }] });
    expect(message).toContain('links[0].till.prot: unknown key; did you mean "port"? rename it');
    expect(problem({ links: [{ name: 'a', printer }] })).toContain('links[0].till: missing; add it');
  });

  it('suggests keys of the block the mistake is in: top level, a link, the drift block', () => {
    expect(problem({ lniks: [] })).toContain('lniks: unknown key; did you mean "links"?');
    const message = problem({ drift: { alarmbelow: 0.5 }, links: [{ name: 'a', till, printer, idleGap: 3 }] });
    expect(message).toContain('drift.alarmbelow: unknown key; did you mean "alarmBelow"?');
    expect(message).toContain('links[0].idleGap: unknown key; did you mean "idleGapMs"?');
  });

  it('lists the known keys when nothing is close, and says what a wrong type or kind needs', () => {
    const message = problem({ links: [{ name: 'a', till: { ...till, port: 'x' }, printer: { kind: 'laser' }, colour: 'red' }] });
    expect(message).toMatch(/links\[0\]\.colour: unknown key; remove it \(known keys here: name, tillId, till, printer/);
    expect(message).toContain('links[0].till.port: Invalid input: expected number, received string; fix the value');
    expect(message).toContain('links[0].printer.kind: "laser" is not one of tcp, serial, usb, file, none; use one of: tcp, serial, usb, file, none');
  });

  it('guesses a mistyped driver kind or option value among the allowed ones', () => {
    const message = problem({ links: [{ name: 'a', till: { kind: 'tpc', port: 9100 }, printer, printerSetup: { codePageNumbering: 'epsn' } }] });
    expect(message).toContain('links[0].till.kind: "tpc" is not one of tcp, serial, usb, file, none; did you mean "tcp"?');
    expect(message).toMatch(/links\[0\]\.printerSetup\.codePageNumbering: "epsn" is not one of epson, bematech, daruma, elgin, generic, .*; did you mean "epson"\?/);
  });

  it('keeps the admin endpoint on loopback and reads its address', () => {
    expect(problem({ admin: { listen: '0.0.0.0:8790' }, links: [{ name: 'a', till, printer }] })).toContain(
      'admin.listen: the admin endpoint must stay on this PC: use 127.0.0.1:PORT',
    );
    expect(problem({ admin: { listen: '8790' }, links: [{ name: 'a', till, printer }] })).toContain('admin.listen: write it as host:port');
    const config = parseAgentConfig({ admin: { listen: '[::1]:0' }, links: [{ name: 'a', till, printer }] }, 'x');
    expect(config.admin.listen).toBe('[::1]:0');
    expect(parseAgentConfig({ links: [{ name: 'a', till, printer }] }, 'x').admin).toEqual({ enabled: true, listen: '127.0.0.1:8790', maxBacklogAgeSeconds: 900 });
  });

  it('guesses only close spellings', () => {
    expect(didYouMean('prot', ['port', 'host'])).toBe('port');
    expect(didYouMean('banana', ['port', 'host'])).toBeUndefined();
    expect(didYouMean('DataDir', ['dataDir', 'links'])).toBe('dataDir');
  });
});
