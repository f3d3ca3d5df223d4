// Picks the reading of a receipt's money units that best fits the evidence: which unit is the total, which
// are items, subtotals, discounts, charges and added tax before it, which are tenders and change after it.
// Every unit is tried as the total; a reading scores by the arithmetic first (items − discounts + charges +
// added tax = total; tenders − change = total), then label evidence (evidence.ts), then style and position
// (a total follows a rule, is bold or large). A total whose label is unknown but whose amount closes both
// sums is still the total. Linear per candidate, so quadratic in units: a receipt has tens of them.
import type { TenderType } from './basket.js';
import { tenderEvidence, tenderTypeOfLabel } from './evidence.js';
import type { Unit } from './units.js';
import { TAX_BASE_WORD } from './vocabulary.js';

export type Role = 'item' | 'subtotal' | 'discount' | 'charge' | 'tax' | 'total' | 'tender' | 'change' | 'summary' | 'ignore';

export interface Reading {
  roles: Role[];
  /** Index of the total unit, or -1 when no unit reads as a total. */
  total: number;
  /** Tender type per tender unit (by index). */
  tenderTypes: Map<number, TenderType | null>;
  /** The items, discounts, charges and added tax add up to the total. */
  itemsClose: boolean;
  /** The tenders less change add up to the total. */
  tendersClose: boolean;
  /** Score of the chosen reading minus the best reading with another total: how clear the choice was. */
  margin: number;
}

interface Candidate {
  roles: Role[];
  itemsClose: boolean;
  tendersClose: boolean;
  score: number;
}

const STRONG = 0.6;

/** What an item unit adds to the basket: its amount with its priced modifiers and its own discounts. */
function lineValue(u: Unit): number {
  let v = u.item.amount;
  for (const m of u.item.modifiers) v += m.amount ?? 0;
  for (const d of u.item.discounts) v += d.amount;
  return v;
}

/**
 * How the units before the total are read when the plain reading does not close the sum (each tried only then):
 * `liberal`: one item then an unlabelled line of the same amount is a subtotal; `tenderWordsAsItems`: a line among
 * the items whose label names a tender ("Bar Snacks": "bar" is cash) is an item, not a tender printed early;
 * `sumsAsItems`: an unlabelled line that is the sum of the items above it ("38,00 + 6,00" over "Langlauf-Set 44,00")
 * is an item, not a subtotal; `sections`: a line that is the sum of the items since the last subtotal ("Dept GIFTS
 * 33.96" under its department's lines, even one line's amount repeated) is that section's subtotal, not an item.
 */
interface BeforeMode {
  liberal?: boolean;
  tenderWordsAsItems?: boolean;
  sumsAsItems?: boolean;
  sections?: boolean;
}

interface Before {
  running: number;
  items: number;
  /** A line naming a tender was left out of the items (`tenderWordsAsItems` may read it). */
  ignoredTender: boolean;
  /** A line was read as a subtotal by its amount alone (`sumsAsItems` may read it). */
  sumAsSubtotal: boolean;
}

/** The other readings, in order, and whether the reading so far leaves room for each. */
const ALTERNATIVES: readonly { mode: BeforeMode; applies: (b: Before) => boolean }[] = [
  { mode: { liberal: true }, applies: () => true },
  { mode: { tenderWordsAsItems: true }, applies: (b) => b.ignoredTender },
  { mode: { sumsAsItems: true }, applies: (b) => b.sumAsSubtotal },
  { mode: { sections: true }, applies: () => true },
];

/**
 * Unit `i` names a tax base ("Netto", "Base imponible", "Total HT") and, with the tax lines right under it, makes the
 * total `t`: the net and its tax, printed between gross-priced items and their total. Only tried once the items
 * alone close the sum, so a net subtotal that tax is added to ("Subtotal" / "Sales tax") is never read so.
 */
function netBeforeTax(units: readonly Unit[], i: number, t: number): boolean {
  const u = units[i]!;
  if (i + 1 >= t || u.amount === units[t]!.amount || tenderEvidence(u.ev) > 0 || !TAX_BASE_WORD.test(u.label)) return false;
  let sum = u.amount;
  let k = i + 1;
  for (; k < t && units[k]!.ev.tax >= STRONG; k++) sum += units[k]!.amount;
  return k > i + 1 && sum === units[t]!.amount;
}

