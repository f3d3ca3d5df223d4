// `posbridge test-print [--link NAME]`: sends a test receipt through a link, so store IT can check an install end
// to end: till side → posbridge → printer, captured on the way (`posbridge tail` shows its basket).
// A TCP till side is reached the way a till reaches it, over the network; any other (a serial port, which only
// the daemon can hold open) through the running daemon's control socket.
import { connect } from 'node:net';
import { ConfigError, loadAgentConfig, tillIdOf, type AgentConfig, type LinkConfig } from '../config.js';
import { ControlError, controlRequest } from '../control/index.js';
import { buildTestReceipt } from '../test-receipt.js';

export interface TestPrintOptions {
  config?: string;
  link?: string;
  viaDaemon?: boolean;
}

class TestPrintError extends Error {}

function pickLink(config: AgentConfig, name: string | undefined): LinkConfig {
  const names = config.links.map((l) => l.name).join(', ');
  const link = name === undefined ? config.links[0] : config.links.find((l) => l.name === name);
  if (link === undefined) throw new TestPrintError(`no link named "${name}" in ${config.source} (links: ${names})`);
  return link;
}

/** Where a till on this machine reaches a listening address. */
function reachable(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

/** Like a till: connect, send the job, close our side, read the printer's replies until posbridge closes. */
function sendOverTcp(host: string, port: number, bytes: Buffer): Promise<{ replyBytes: number }> {
  return new Promise((resolve, reject) => {
    let replyBytes = 0;
    const socket = connect({ host, port, allowHalfOpen: true });
    socket.setTimeout(30_000, () => socket.destroy(new Error('no answer within 30 s')));
    socket.once('connect', () => socket.end(bytes));
    socket.on('data', (chunk: Buffer) => {
      replyBytes += chunk.length;
    });
    socket.once('close', (hadError) => {
      if (!hadError) resolve({ replyBytes });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') {
        reject(new TestPrintError(`posbridge is not listening on ${host}:${port}; is \`posbridge run\` running?`));
      } else if (error.code === 'ECONNRESET') {
        reject(new TestPrintError(`posbridge on ${host}:${port} reset the connection: the printer behind it is unreachable (see the daemon log)`));
      } else {
        reject(new TestPrintError(`cannot send to ${host}:${port}: ${error.message}`));
      }
    });
  });
}

export async function testPrint(options: TestPrintOptions): Promise<void> {
  try {
    const config = await loadAgentConfig(options.config);
    const link = pickLink(config, options.link);
    const bytes = await buildTestReceipt({ link: link.name, tillId: tillIdOf(link), at: new Date() });
    const started = performance.now();
    let via: string;
    if (link.till.kind === 'tcp' && options.viaDaemon !== true) {
      const host = reachable(link.till.host);
      await sendOverTcp(host, link.till.port, bytes);
      via = `tcp ${host}:${link.till.port}`;
    } else {
      await controlRequest(config.dataDir, { op: 'inject', link: link.name, bytes });
      via = `the daemon's control socket (till side: ${link.till.kind})`;
    }
    const ms = Math.round(performance.now() - started);
    process.stdout.write(`test receipt (${bytes.length} bytes) sent through link ${link.name} via ${via} to its ${link.printer.kind} printer in ${ms} ms; \`posbridge tail\` shows its basket\n`);
  } catch (error) {
    process.stderr.write(`posbridge test-print: ${(error as Error).message}\n`);
    process.exitCode = error instanceof ConfigError ? 2 : 1;
    if (!(error instanceof ConfigError || error instanceof ControlError || error instanceof TestPrintError)) throw error;
  }
}
