// Decoder figures: throughput of the compiled decoder beside the table-lookup floor (decode-floor.ts) on the
// same bytes in the same run, over text-heavy receipts, receipts with logos and raster images, QR / PDF417
// codes and Star receipts; peak RSS of a fresh process decoding a 10 MB job streamed in 64 KiB chunks; and,
// with `--callgrind`, instruction counts of the floor and the decoder per pass over the text-heavy job, which
// hold whatever the load on the machine. Targets: >= 70% of the floor and >= 150 MB/s on text-heavy ESC/POS
// receipts, >= 100 MB/s on Star text-heavy ones, <= 64 MiB RSS for a 10 MB job.
// Run alone with `npm run build && node dist/bench/decode.js [--callgrind]`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Decoder, type DecoderOptions } from '../agent/decode/index.js';
import { decodeJobs } from './decode-jobs.js';
import { repoRoot } from './repo-root.js';
import { tableFloor } from './decode-floor.js';
import { CHUNK, decodeInChunks, type RssReport } from './decode-child.js';

const CHILD = fileURLToPath(new URL('./decode-child.js', import.meta.url));

/** CPU seconds (user + system, this process) that `work` takes. CPU time holds better than wall time under load. */
function cpuSeconds(work: () => unknown): number {
  const t0 = process.cpuUsage();
  work();
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / 1e6;
}

interface Throughput {
  decoder: number;
  floor: number;
}

/**
 * MB/s (10^6 bytes per CPU second) of the decoder and of the floor on `job`, after a warm-up, in alternating
 * passes so that both see the same machine whatever else runs on it.
 */
function throughput(job: Buffer, seconds: number, options?: DecoderOptions): Throughput {
  const decode = (): number => decodeInChunks(job, new Decoder(options));
  const floor = (): number => tableFloor(job, CHUNK);
  for (let i = 0; i < 3; i++) {
    decode();
    floor();
  }
  let decoderCpu = 0;
  let floorCpu = 0;
  let passes = 0;
  while (decoderCpu + floorCpu < seconds) {
    floorCpu += cpuSeconds(floor);
    decoderCpu += cpuSeconds(decode);
    passes++;
  }
  const mb = (passes * job.length) / 1e6;
  return { decoder: mb / decoderCpu, floor: mb / floorCpu };
}

/**
 * CPU µs per receipt when each receipt gets its own decoder, as each captured job and each extraction does: what
 * a decoder costs to set up shows here, not in the streaming rows above.
 */
function perReceiptMicros(receipt: Buffer, seconds: number): number {
  const once = (): void => {
    const decoder = new Decoder();
    decoder.write(receipt);
    decoder.end();
  };
  for (let i = 0; i < 20_000; i++) once();
  let cpu = 0;
  let count = 0;
  while (cpu < seconds) {
    cpu += cpuSeconds(() => {
      for (let i = 0; i < 1000; i++) once();
    });
    count += 1000;
  }
  return (cpu * 1e6) / count;
}

/**
 * The environment memory is measured in: this one less NODE_EXTRA_CA_CERTS, which a till does not set and which
 * makes every Node process load a certificate bundle as it starts (~2 MiB of RSS here, none of it the decoder's).
 */
const { NODE_EXTRA_CA_CERTS: _extraCerts, ...AS_ON_A_TILL } = process.env;

