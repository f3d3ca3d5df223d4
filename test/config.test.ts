import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadAgentConfig } from '../agent/config.js';

const dirs: string[] = [];
function configFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'posbridge-config-'));
  dirs.push(dir);
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('agent config', () => {
  it('resolves data, profile and file-driver paths against the config file, and leaves device paths alone', async () => {
    const file = configFile(
      'posbridge.yaml',
      [
        'dataDir: data',
        'profilesDir: profiles',
        'links:',
        '  - name: replay',
        '    till: { kind: file, path: captures }',
        '    printer: { kind: serial, path: COM3 }',
        '  - name: kitchen',
        '    till: { kind: tcp, host: 127.0.0.1, port: 9101 }',
        '    printer: { kind: file, path: /var/spool/kitchen, mode: append }',
      ].join('\n'),
    );
    const dir = join(file, '..');
    const config = await loadAgentConfig(file);
    expect(config.dataDir).toBe(join(dir, 'data'));
    expect(config.profilesDir).toBe(join(dir, 'profiles'));
    expect(config.links[0]!.till).toMatchObject({ kind: 'file', path: join(dir, 'captures') });
    expect(config.links[0]!.printer).toMatchObject({ kind: 'serial', path: 'COM3' });
    expect(config.links[1]!.printer).toMatchObject({ kind: 'file', path: '/var/spool/kitchen', mode: 'append' });
    expect(config.links[1]!.idleGapMs).toBe(2_000);
  });

  it('accepts the example configuration in docs/capture.md as written', async () => {
    const example = /```yaml\n([\s\S]*?)```/.exec(readFileSync('docs/capture.md', 'utf8'))![1]!;
    const config = await loadAgentConfig(configFile('example.yaml', example));
    expect(config.links.map((l) => l.name)).toEqual(['till-1', 'kitchen']);
    expect(config.links[0]!.printerSetup).toMatchObject({ codePage: 19, codePageNumbering: 'epson' });
  });

  it('runs the embedded default with no file: a TCP printer on 127.0.0.1:9100 writing to <dataDir>/printed', async () => {
    const config = await loadAgentConfig();
    expect(config.source).toBe('embedded default');
    expect(config.links).toHaveLength(1);
    expect(config.links[0]!.till).toMatchObject({ kind: 'tcp', host: '127.0.0.1', port: 9100 });
    expect(config.links[0]!.printer).toMatchObject({ kind: 'file', path: join(config.dataDir, 'printed') });
  });

  it.each([
    ['a duplicate link name', '{"links":[{"name":"a","till":{"kind":"file","path":"x"},"printer":{"kind":"none"}},{"name":"a","till":{"kind":"file","path":"y"},"printer":{"kind":"none"}}]}', /duplicate link name "a"/],
    ['a usb driver facing the till', '{"links":[{"name":"a","till":{"kind":"usb"},"printer":{"kind":"none"}}]}', /usb driver cannot face the till/],
    ['an unknown key', '{"links":[],"colour":"red"}', /colour/],
    ['broken JSON', '{"links":', /not valid JSON/],
  ])('refuses %s with the file named and the reason', async (_what, text, reason) => {
    const file = configFile('posbridge.json', text);
    const load = loadAgentConfig(file);
    await expect(load).rejects.toBeInstanceOf(ConfigError);
    await expect(load).rejects.toThrow(file);
    await expect(load).rejects.toThrow(reason);
  });
});
