// The rules one extraction runs with: the generic vocabulary and field patterns, with a layout profile's
// additions and overrides merged in. Compiled once per profile and cached, so extraction builds no regexes.
import type { Merchant, TenderType } from './basket.js';
import type { DateOrder } from './dates.js';
import { compileVocabulary, type CompiledVocabulary, type Concept } from './evidence.js';
import { GENERIC_FIELDS, type FieldPatterns } from './fields.js';
// Only the profile's type: the loader's module brings zod and the YAML parser, which extraction does not need.
import type { LayoutProfile } from './profile.js';
import { anyWord, GENERIC_VOCABULARY, normaliseLabel, wholeLabel, type Vocabulary } from './vocabulary.js';

/** "name@version", as baskets record it. */
export function profileLabel(p: LayoutProfile): string {
  return `${p.name}@${p.version}`;
}

export interface Rules {
  profile: string | null;
  subtotal: RegExp;
  total: RegExp;
  refundTotal: RegExp;
  /** `refundTotal` on a printed label, normalised; memoised, since the same labels come back receipt after receipt. */
  isRefundTotal: (label: string) => boolean;
  change: RegExp;
  summaries: RegExp;
  discountWords: RegExp;
  tenders: [TenderType, RegExp][];
  /** Word-level evidence (evidence.ts), with a profile's summary and discount words added. */
  vocabulary: CompiledVocabulary;
  /** Whole-label matches that are decisive evidence for their concept (the exact labels, a profile's labels). */
  labelMatchers: [Concept, RegExp][];
  fields: FieldPatterns;
  /** Date order the profile fixes, or null to take it from the store context. */
  dateOrder: DateOrder | null;
  currency: string | null;
  merchant: Partial<Merchant>;
  itemPatterns: RegExp[];
  itemsStart: RegExp | null;
  itemsEnd: RegExp | null;
  ignore: RegExp[];
  headerMatch: { merchantName: RegExp | null; vatNumber: string | null; headerLines: number } | null;
}

const plus = (base: string[], extra: string[] | undefined): string[] => (extra === undefined ? base : [...extra, ...base]);

/** Tender labels match as a prefix ("VISA CONTACTLESS"), but never cashback. */
function tenderLabel(words: string[]): RegExp {
  return new RegExp(`^(?!cash ?back)(?:${words.join('|')})(?:\\s.*)?$`, 'iu');
}

function compile(profile: LayoutProfile | null): Rules {
  const v: Vocabulary = GENERIC_VOCABULARY;
  const l = profile?.labels;
  const re = (source: string): RegExp => new RegExp(source, 'iu');
  const fields: FieldPatterns = { ...GENERIC_FIELDS };
  for (const [key, source] of Object.entries(profile?.fields ?? {})) {
    const k = key as keyof FieldPatterns;
    if (source !== undefined) fields[k] = [re(source), ...GENERIC_FIELDS[k]];
  }
  const tenderTypes = Object.keys(v.tenders) as TenderType[];
  const tenders = tenderTypes.map((t): [TenderType, RegExp] => [t, tenderLabel(plus(v.tenders[t], l?.tenders?.[t]))]);
  const subtotal = wholeLabel(plus(v.subtotal, l?.subtotal));
  const total = wholeLabel(plus(v.total, l?.total));
  const refundTotal = wholeLabel(plus(v.refundTotal, l?.refundTotal));
  const change = wholeLabel(plus(v.change, l?.change));
  const refundLabels = new Map<string, boolean>();
  const isRefundTotal = (label: string): boolean => {
    let refund = refundLabels.get(label);
    if (refund === undefined) {
      if (refundLabels.size >= 20_000) refundLabels.clear();
      refund = refundTotal.test(normaliseLabel(label));
      refundLabels.set(label, refund);
    }
    return refund;
  };
  return {
    profile: profile === null ? null : profileLabel(profile),
    subtotal,
    total,
    refundTotal,
    isRefundTotal,
    change,
    summaries: anyWord(plus(v.summaries, l?.summaries)),
    discountWords: anyWord(plus(v.discountWords, l?.discountWords)),
    tenders,
    vocabulary: compileVocabulary({ summary: l?.summaries ?? [], discount: l?.discountWords ?? [] }),
    labelMatchers: [['subtotal', subtotal], ['total', total], ['refund', refundTotal], ['change', change], ...tenders],
    fields,
    dateOrder: profile?.dateOrder ?? null,
    currency: profile?.currency ?? null,
    merchant: profile?.merchant ?? {},
    itemPatterns: (profile?.itemPatterns ?? []).map(re),
    itemsStart: profile?.anchors?.itemsStart === undefined ? null : re(profile.anchors.itemsStart),
    itemsEnd: profile?.anchors?.itemsEnd === undefined ? null : re(profile.anchors.itemsEnd),
    ignore: (profile?.anchors?.ignore ?? []).map(re),
    headerMatch:
      profile?.match === undefined
        ? null
        : {
            merchantName: profile.match.merchantName === undefined ? null : re(profile.match.merchantName),
            vatNumber: profile.match.vatNumber?.replace(/\s/g, '').toUpperCase() ?? null,
            headerLines: profile.match.headerLines,
          },
  };
}

const cache = new WeakMap<LayoutProfile, Rules>();
let genericRules: Rules | null = null;

export function rulesFor(profile: LayoutProfile | null): Rules {
  if (profile === null) return (genericRules ??= compile(null));
  let r = cache.get(profile);
  if (r === undefined) {
    r = compile(profile);
    cache.set(profile, r);
  }
  return r;
}
