// install.sh exercised in a scratch root (--root): install, a second run that changes nothing, an upgrade that
// keeps config and data and migrates the database, a failed upgrade that leaves the installation as it was,
// uninstall that keeps data, and --purge. shellcheck must find nothing.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../agent/config.js';
import { Store } from '../../agent/store/index.js';
import { repositoryRoot } from '../helpers/daemon.js';

const repo = repositoryRoot();

function install(args: string[], script = join(repo, 'install.sh')): { code: number | null; out: string } {
  const result = spawnSync('bash', [script, ...args], { encoding: 'utf8', timeout: 240_000 });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

function mode(path: string): string {
  return (statSync(path).mode & 0o777).toString(8);
}

describe('install.sh', () => {
  let root: string;
  const at = (path: string): string => join(root, path);

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'posbridge-root-'));
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('is shellcheck clean', () => {
    const result = spawnSync('shellcheck', ['install.sh', '.ci/run'], { cwd: repo, encoding: 'utf8' });
    if (result.error !== undefined) throw new Error('shellcheck is missing: apt-get install shellcheck (.ci/run does)');
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('installs the app, a commented config, tight folders, a hardened notify unit with a watchdog and udev rules', () => {
    const first = install(['--root', root]);
    expect(first.out).toContain('done (install)');
    expect(first.code).toBe(0);
    expect(spawnSync(process.execPath, [at('opt/posbridge/bin/posbridge.js'), '--version'], { encoding: 'utf8' }).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(existsSync(at('opt/posbridge/node_modules/vitest'))).toBe(false);
    expect(existsSync(at('opt/posbridge/node_modules/better-sqlite3'))).toBe(true);

    expect(mode(at('etc/posbridge'))).toBe('700');
    expect(mode(at('var/lib/posbridge'))).toBe('700');
    expect(mode(at('etc/posbridge/posbridge.yaml'))).toBe('600');
    const template = readFileSync(at('etc/posbridge/posbridge.yaml'), 'utf8');
    expect(template.split('\n').filter((l) => l.trimStart().startsWith('#')).length).toBeGreaterThan(10);
    const config = parseAgentConfig(parseYaml(template), 'template');
    expect(config).toMatchObject({ dataDir: '/var/lib/posbridge', admin: { listen: '127.0.0.1:8790' } });

    const unit = readFileSync(at('etc/systemd/system/posbridge.service'), 'utf8');
    for (const line of ['Type=notify', 'WatchdogSec=30', 'Restart=always', 'User=posbridge', 'UMask=0077', 'NoNewPrivileges=yes', 'ProtectSystem=strict', 'PrivateTmp=yes', 'ReadWritePaths=/var/lib/posbridge', 'Environment=MALLOC_ARENA_MAX=2', 'WantedBy=multi-user.target']) {
      expect(unit).toContain(`\n${line}\n`);
    }
    expect(unit).toMatch(/\nExecStart=\S+node \/opt\/posbridge\/bin\/posbridge\.js run --config \/etc\/posbridge\/posbridge\.yaml\n/);
    expect(readFileSync(at('etc/udev/rules.d/99-posbridge.rules'), 'utf8')).toMatch(/SYMLINK\+="posbridge\/usb-lp-/);
  }, 240_000);

  it('changes nothing on a second run, and says so', () => {
    const before = statSync(at('opt/posbridge/.install-stamp')).mtimeMs;
    const second = install(['--root', root]);
    expect(second).toEqual({ code: 0, out: `posbridge: nothing to change: posbridge is installed and up to date in ${root}\n` });
    expect(statSync(at('opt/posbridge/.install-stamp')).mtimeMs).toBe(before);
  }, 240_000);

  it('puts back a unit someone edited, and says what it changed', () => {
    const unitFile = at('etc/systemd/system/posbridge.service');
    const unit = readFileSync(unitFile, 'utf8');
    writeFileSync(unitFile, unit.replace('UMask=0077', 'UMask=0022'));
    const repair = install(['--root', root]);
    expect(repair.out).toContain(`writing ${unitFile}`);
    expect(repair.out).not.toContain('nothing to change');
    expect(readFileSync(unitFile, 'utf8')).toBe(unit);
  }, 240_000);

  it('upgrades in place: keeps the edited config and the data, migrates the database', () => {
    const configFile = at('etc/posbridge/posbridge.yaml');
    writeFileSync(configFile, `${readFileSync(configFile, 'utf8')}\nstoreId: store-0042\n`);
    const edited = readFileSync(configFile, 'utf8');
    const store = Store.open(join(at('var/lib/posbridge'), 'posbridge.db'));
    store.saveJob({ id: 'job-1', link: 'till-1', tillId: 'till-1', peer: 'test', capturedAt: new Date(), endedBy: 'session-end', bytes: Buffer.from('hello\n') }, []);
    store.close();

    const upgrade = install(['--upgrade', '--root', root]);
    expect(upgrade.out).toContain('installing the app');
    expect(upgrade.out).toContain('keeping the config');
    expect(upgrade.out).toMatch(/database at schema \d+/);
    expect(upgrade.code).toBe(0);
    expect(readFileSync(configFile, 'utf8')).toBe(edited);
    const after = Store.open(join(at('var/lib/posbridge'), 'posbridge.db'), { readonly: true });
    expect(after.job('job-1')?.bytes.toString()).toBe('hello\n');
    after.close();
  }, 240_000);

  it('leaves the installation as it was when the new copy is broken, with a clear message and a non-zero exit', () => {
    const broken = mkdtempSync(join(tmpdir(), 'posbridge-broken-'));
    try {
      for (const entry of ['install.sh', 'package.json', 'package-lock.json', 'bin', 'dist']) cpSync(join(repo, entry), join(broken, entry), { recursive: true });
      // Hard links: quick, and install.sh copies from them rather than changing them.
      expect(spawnSync('cp', ['-al', join(repo, 'node_modules'), join(broken, 'node_modules')]).status).toBe(0);
      // What the bin runs (the CLI's bundle, rolldown.config.js).
      writeFileSync(join(broken, 'dist/agent/cli/bundle-main.cjs'), 'this is not JavaScript(\n');
      const stamp = readFileSync(at('opt/posbridge/.install-stamp'), 'utf8');
      const failed = install(['--upgrade', '--root', root], join(broken, 'install.sh'));
      expect(failed.code).not.toBe(0);
      expect(failed.out).toContain('the new copy does not run (node bin/posbridge.js --version); nothing was changed');
      expect(readFileSync(at('opt/posbridge/.install-stamp'), 'utf8')).toBe(stamp);
      expect(spawnSync('sh', ['-c', `ls -d ${at('opt')}/posbridge.*`]).status).not.toBe(0);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
    expect(install(['--upgrade', '--root', join(root, 'elsewhere')])).toMatchObject({ code: 1, out: expect.stringContaining('nothing to upgrade') });
  }, 240_000);

  it('uninstalls the service and app but keeps config and data; --purge removes them too', () => {
    const removed = install(['--uninstall', '--root', root]);
    expect(removed.code).toBe(0);
    expect(removed.out).toContain('kept the config /etc/posbridge and the data /var/lib/posbridge');
    expect(existsSync(at('opt/posbridge'))).toBe(false);
    expect(existsSync(at('etc/systemd/system/posbridge.service'))).toBe(false);
    expect(existsSync(at('etc/udev/rules.d/99-posbridge.rules'))).toBe(false);
    expect(existsSync(at('etc/posbridge/posbridge.yaml'))).toBe(true);
    expect(existsSync(at('var/lib/posbridge/posbridge.db'))).toBe(true);

    const purged = install(['--uninstall', '--purge', '--root', root]);
    expect(purged.code).toBe(0);
    expect(existsSync(at('etc/posbridge'))).toBe(false);
    expect(existsSync(at('var/lib/posbridge'))).toBe(false);
    expect(install(['--uninstall', '--root', root]).out).toContain('nothing to change: posbridge is not installed');
  }, 240_000);
});
