// install.sh on a real system, not a scratch root: a Debian 12 booted under systemd-nspawn with its own systemd,
// so the steps a scratch root skips really run — the system user and its groups, ownership, the systemd unit
// (notify, watchdog, hardening, restart after a crash), udev rules — then a receipt printed through the
// installed service, a second run, an upgrade that keeps the data, uninstall and purge.
// Needs root, systemd-nspawn and an OS tree (.ci/run makes one with debootstrap); on CI a missing one fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../helpers/daemon.js';
import { bootOsContainer, DEFAULT_OS_TREE, osTreeProblem, type OsContainer } from '../helpers/os-container.js';

const tree = process.env.POSBRIDGE_TEST_OS ?? DEFAULT_OS_TREE;
const problem = osTreeProblem(tree);
if (problem !== undefined && process.env.CI !== undefined) throw new Error(`install.sh on a real system cannot run: ${problem}`);

const CONFIG = '/etc/posbridge/posbridge.yaml';

describe.skipIf(problem !== undefined)('install.sh on a booted Debian system (systemd-nspawn)', () => {
  let os: OsContainer;

  const run = async (command: string): Promise<string> => {
    const { code, out } = await os.run(command);
    if (code !== 0) throw new Error(`\`${command}\` exited ${code}:\n${out}`);
    return out;
  };
  const unit = async (): Promise<Record<string, string>> => {
    const out = await run('systemctl show posbridge.service -p ActiveState,SubState,MainPID,NRestarts,UnitFileState,User,Type,WatchdogUSec,Restart,NoNewPrivileges,ProtectSystem,PrivateTmp,UMask');
    return Object.fromEntries(out.trim().split('\n').map((line) => line.split('=', 2) as [string, string]));
  };
  /** Receipts in the installed service's database, read as the service user (the files are its alone). */
  const jobsStored = async (): Promise<number> => {
    const count = "const db = new (require('/opt/posbridge/node_modules/better-sqlite3'))('/var/lib/posbridge/posbridge.db', { readonly: true }); console.log(db.prepare('select count(*) n from jobs').get().n)";
    return Number((await run(`cd / && runuser -u posbridge -- node -e "${count}"`)).trim());
  };
  const waitFor = async (what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  beforeAll(async () => {
    os = await bootOsContainer(tree, repositoryRoot());
  }, 90_000);

  afterAll(async () => {
    await os?.stop();
  }, 30_000);

  it('installs: a system user in the serial and printer groups, private folders it owns, udev rules, and a hardened notify service that is running and enabled', async () => {
    const out = await run('cd /src && ./install.sh');
    expect(out).toContain('creating system user posbridge');
    expect(out).toContain('udev is not running here'); // a container has no udevd: said, not failed
    expect(out).toContain('done (install)');
    expect(await run('id -nG posbridge')).toMatch(/\bdialout\b.*\blp\b|\blp\b.*\bdialout\b/);
    expect(await run('getent passwd posbridge')).toMatch(/:\/var\/lib\/posbridge:\/usr\/sbin\/nologin$/m);
    expect((await run(`stat -c '%a %U' /var/lib/posbridge /etc/posbridge ${CONFIG}`)).trim().split('\n')).toEqual(['700 posbridge', '700 posbridge', '600 posbridge']);
    expect(await run('cat /etc/udev/rules.d/99-posbridge.rules')).toContain('SYMLINK+="posbridge/usb-lp-$env{ID_SERIAL}"');
    await waitFor('the service to be running', async () => (await unit()).SubState === 'running');
    expect(await unit()).toMatchObject({
      ActiveState: 'active', UnitFileState: 'enabled', User: 'posbridge', Type: 'notify', WatchdogUSec: '30s', Restart: 'always',
      NoNewPrivileges: 'yes', ProtectSystem: 'strict', PrivateTmp: 'yes', UMask: '0077',
    });
    // The allocator setting the daemon's memory figures were measured with (bench/store.ts) reaches the process.
    expect(await run(`tr '\\0' '\\n' < /proc/${(await unit()).MainPID}/environ`)).toMatch(/^MALLOC_ARENA_MAX=2$/m);
    expect(await run('journalctl -u posbridge --no-pager -o cat')).toContain('"msg":"posbridge running"');
  }, 240_000);

  it('captures a receipt printed to the installed service, keeps it private, and comes back by itself after kill -9', async () => {
    await run(`node -e "require('net').connect(9100, '127.0.0.1').end(require('fs').readFileSync('/src/test/fixtures/receipts/coffee-tm-t88-card.bin'))"`);
    await waitFor('the receipt to be stored', async () => (await jobsStored()) === 1);
    const files = (await run(`find /var/lib/posbridge -maxdepth 1 -name 'posbridge.db*' -printf '%m %u\\n'`)).trim().split('\n');
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(file).toBe('600 posbridge');

    const before = await unit();
    await run(`kill -9 ${before.MainPID}`);
    await waitFor('systemd to restart it', async () => {
      const now = await unit();
      return now.SubState === 'running' && now.MainPID !== before.MainPID && now.MainPID !== '0';
    });
    expect(Number((await unit()).NRestarts)).toBe(Number(before.NRestarts) + 1);
    expect(await jobsStored()).toBe(1);
  }, 120_000);

  it('a second run changes nothing; --upgrade keeps the config and the data and leaves it running', async () => {
    await run(`echo '# a local edit' >> ${CONFIG}`);
    expect(await run('cd /src && ./install.sh')).toContain('nothing to change: posbridge is installed and up to date');
    const upgrade = await run('cd /src && ./install.sh --upgrade');
    expect(upgrade).toContain('stopping posbridge for the upgrade');
    expect(upgrade).toContain('database at schema');
    expect(await run(`tail -n 1 ${CONFIG}`)).toBe('# a local edit\n');
    await waitFor('the upgraded service to be running', async () => (await unit()).SubState === 'running');
    expect(await jobsStored()).toBe(1);
  }, 240_000);

  it('--uninstall removes the service and the app and keeps the data; --purge removes the data and the user', async () => {
    const out = await run('cd /src && ./install.sh --uninstall');
    expect(out).toContain('kept the config');
    expect((await unit()).UnitFileState).toBe('');
    expect(await run('test ! -e /opt/posbridge && test ! -e /etc/systemd/system/posbridge.service && test -s /var/lib/posbridge/posbridge.db && echo gone-but-data-kept')).toBe('gone-but-data-kept\n');
    expect(await run('cd /src && ./install.sh --uninstall --purge')).toContain('removing user posbridge');
    expect(await run('test ! -e /var/lib/posbridge && test ! -e /etc/posbridge && ! id posbridge 2>/dev/null && echo purged')).toBe('purged\n');
  }, 120_000);
});
