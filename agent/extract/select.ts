// Picks the layout profile for a receipt: the one named in config, else the first whose header match fits
// (merchant name pattern on the first lines, or the VAT number printed anywhere), else none (generic rules).
import type { LayoutProfile } from './profile.js';
import type { Row } from './rows.js';
import { rulesFor } from './rules.js';

export class UnknownProfileError extends Error {
  override readonly name = 'UnknownProfileError';
}

function compact(text: string): string {
  return text.replace(/[\s.-]/g, '').toUpperCase();
}

export function selectProfile(rows: readonly Row[], profiles: readonly LayoutProfile[], name?: string): LayoutProfile | null {
  if (name !== undefined && name !== 'generic') {
    const named = profiles.find((p) => p.name === name);
    if (named === undefined) throw new UnknownProfileError(`no layout profile named '${name}'`);
    return named;
  }
  if (name === 'generic') return null;
  for (const profile of profiles) {
    const match = rulesFor(profile).headerMatch;
    if (match === null) continue;
    const head = rows.filter((r) => r.cells.length > 0).slice(0, match.headerLines);
    if (match.merchantName !== null && head.some((r) => match.merchantName!.test(r.text))) return profile;
    if (match.vatNumber !== null && rows.some((r) => compact(r.text).includes(match.vatNumber!))) return profile;
  }
  return null;
}
