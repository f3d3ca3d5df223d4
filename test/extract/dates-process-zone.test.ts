// Offsets from Date where the process runs in the zone asked for (TZ names it), from Intl's formatter otherwise
// (agent/extract/dates.ts computeOffset): both must give every local time the same offset, through DST changes,
// in the repeated and the skipped hour, in zones with half-hour and 45-minute offsets, changes of rule and no DST.
import { afterEach, describe, expect, it, vi } from 'vitest';

type Dates = typeof import('../../agent/extract/dates.js');

/** The name Intl lists for a zone that has two (its ICU may list the older): only a listed name takes the Date path. */
function listed(...names: string[]): string {
  const zones = new Set(Intl.supportedValuesOf('timeZone'));
  return names.find((name) => zones.has(name)) ?? names[0]!;
}

const ZONES = [
  'Europe/London',
  'Europe/Berlin',
  'Europe/Dublin', // ICU gives Irish winter time as the negative summer time
  'America/New_York',
  'America/Sao_Paulo', // DST until 2019
  'America/St_Johns', // -03:30
  'Australia/Lord_Howe', // a half-hour DST change
  'Pacific/Chatham', // +12:45
  listed('Asia/Kolkata', 'Asia/Calcutta'), // +05:30, no DST
  listed('Asia/Kathmandu', 'Asia/Katmandu'), // +05:45
  'Africa/Casablanca', // DST suspended through Ramadan
];
// Rule changes (US 2007, Brazil 2019), the years around 2038, and the extractor's last year.
const YEARS = [1990, 1996, 2007, 2011, 2019, 2024, 2025, 2026, 2037, 2038, 2100, 2199];

const savedTz = process.env.TZ;

afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
  vi.restoreAllMocks();
});

/** dates.ts loaded anew (its offset caches empty) with the process in zone `tz`. */
async function datesIn(tz: string): Promise<Dates> {
  process.env.TZ = tz;
  vi.resetModules();
  return import('../../agent/extract/dates.js');
}

const offsetOf = (iso: string): string => iso.slice(19);

/** Every local time read in `zone`: each day's midnight and noon, and every quarter hour of days whose offset changes. */
function localTimes(dates: Dates, zone: string): [date: { year: number; month: number; day: number }, time: { hour: number; minute: number; second: number }][] {
  const out: ReturnType<typeof localTimes> = [];
  for (const year of YEARS) {
    let previous = '';
    for (let month = 1; month <= 12; month++) {
      const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
      for (let day = 1; day <= days; day++) {
        const date = { year, month, day };
        const start = offsetOf(dates.toIsoLocal(date, { hour: 0, minute: 0, second: 0 }, zone));
        const end = offsetOf(dates.toIsoLocal(date, { hour: 23, minute: 59, second: 59 }, zone));
        const changes = start !== end || start !== previous;
        previous = end;
        if (!changes) {
          out.push([date, { hour: 0, minute: 0, second: 0 }], [date, { hour: 12, minute: 0, second: 0 }]);
          continue;
        }
        for (let minutes = 0; minutes < 24 * 60; minutes += 15) {
          out.push([date, { hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0 }], [date, { hour: Math.floor(minutes / 60), minute: minutes % 60, second: 59 }]);
        }
      }
    }
  }
  return out;
}

describe('offsets from Date in the process zone equal those from Intl', () => {
  it.each(ZONES)('%s', async (zone) => {
    expect(Intl.supportedValuesOf('timeZone')).toContain(zone);
    const viaIntl = await datesIn('Etc/UTC');
    const times = localTimes(viaIntl, zone);
    const expected = times.map(([date, time]) => viaIntl.toIsoLocal(date, time, zone));

    const viaDate = await datesIn(zone);
    // This process does follow TZ: Date's local time of day is the zone's, as Intl gives it.
    for (const instant of [Date.UTC(2025, 0, 15, 12, 0), Date.UTC(2025, 6, 15, 12, 0)]) {
      const local = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', hour: 'numeric', minute: 'numeric' }).format(instant);
      const d = new Date(instant);
      expect(`${d.getHours()}:${String(d.getMinutes()).padStart(2, '0')}`).toBe(local.replace(/^0(?=\d)/, ''));
    }
    // The Date path builds no formatter.
    const formatter = vi.spyOn(Intl, 'DateTimeFormat');
    const actual = times.map(([date, time]) => viaDate.toIsoLocal(date, time, zone));
    expect(formatter).not.toHaveBeenCalled();
    expect(actual).toEqual(expected);
  });
});

describe('isTimeZone and adoptTimeZone', () => {
  const intlTakes = (zone: string): boolean => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  };

  it('says of every zone what Intl says: each one Intl lists, and aliases, other cases, offsets and junk', async () => {
    const dates = await datesIn('Etc/UTC');
    const zones = [
      ...Intl.supportedValuesOf('timeZone'),
      ...['europe/london', 'EUROPE/BERLIN', 'Asia/Calcutta', 'US/Eastern', 'UTC', 'Etc/UTC', 'GMT', 'Etc/GMT-1', 'EST5EDT', 'Z'],
      ...['Foo/Bar', '', ':Europe/London', '+01:00', 'Europe/Londres', 'Etc/Unknown', 'Europe/London '],
    ];
    for (const zone of zones) expect([zone, dates.isTimeZone(zone)]).toEqual([zone, intlTakes(zone)]);
  });

  it('adoptTimeZone makes a listed zone the process one and leaves TZ alone for any other name', async () => {
    const dates = await datesIn('Etc/UTC');
    dates.adoptTimeZone('america/new_york');
    expect(process.env.TZ).toBe('Etc/UTC');
    dates.adoptTimeZone('UTC');
    expect(process.env.TZ).toBe('Etc/UTC');
    dates.adoptTimeZone('America/New_York');
    expect(process.env.TZ).toBe('America/New_York');
    expect(new Date(Date.UTC(2025, 6, 1, 12)).getHours()).toBe(8);
  });

  it('another spelling of the process zone still takes its offsets from Intl', async () => {
    const dates = await datesIn('europe/london'); // Date reads this as UTC; Intl as London
    expect(dates.toIsoLocal({ year: 2025, month: 7, day: 1 }, { hour: 9, minute: 0, second: 0 }, 'europe/london')).toBe('2025-07-01T09:00:00+01:00');
  });
});
