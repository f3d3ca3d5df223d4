// The real daemon counts printed receipts: a connection that only polls status, and the initialise and feeds a
// till sends after the last cut, are not jobs in `status` (nor stored as jobs).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { controlRequest } from '../../agent/control/index.js';
import { freePort, printJob, startDaemon, waitFor, type DaemonProcess } from '../helpers/daemon.js';

const COFFEE = await readFile('test/fixtures/receipts/coffee-tm-t88-card.bin');
const STATUS_POLL = await readFile('test/fixtures/capture/status-poll-only.bin');
const TRAILER = Buffer.from('\x1b@\n\n\n\x1bd\x05');

interface LinkStatus {
  jobs: number;
  baskets: number;
}

let dir: string;
let daemon: DaemonProcess | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'posbridge-printed-'));
});

afterEach(async () => {
  await daemon?.stop('SIGKILL');
  daemon = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('posbridge status: printed receipts', () => {
  it('does not count a status-only connection or the feed after the last cut as jobs', async () => {
    const port = await freePort();
    const dataDir = join(dir, 'data');
    daemon = await startDaemon(
      { dataDir, links: [{ name: 'front', till: { kind: 'tcp', host: '127.0.0.1', port }, printer: { kind: 'file', path: join(dir, 'printed') } }] },
      { dir },
    );
    await printJob(port, STATUS_POLL);
    await printJob(port, Buffer.concat([COFFEE, TRAILER]));
    await printJob(port, COFFEE);
    const link = async (): Promise<LinkStatus> => ((await controlRequest(dataDir, { op: 'status' })) as { links: LinkStatus[] }).links[0]!;
    await waitFor(link, (l) => l.baskets === 2, 'both receipts stored', 20_000);
    expect(await link()).toMatchObject({ jobs: 2, baskets: 2 });
  });
});