/** The units before the total: items, subtotals (a running sum printed again), discounts, charges, added tax. */
function readBefore(units: readonly Unit[], t: number, roles: Role[], refund: boolean, mode: BeforeMode): Before {
  const { liberal = false, tenderWordsAsItems = false, sumsAsItems = false, sections = false } = mode;
  let running = 0;
  let items = 0;
  /** The items' sum since the last subtotal, and how many items it holds. */
  let section = 0;
  let sectionItems = 0;
  let closedOnce = false;
  let ignoredTender = false;
  let sumAsSubtotal = false;
  /** A net base line was read (netBeforeTax): the tax lines under it are what the prices included. */
  let taxIncluded = false;
  for (let i = 0; i < t; i++) {
    const u = units[i]!;
    const ev = u.ev;
    let role: Role;
    if (u.article) {
      // A deposit, a bottle return or a voided line is an article, whatever its sign says.
      role = 'item';
      items++;
    } else if (ev.summary >= 0.8) role = 'summary';
    // Two or more items summing exactly to the next amount is no coincidence: it is a subtotal, whatever its label.
    else if (
      items > 0 &&
      (ev.subtotal >= 0.8 ||
        (!sumsAsItems && u.amount === running && running !== 0 && (items >= 2 || liberal || ev.subtotal >= 0.5 || ev.total >= 0.5 || u.afterRule || u.row.bold || closedOnce)) ||
        (sections && sectionItems > 0 && u.amount === section && section !== 0))
    ) {
      // A labelled subtotal stays one when the sums do not close (a line lost): the checks then say so.
      role = 'subtotal';
      closedOnce = true;
      if (ev.subtotal < 0.8) sumAsSubtotal = true;
    } else if (items > 0 && taxIncluded && ev.tax >= STRONG && ev.tax >= ev.total) {
      // The tax on the base line above: a tax line, but in the prices already.
      roles[i] = 'tax';
      continue;
    } else if (items > 0 && running === units[t]!.amount && netBeforeTax(units, i, t)) {
      // The items already make the total: a net line over the tax ("Netto 187,86" / "zzgl. 19 % MwSt 35,69" /
      // "Rechnungsbetrag 223,55") is the tax table's base, and the tax under it was in the prices.
      role = 'summary';
      taxIncluded = true;
    } else if (items > 0 && ev.tax >= STRONG && ev.tax >= ev.total) role = 'tax';
    else if (items > 0 && ev.charge >= STRONG && ev.charge > ev.total) role = 'charge';
    else if (items > 0 && (u.amount < 0 ? !refund || ev.discount >= 0.8 : ev.discount >= 0.8 && closedOnce)) role = 'discount';
    else if (items > 0 && ev.change >= 0.8) role = 'ignore';
    else if (items > 0 && !tenderWordsAsItems && tenderEvidence(u.ev) >= 0.8 && ev.total < 0.5) {
      role = 'ignore';
      ignoredTender = true;
    } else {
      role = 'item';
      items++;
    }
    roles[i] = role;
    if (role === 'subtotal') {
      section = 0;
      sectionItems = 0;
    } else if (role === 'item') {
      section += lineValue(u);
      sectionItems++;
    }
    if (role === 'item' || role === 'charge') running += lineValue(u);
    else if (role === 'tax') running += u.amount;
    else if (role === 'discount') running -= Math.abs(u.amount) * Math.sign(units[t]!.amount || 1);
  }
  return { running, items, ignoredTender, sumAsSubtotal };
}