function measureRss(kind: string): RssReport {
  const child = spawnSync(process.execPath, ['--expose-gc', CHILD, 'rss', kind], { encoding: 'utf8', env: AS_ON_A_TILL });
  if (child.status !== 0) throw new Error(`rss child (${kind}) failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as RssReport;
}

/** Instructions callgrind counts for a child making `count` passes of `what`. */
function instructions(what: string, count: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'posbridge-callgrind-'));
  try {
    const run = spawnSync(
      'valgrind',
      ['--tool=callgrind', `--callgrind-out-file=${join(dir, 'out')}`, process.execPath, CHILD, 'passes', what, String(count)],
      { encoding: 'utf8' },
    );
    const collected = /Collected\s*:\s*(\d+)/.exec(run.stderr);
    if (run.status !== 0 || collected === null) throw new Error(`callgrind (${what} x${count}) failed: ${run.stderr.slice(-2000)}`);
    return Number(collected[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Instructions per byte of one warm pass: the difference between 6 and 3 passes, so start-up and JIT warm-up cancel. */
function instructionsPerByte(what: string, jobBytes: number): number {
  return (instructions(what, 6) - instructions(what, 3)) / (3 * jobBytes);
}

export async function benchDecode(withCallgrind = false): Promise<void> {
  const jobs = decodeJobs();
  const rows: [string, Throughput][] = [
    ['text-heavy receipts', throughput(jobs.text, 3)],
    ['receipts with logos / raster images', throughput(jobs.images, 2)],
    ['QR / PDF417 / barcodes', throughput(jobs.codes, 2)],
    ['mixed', throughput(jobs.mixed, 2)],
    ['Star Line text-heavy receipts', throughput(jobs.starText, 2, { dialect: 'star-line' })],
    ['Star, auto-detected (link default)', throughput(jobs.starText, 2, { dialect: 'auto' })],
    ['Star receipts from generators', throughput(jobs.starGenerated, 2, { dialect: 'star-line' })],
    ['ESC/POS text-heavy, auto-detected', throughput(jobs.text, 2, { dialect: 'auto' })],
  ];
  const out: string[] = [
    'decoder throughput beside the table-lookup floor on the same bytes (MB per CPU second, one core, 64 KiB chunks;',
    'targets: text-heavy ESC/POS >= 70% of the floor and >= 150 MB/s, Star text-heavy >= 100 MB/s):',
    `  ${'job'.padEnd(38)} ${'decoder'.padStart(8)} ${'floor'.padStart(8)}  decoder/floor`,
  ];
  for (const [name, t] of rows) {
    const ratio = ((100 * t.decoder) / t.floor).toFixed(0) + '%';
    out.push(`  ${name.padEnd(38)} ${t.decoder.toFixed(0).padStart(8)} ${t.floor.toFixed(0).padStart(8)}  ${ratio.padStart(13)}`);
  }
  out.push('  (the floor maps every byte through the code page and builds one string per line; image and code data');
  out.push('   are bytes it maps as text too, so only the text rows compare like with like)');
  const receipt = readFileSync(join(repoRoot(), 'test', 'fixtures', 'receipts', 'coffee-tm-t88-card.bin'));
  out.push(`one receipt per decoder (${receipt.length} bytes, a decoder each, as every job gets): ${perReceiptMicros(receipt, 2).toFixed(1)} µs CPU per receipt`);
  out.push('decoder memory, 10 MB job streamed in 64 KiB chunks in a fresh process loading only the decoder (target <= 64 MiB RSS):');
  for (const kind of ['text', 'raster']) {
    const r = measureRss(kind);
    const label = kind === 'text' ? 'text receipts' : 'raster receipts (GS v 0)';
    out.push(
      `  ${label.padEnd(38)} peak RSS ${r.peakRssMiB.toFixed(1)} MiB (process at start ${r.baselineRssMiB.toFixed(1)} MiB, ` +
        `heap kept after GC ${r.retainedHeapMiB.toFixed(1)} MiB; ${r.documents} documents)`,
    );
  }
  if (withCallgrind) {
    const floor = instructionsPerByte('floor', jobs.text.length);
    const decoder = instructionsPerByte('decoder', jobs.text.length);
    out.push('instructions per byte of a warm pass over the text-heavy job (callgrind: independent of load, though when the');
    out.push('JIT installs optimised code moves them by up to ~10% from run to run):');
    out.push(`  floor ${floor.toFixed(2)}, decoder ${decoder.toFixed(2)}: the decoder at ${((100 * floor) / decoder).toFixed(0)}% of the floor`);
  }
  process.stdout.write(out.join('\n') + '\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await benchDecode(process.argv.includes('--callgrind'));
}
