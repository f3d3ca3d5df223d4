// CLI figures: what a person running one command waits for and what it costs, measured on real child processes
// of the built CLI (`node bin/posbridge.js ...`) under GNU time (/usr/bin/time -v gives wall, user and system
// time and the peak RSS the kernel saw):
//  - start-up: `posbridge --version`, `posbridge parse` and `parse --json` of one receipt. Target: each under 150 ms
//    and 50 MiB. The CLI starts from code caches the build made running some receipts (agent/cli/code-cache.ts):
//    `parse --json` is measured on one of them and on one they never ran.
//    On a shared machine wall time includes waiting for the CPU, so user+sys CPU time is printed and judged
//    beside it, and Node's own start-up (`node -e 0`) is measured in the same rounds as the floor, each command's
//    figures with what it costs above it.
//  - streaming: peak RSS and time of `parse --json` (baskets), `parse --format text`, `parse --json --document` and
//    `parse --format html` on 1 MB and 50 MB of receipts, and the 50 MB / 1 MB ratio of peak RSS. Target: memory
//    flat whatever the input size (ratio ~1; before streaming, --json took 497 MiB for 50 MB).
// Run alone with `npm run build && node dist/bench/cli.js`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './fuzz.js';
import { receiptsCapture } from '../test/helpers/receipts-capture.js';

const GNU_TIME = '/usr/bin/time';
const START_UP_RUNS = 15;
const START_UP_MS = 150;
const START_UP_MIB = 50;

interface ChildRun {
  wallMs: number;
  cpuMs: number;
  peakRssMiB: number;
}

/** One run of the built CLI with `args`, its output thrown away; what GNU time saw of it. */
/**
 * The environment start-up is measured in: this one less NODE_EXTRA_CA_CERTS. With it set (as on this build machine,
 * never by posbridge's install), every Node process reads and parses those certificates as it starts, before any
 * of the CLI runs (a system bundle: ~400 M instructions, tens of ms); a till PC does not set it. Node alone with it is
 * measured too, to show what it costs here.
 */
const { NODE_EXTRA_CA_CERTS: EXTRA_CERTS, ...AS_ON_A_TILL } = process.env;

function runCli(args: string[], env: NodeJS.ProcessEnv = AS_ON_A_TILL): ChildRun {
  return runNode([join(repoRoot(), 'bin', 'posbridge.js'), ...args], env);
}