/** The units after the total: tenders until they cover it, then the change; tax lines are inclusive-tax notes. */
function readAfter(units: readonly Unit[], t: number, roles: Role[]): boolean {
  const total = units[t]!.amount;
  const sign = total < 0 ? -1 : 1;
  let paid = 0;
  let closed = false;
  let i = t + 1;
  for (; i < units.length; i++) {
    const u = units[i]!;
    const ev = u.ev;
    if (ev.tax >= STRONG && tenderEvidence(ev) < ev.tax) roles[i] = 'tax';
    else if (ev.summary >= 0.8 || ev.subtotal >= 0.5) roles[i] = 'summary';
    else if (ev.change >= 0.8 && paid !== 0) roles[i] = 'change';
    else if (tenderEvidence(ev) === 0 && TAX_BASE_WORD.test(u.label)) roles[i] = 'ignore';
    else if (sign * paid < sign * total || paid === 0) {
      roles[i] = 'tender';
      paid += u.amount;
      if (paid === total) {
        closed = true;
        i++;
        break;
      }
      if (sign * paid > sign * total) {
        i++;
        break;
      }
      continue;
    } else roles[i] = 'ignore';
    if (roles[i] === 'change') break;
  }
  // Change: the first following unit that is the overpayment (or labelled change).
  if (!closed && sign * paid > sign * total) {
    for (; i < units.length; i++) {
      const u = units[i]!;
      if (Math.abs(u.amount) === Math.abs(paid - total)) {
        roles[i] = 'change';
        closed = true;
        i++;
        break;
      }
      roles[i] = u.ev.tax >= STRONG ? 'tax' : 'ignore';
    }
  }
  for (; i < units.length; i++) roles[i] ??= units[i]!.ev.tax >= STRONG ? 'tax' : 'ignore';
  for (let k = t + 1; k < units.length; k++) roles[k] ??= 'ignore';
  return closed;
}

function candidate(units: readonly Unit[], t: number, refundTitle: boolean): Candidate {
  const roles: Role[] = new Array<Role>(units.length);
  const u = units[t]!;
  // A negative total is money back: its lines print negative as items, whether or not a title says "refund".
  const refund = refundTitle || u.amount < 0;
  let before = readBefore(units, t, roles, refund, {});
  // Another reading is taken only when it makes the sums close.
  for (const alternative of ALTERNATIVES) {
    if (before.running === u.amount) break;
    if (!alternative.applies(before)) continue;
    const alt: Role[] = new Array<Role>(units.length);
    const other = readBefore(units, t, alt, refund, alternative.mode);
    if (other.running === u.amount && other.items > 0) {
      before = other;
      for (let i = 0; i < t; i++) roles[i] = alt[i]!;
    }
  }
  roles[t] = 'total';
  const tendersClose = readAfter(units, t, roles);
  const itemsClose = before.items > 0 && before.running === u.amount;
  const ev = u.ev;
  const tenderEv = tenderEvidence(ev);
  let score = (itemsClose ? 4 : 0) + (tendersClose ? 3 : 0);
  score += 2 * ev.total + (u.row.bold || u.row.large ? 0.7 : 0) + (u.afterRule ? 0.3 : 0);
  score -= 2 * ev.subtotal + 2.5 * ev.change + 1.5 * ev.tax + ev.discount + ev.charge + ev.summary;
  if (tenderEv > ev.total) score -= 1.5 * tenderEv;
  if (u.amount === 0) score -= 3;
  // A tender unit that reads as a total by its label is a sign this candidate sits too early.
  for (let i = t + 1; i < units.length; i++) if (roles[i] === 'tender' && units[i]!.ev.total >= 0.8 && units[i]!.ev.total > tenderEvidence(units[i]!.ev)) score -= 1;
  if (before.items === 0) score -= 2;
  return { roles, itemsClose, tendersClose, score };
}

/** The reading of `units` that best fits; `refund` when the receipt says it is one (every line negative). */
export function solve(units: readonly Unit[], refund: boolean): Reading {
  let best: Candidate | null = null;
  let bestAt = -1;
  let second = -Infinity;
  for (let t = 0; t < units.length; t++) {
    const c = candidate(units, t, refund);
    if (best === null || c.score > best.score) {
      if (best !== null) second = Math.max(second, best.score);
      best = c;
      bestAt = t;
    } else second = Math.max(second, c.score);
  }
  if (best === null || best.score < 0.5) {
    // No total anywhere: every unit is an item unless its label says otherwise.
    const roles: Role[] = units.map((u) => (u.ev.tax >= STRONG ? 'tax' : u.ev.summary >= 0.8 ? 'summary' : 'item'));
    return { roles, total: -1, tenderTypes: new Map(), itemsClose: false, tendersClose: false, margin: 0 };
  }
  const tenderTypes = new Map<number, TenderType | null>();
  best.roles.forEach((r, i) => {
    if (r === 'tender') tenderTypes.set(i, tenderTypeOfLabel(units[i]!.label, units[i]!.ev));
  });
  return { roles: best.roles, total: bestAt, tenderTypes, itemsClose: best.itemsClose, tendersClose: best.tendersClose, margin: best.score - second };
}
