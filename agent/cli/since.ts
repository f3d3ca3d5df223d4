// A point in time as the operator types it on the command line (`tail --since`, `backfill --from/--to`): kept apart
// from the commands so that commander can check the value while it reads the options.
import { InvalidArgumentError } from './commander.js';
import { toIsoLocal } from '../extract/dates.js';

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;
const ZONED_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * "10m", "2h", "1d" back from now, or an ISO 8601 time. A time without an offset is wall-clock time in `timeZone`,
 * the zone tail prints its times in, so `--since 2026-11-23T09:00` means the 09:00 shown on the lines.
 */
export function parseSince(text: string, timeZone: string, now = Date.now()): Date {
  const relative = /^(\d+)([smhd])$/.exec(text);
  if (relative !== null) return new Date(now - Number(relative[1]) * UNITS[relative[2]!]!);
  const local = LOCAL_TIME.exec(text);
  const [year, month, day, hour, minute, second] = (local ?? []).slice(1).map((part) => Number(part ?? 0));
  const at = local !== null
    ? new Date(toIsoLocal({ year: year!, month: month!, day: day! }, { hour: hour!, minute: minute!, second: second! }, timeZone))
    : ZONED_TIME.test(text) ? new Date(text) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime()) || (local !== null && (month! < 1 || month! > 12 || day! < 1 || day! > 31 || hour! > 23 || minute! > 59 || second! > 59))) {
    throw new InvalidArgumentError('expected an ISO time (2026-11-23T09:00, 2026-11-23T09:00:00Z) or a duration (30s, 10m, 2h, 1d).');
  }
  return at;
}
