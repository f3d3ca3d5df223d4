// Preloaded (node --import) into a process and, through the inherited execArgv, into its worker threads: any
// attempt to reach the network throws, so a test can prove the OCR engine loads and reads with none.
import dns from 'node:dns';
import net from 'node:net';

const refuse = (what) => () => {
  throw new Error(`network use refused (${what}): OCR must load from disk`);
};
globalThis.fetch = refuse('fetch');
net.Socket.prototype.connect = refuse('socket connect');
dns.lookup = refuse('dns lookup');
