// `posbridge doctor [--config FILE] [--json]`: checks what commonly goes wrong on a till and says, in plain
// words, what to do about each problem. Exit 0 when nothing failed (warnings allowed), 1 otherwise.
import { diagnose, type Finding } from '../admin/diagnose.js';

export interface DoctorOptions {
  config?: string;
  json?: boolean;
}

const MARK: Record<Finding['level'], string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };

function describe(findings: readonly Finding[]): string {
  const lines = findings.map((f) => `${MARK[f.level]} ${f.check}: ${f.detail}${f.fix === undefined ? '' : `\n       fix: ${f.fix}`}`);
  const failed = findings.filter((f) => f.level === 'fail').length;
  const warned = findings.filter((f) => f.level === 'warn').length;
  lines.push(failed === 0 ? `\nposbridge doctor: all good${warned > 0 ? ` (${warned} warning(s))` : ''}` : `\nposbridge doctor: ${failed} problem(s) to fix`);
  return lines.join('\n');
}

export async function doctor(options: DoctorOptions): Promise<void> {
  const findings = await diagnose(options.config);
  const ok = findings.every((f) => f.level !== 'fail');
  process.stdout.write(`${options.json === true ? JSON.stringify({ ok, findings }) : describe(findings)}\n`);
  process.exitCode = ok ? 0 : 1;
}