/** One run of `node ARGS`, its output thrown away; what GNU time saw of it. */
function runNode(args: string[], env: NodeJS.ProcessEnv = process.env): ChildRun {
  const dir = mkdtempSync(join(tmpdir(), 'posbridge-bench-cli-'));
  const report = join(dir, 'time.txt');
  try {
    const run = spawnSync(GNU_TIME, ['-v', '-o', report, process.execPath, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
      env,
    });
    if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
    const text = readFileSync(report, 'utf8');
    const field = (name: string): string => {
      const value = new RegExp(`^\\s*${name}: (.+)$`, 'm').exec(text)?.[1];
      if (value === undefined) throw new Error(`GNU time printed no "${name}"`);
      return value;
    };
    // "Elapsed (wall clock) time (h:mm:ss or m:ss): 0:00.12"
    const wall = field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)').split(':').reduce((total, part) => total * 60 + Number(part), 0);
    return {
      wallMs: wall * 1000,
      cpuMs: (Number(field('User time \\(seconds\\)')) + Number(field('System time \\(seconds\\)'))) * 1000,
      peakRssMiB: Number(field('Maximum resident set size \\(kbytes\\)')) / 1024,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Medians over several runs of each command, taken in turn (one run of each, then the next round): one start-up is
 * too short to measure alone on a busy machine, and taking turns gives every command the same share of its load.
 */
function startUps(commands: readonly (() => ChildRun)[]): ChildRun[] {
  const runs = commands.map((): ChildRun[] => []);
  for (let round = 0; round < START_UP_RUNS; round++) commands.forEach((run, i) => runs[i]!.push(run()));
  return runs.map((of) => ({
    wallMs: median(of.map((r) => r.wallMs)),
    cpuMs: median(of.map((r) => r.cpuMs)),
    peakRssMiB: median(of.map((r) => r.peakRssMiB)),
  }));
}

function line(label: string, value: string): string {
  return `  ${label.padEnd(50)}${value}`;
}

function startUpFigures(r: ChildRun): string {
  return `${r.wallMs.toFixed(0).padStart(5)} ms wall, ${r.cpuMs.toFixed(0).padStart(4)} ms CPU, peak RSS ${r.peakRssMiB.toFixed(1)} MiB`;
}

/**
 * The verdict on wall time and on CPU time apart (on a loaded machine only the second says much), and what the
 * command costs above Node's own start-up measured in the same rounds.
 */
function startUpLine(label: string, r: ChildRun, node: ChildRun): string {
  const meets = (ms: number): string => (ms < START_UP_MS && r.peakRssMiB < START_UP_MIB ? 'meets' : 'misses');
  const above = `+${(r.wallMs - node.wallMs).toFixed(0)} ms wall, +${(r.cpuMs - node.cpuMs).toFixed(0)} ms CPU, +${(r.peakRssMiB - node.peakRssMiB).toFixed(1)} MiB over node -e 0`;
  return line(label, `${startUpFigures(r)}; ${above} (target < ${START_UP_MS} ms and < ${START_UP_MIB} MiB: wall ${meets(r.wallMs)}, CPU ${meets(r.cpuMs)})`);
}

function streamLine(label: string, r: ChildRun): string {
  return line(label, `peak RSS ${r.peakRssMiB.toFixed(1).padStart(6)} MiB, ${(r.wallMs / 1000).toFixed(2)} s wall, ${(r.cpuMs / 1000).toFixed(2)} s CPU`);
}

export async function benchCli(): Promise<void> {
  if (!existsSync(GNU_TIME)) {
    process.stdout.write(`cli: skipped, it needs GNU time at ${GNU_TIME} (apt-get install time)\n`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'posbridge-bench-cli-input-'));
  try {
    const one = join(repoRoot(), 'test', 'fixtures', 'receipts', 'coffee-tm-t88-card.bin');
    // The build's code caches were made running the receipts of test/fixtures/receipts (agent/cli/write-code-cache.ts):
    // one from another folder, language and generator shows a receipt whose functions the caches may not hold.
    const unseen = join(repoRoot(), 'test', 'fixtures', 'layouts', 'de-apotheke-ec-1.bin');
    const out: string[] = [`start-up of the built CLI, median of ${START_UP_RUNS} runs each, in turns:`];
    // The floor: Node itself starting and exiting, in the same rounds.
    const [node, version, parse, baskets, unseenBaskets, withCerts] = startUps([
      () => runNode(['-e', '0'], AS_ON_A_TILL),
      () => runCli(['--version']),
      () => runCli(['parse', one]),
      () => runCli(['parse', '--json', one]),
      () => runCli(['parse', '--json', unseen]),
      ...(EXTRA_CERTS === undefined ? [] : [() => runNode(['-e', '0'])]),
    ]) as [ChildRun, ChildRun, ChildRun, ChildRun, ChildRun, ChildRun | undefined];
    if (withCerts !== undefined) out.push(line('(this machine sets NODE_EXTRA_CA_CERTS; a till does not: all below run without it)', ''));
    out.push(line('node -e 0 (Node alone, no target)', startUpFigures(node)));
    if (withCerts !== undefined) out.push(line('node -e 0 with NODE_EXTRA_CA_CERTS', startUpFigures(withCerts)));
    out.push(startUpLine('posbridge --version', version, node));
    out.push(startUpLine('posbridge parse (one receipt, text)', parse, node));
    out.push(startUpLine('posbridge parse --json (one receipt)', baskets, node));
    out.push(startUpLine('posbridge parse --json (one receipt the code caches never ran)', unseenBaskets, node));
    const sizes: [string, number][] = [
      ['1 MB', 1e6],
      ['50 MB', 50e6],
    ];
    const files = sizes.map(([label, size]) => {
      const file = join(dir, `receipts-${label.replace(' ', '')}.bin`);
      writeFileSync(file, receiptsCapture(repoRoot(), size));
      return { label, file };
    });
    out.push('parse streaming (target: peak RSS flat whatever the input size; before streaming, --json took 497 MiB for 50 MB):');
    for (const [name, args] of [
      ['parse --json', ['--json']],
      ['parse --format text', ['--format', 'text']],
      ['parse --json --document', ['--json', '--document']],
      ['parse --format html', ['--format', 'html']],
    ] as const) {
      const runs = files.map(({ label, file }) => {
        const r = runCli(['parse', ...args, file]);
        out.push(streamLine(`${name} of ${label}`, r));
        return r;
      });
      out.push(line(`${name}: peak RSS 50 MB / 1 MB`, `${(runs[1]!.peakRssMiB / runs[0]!.peakRssMiB).toFixed(2)}x (target ~1)`));
    }
    process.stdout.write(out.join('\n') + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await benchCli();
