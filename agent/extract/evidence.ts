// Label evidence: how strongly a printed label speaks for each role a money line can play (total, tender,
// change, tax, ...). Word-level and fuzzy, so a label never seen whole ("TOTAL PAYABLE", "PAID BY CARD",
// "CHANGE GIVEN", "Te betalen") still gives evidence from its words; the solver (solver.ts) weighs it against
// position, style and the arithmetic, which has the last word. Words are kept per concept for English, German,
// French, Dutch, Spanish and Italian; a layout profile adds its own (rules.ts).
import type { TenderType } from './basket.js';
import { normaliseLabel } from './vocabulary.js';

export const CONCEPTS = ['total', 'subtotal', 'change', 'tax', 'discount', 'charge', 'summary', 'refund', 'card', 'cash', 'voucher', 'giftcard', 'other'] as const;
export type Concept = (typeof CONCEPTS)[number];
// Most specific first: "Gift card" is a gift card before it is a card.
export const TENDER_CONCEPTS: readonly TenderType[] = ['giftcard', 'voucher', 'card', 'cash', 'other'];
const TENDER_CONCEPT_SET: ReadonlySet<Concept> = new Set(TENDER_CONCEPTS);

/** Words (accents stripped, lower case) and short phrases per concept, with their weight (1 = decisive alone). */
export const CONCEPT_WORDS: Record<Concept, Record<string, number>> = {
  total: {
    total: 1, totals: 1, totaal: 1, totale: 1, summe: 1, gesamt: 1, gesamtbetrag: 1, gesamtsumme: 1, endsumme: 1, endbetrag: 1,
    'zu zahlen': 1, betrag: 0.6, montant: 0.6, importe: 0.7, importo: 0.7, due: 0.7, payable: 0.8, 'to pay': 0.9, balance: 0.7,
    amount: 0.5, ttc: 0.6, 'a payer': 1, 'net a payer': 1, 'somme due': 1, 'a pagar': 1, 'te betalen': 1, 'te voldoen': 1,
    bedrag: 0.6, complessivo: 0.5, documento: 0.3, factura: 0.3, grand: 0.5, tab: 0.3, sale: 0.3, 'eat in': 0.3, 'take away': 0.3,
    takings: 1, umsatz: 0.6, 'net sales': 1,
  },
  subtotal: {
    subtotal: 1, 'sub total': 1, 'sub-total': 1, zwischensumme: 1, 'zw summe': 1, 'sous total': 1, 'sous-total': 1, subtotaal: 1,
    subtotale: 1, merchandise: 0.6, 'items total': 1, 'total items': 1, 'food subtotal': 1,
  },
  change: {
    change: 1, 'change due': 1, 'your change': 1, 'change given': 1, ruckgeld: 1, zuruck: 1, wechselgeld: 1, rendu: 1, monnaie: 0.8,
    terug: 1, wisselgeld: 1, retour: 0.8, cambio: 1, vuelta: 1, resto: 1,
  },
  tax: {
    vat: 1, mwst: 1, ust: 1, tva: 1, tax: 1, steuer: 1, iva: 1, btw: 1, 'sales tax': 1, gst: 1, hst: 1, imposta: 1, cuota: 0.6,
    incl: 0.3, inkl: 0.3, enth: 0.3, 'di cui': 0.6, dont: 0.5, waarvan: 0.6, incluido: 0.3, incluse: 0.3,
  },
  discount: {
    discount: 1, saving: 1, savings: 0.7, coupon: 0.8, promo: 1, promotion: 1, multibuy: 1, rabatt: 1, nachlass: 1, remise: 1,
    reduction: 1, korting: 1, descuento: 1, sconto: 1, 'mix match': 1, voucher: 0.3, rewards: 0.5, staff: 0.5, offer: 0.7,
    // A dish or drink the house gives ("Offert Cervelle de canut  -8,50", "Offerto dalla casa"): a discount on the line.
    offert: 1, offerto: 1, invitación: 0.8, invitacion: 0.8,
  },
  charge: {
    service: 1, 'service charge': 1, tip: 1, gratuity: 1, trinkgeld: 1, bedienung: 0.8, propina: 1, mancia: 1, coperto: 1,
    pourboire: 1, fooi: 1, 'bag levy': 1, delivery: 0.8, cover: 0.6,
    // A word of its own, so that no one-letter slip reads it as "change" ("Cutting charge", "Delivery charge").
    charge: 0.3,
  },
  summary: {
    'total savings': 1, 'you saved': 1, 'savings total': 1, ersparnis: 1, 'sie sparen': 1, economies: 1, 'total discount': 1,
    'items sold': 1, 'number of items': 1, 'anzahl artikel': 1, "nombre d'articles": 1, points: 0.8, punkte: 0.8,
    // The total again in another currency ("EUR equivalent", "Gegenwert CHF"), as airports and border shops print it:
    // no payment.
    equivalent: 1, gegenwert: 1, 'contre valeur': 1, 'contre-valeur': 1, equivalente: 1, controvalore: 1, tegenwaarde: 1,
  },
  refund: {
    refund: 1, refunded: 1, return: 1, returns: 1, erstattung: 1, ruckgabe: 1, retoure: 1, remboursement: 1, rembourse: 1, avoir: 0.7,
    reembolso: 1, devolucion: 1, rimborso: 1, reso: 1, retourbon: 1,
  },
  card: {
    card: 1, visa: 1, mastercard: 1, maestro: 1, amex: 1, 'american express': 1, debit: 0.8, credit: 0.8, contactless: 1, ec: 0.8,
    'ec-karte': 1, karte: 1, kartenzahlung: 1, girocard: 1, cb: 1, carte: 1, bancaire: 1, pin: 1, pinbetaling: 1, pinnen: 1,
    tarjeta: 1, carta: 1, bancomat: 1, elettronico: 1, electronico: 1, 'apple pay': 1, 'google pay': 1, 'v pay': 1, 'sans contact': 1,
    kaart: 1, paid: 0.4, pago: 0.4, plastic: 0,
    // Italian tills name a card payment by the terminal that took it ("POS", "Pagamento POS").
    pos: 1,
    // German compounds of "Karte", one word each.
    kreditkarte: 1, debitkarte: 1, bankkarte: 1,
    // Germany's debit scheme before girocard: its "cash" is no cash.
    'ec cash': 1, 'electronic cash': 1,
  },
  cash: {
    cash: 1, tendered: 0.8, bar: 1, bargeld: 1, gegeben: 1, especes: 1, contant: 1, contanti: 1, efectivo: 1, entregado: 1,
    'en efectivo': 1, liquide: 0.6, metalico: 1, 'al contado': 1, contante: 1,
  },
  voucher: {
    voucher: 1, gutschein: 1, 'titre restaurant': 1, 'ticket restaurant': 1, 'bon d achat': 1, buono: 1, vale: 0.7, tegoedbon: 1,
    // Meal and book vouchers, and a shop's own credit: paid, but neither card nor cash.
    'titres restaurant': 1, 'ticket resto': 1, 'tickets resto': 1, 'cheque dejeuner': 1, 'cheque repas': 1, 'cheque lire': 1,
    'cheque cadeau': 1, 'buono pasto': 1, 'buoni pasto': 1, 'ticket comida': 1, 'cheque gourmet': 1, maaltijdcheque: 1,
    essensgutschein: 1, 'store credit': 1, 'shop credit': 1, 'credit note': 1,
    // Cheques for a purpose (a cinema's, culture, holidays) are vouchers; a bare cheque is a bank cheque (other).
    'cheque cinema': 1, 'cine cheque': 1, cinecheque: 1, 'cheque culture': 1, 'cheque vacances': 1, 'cheques vacances': 1,
    // A club's, a member's or an account's credit is the shop's own money, not a credit card; below 1, so that a card
    // named after a club ("Club Credit Card") stays a card.
    'club credit': 0.9, 'member credit': 0.9, 'loyalty credit': 0.9, 'account credit': 0.9, 'rewards credit': 0.9, 'reward credit': 0.9,
    // A French "bon" (bon cadeau, bon camping) is a voucher; weak, as a German or Dutch "Bon" is the receipt itself.
    bon: 0.5, 'bon cadeau': 1, cadeaubon: 1, waardebon: 1, boekenbon: 1,
    // A French credit note spent as a tender; a shop's cash-back reward, whatever its "cash" says.
    avoir: 0.9, 'cash reward': 1, 'reward cash': 1, 'reward voucher': 1, 'reward certificate': 1,
    // A British book or gift token.
    token: 0.8, 'book token': 1, 'gift token': 1,
  },
  giftcard: {
    'gift card': 1, giftcard: 1, geschenkkarte: 1, 'carte cadeau': 1, cadeaukaart: 1, 'tarjeta regalo': 1,
    // As tills abbreviate it in a narrow tender column.
    'gift crd': 1, 'gft card': 1, 'gft crd': 1,
    // The Dutch national gift schemes are stored-value cards, whatever their "bon" says: spent in many shops.
    'nationale boekenbon': 1, 'nationale bioscoopbon': 1, 'nationale kadobon': 1, 'nationale cadeaubon': 1, 'nationale tuinbon': 1,
    'nationale sportbon': 1, 'nationale bloemenbon': 1,
  },
  other: {
    // Put on, or credited to, the customer's account ("Credit to Account", "On A/C"): no card, whatever "credit" says.
    account: 0.8, 'on account': 1, 'to account': 1, 'on a c': 1, 'to a c': 1,
    // A cheque ("Chèque bancaire" is a bank's cheque, not a bank card).
    cheque: 1, check: 0.3, scheck: 1, cheques: 1, 'cheque bancaire': 1,
    // A deposit or down payment made at ordering: paid, but by no card or cash today.
    'deposit paid': 1, anzahlung: 1, acompte: 1, 'a cuenta': 1, acconto: 1, aanbetaling: 1,
    // Paid elsewhere: charged to a hotel room, or online before delivery.
    'room charge': 1, 'charge to room': 1, 'room account': 1, paypal: 1, 'paid online': 1, 'online bezahlt': 1,
    'online betaald': 1, 'paye en ligne': 1, 'pagato online': 1, 'pagado online': 1,
  },
};

export type Evidence = Record<Concept, number>;

export function stripAccents(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

/** A dotted abbreviation of single letters, maybe spaced: "I.V.A.", "B.T.W.", "T. V. A.", "U.St.". */
const DOTTED_ABBREVIATION = /\b[a-z](?:\.\s?[a-z]{1,2}){1,3}\b\.?/g;

/** Label as evidence reads it: lower case, no accents, currency marks, digits or punctuation; words apart. */
export function labelWords(label: string): string[] {
  return stripAccents(label.toLowerCase())
    .replace(DOTTED_ABBREVIATION, (m) => m.replace(/[.\s]/g, ''))
    .replace(/\b(?:eur|gbp|usd|chf|euro)\b|[£€$]/g, ' ')
    .replace(/\d+(?:[.,]\d+)?\s*%?/g, ' ')
    .replace(/[^a-z']+/g, ' ')
    .split(' ')
    .filter((w) => w.length > 0);
}

/** Edit distance at most one (a dropped, added or changed letter): "totaal" ~ "totall", "wechselgld" ~ "wechselgeld". */
function nearlyEqual(a: string, b: string): boolean {
  if (a === b) return true;
  // Short words and first letters stay exact: "tarte" is not "carte", "bar" is not "bag".
  if (Math.abs(a.length - b.length) > 1 || Math.min(a.length, b.length) < 6 || a[0] !== b[0]) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

export interface CompiledVocabulary {
  /** Single words: word → [concept, weight][] */
  words: Map<string, [Concept, number][]>;
  /** Phrases of 2+ words, as word lists. */
  phrases: { words: string[]; concept: Concept; weight: number }[];
  /** Words of 6+ letters for fuzzy matching, by first letter (fuzzy matches keep the first letter). */
  fuzzy: Map<string, { word: string; concept: Concept; weight: number }[]>;
  /** Voucher and gift-card words that end a German or Dutch compound ("Geschenkgutschein", "Museumcadeaukaart"). */
  compoundHeads: { word: string; concept: Concept; weight: number }[];
  /** Evidence already worked out, by label: tills print the same labels all day. */
  cache: Map<string, Evidence>;
}

/** Labels remembered per vocabulary; the cache starts over when full. */
const CACHE_LIMIT = 20_000;

/**
 * The concepts whose words head compounds: German and Dutch write a voucher's or gift card's kind before it in one
 * word ("Warengutschein", "Winkelcadeaukaart"). Other concepts' words end compounds that mean something else
 * ("Steuerbetrag" is no total, "Kundenkarte" no way of paying).
 */
const COMPOUND_CONCEPTS: ReadonlySet<Concept> = new Set(['voucher', 'giftcard']);
/** Shorter heads ("bon") end too many other words. */
const COMPOUND_HEAD_MIN = 7;
/**
 * A Dutch "-bon" for a kind of goods or an occasion ("Dinerbon", "Kledingbon") is a voucher, but these name the
 * receipt or a slip; weaker than a voucher word, as the head is short.
 */
const RECEIPT_BONS: ReadonlySet<string> = new Set(['kassabon', 'pinbon', 'bestelbon', 'afhaalbon', 'retourbon', 'leveringsbon', 'ontvangstbon', 'kassenbon']);

/** A Dutch or German "-bon" of at least two letters before it that names no receipt or slip ("Visbon", "Dinerbon"). */
function bonCompound(word: string): boolean {
  return word.length >= 5 && word.endsWith('bon') && !RECEIPT_BONS.has(word);
}

/**
 * A Dutch "-pas" is a card that pays ("Pinpas", "Bankpas", "Tankpas", "Betaalpas"), unless it is a loyalty or
 * membership card, which only earns or identifies ("Klantenpas", "Spaarpas", "Ledenpas").
 */
const LOYALTY_PAS = /^(?:klanten|spaar|bonus|stempel|leden|voordeel|museum|stads|ooievaars)pas$/;

function cardCompound(word: string): boolean {
  return word.length >= 7 && word.endsWith('pas') && !LOYALTY_PAS.test(word);
}

/**
 * German and Dutch write the way of paying before their word for a payment ("Barzahlung", "Scheckzahlung",
 * "Contantbetaling"): the compound is evidence for what its first part names, if that is a tender word. "Zuzahlung"
 * (a prescription's co-payment) and "Ratenzahlung" name none.
 */
const PAYMENT_TAILS = ['zahlung', 'betaling'] as const;

function paymentCompound(word: string, vocab: CompiledVocabulary, ev: Evidence): void {
  for (const tail of PAYMENT_TAILS) {
    if (word.length <= tail.length + 1 || !word.endsWith(tail)) continue;
    for (const [c, weight] of vocab.words.get(word.slice(0, -tail.length)) ?? []) if (TENDER_CONCEPT_SET.has(c)) ev[c] = Math.max(ev[c], weight);
  }
}

/**
 * The type of a tender the arithmetic found whose label gives no tender word: a "-bon" compound however short its
 * first part ("Visbon"; as a label of any line, a word that short is as often a food, "Jambon"), is a voucher.
 */
export function tenderTypeOfLabel(label: string, ev: Evidence): TenderType | null {
  return tenderTypeOf(ev) ?? (labelWords(label).some(bonCompound) ? 'voucher' : null);
}

export function compileVocabulary(extra: Partial<Record<Concept, string[]>> = {}): CompiledVocabulary {
  const words = new Map<string, [Concept, number][]>();
  const phrases: CompiledVocabulary['phrases'] = [];
  const fuzzy: CompiledVocabulary['fuzzy'] = new Map();
  const compoundHeads: CompiledVocabulary['compoundHeads'] = [];
  const add = (concept: Concept, text: string, weight: number): void => {
    const ws = labelWords(text);
    if (ws.length === 0) return;
    if (ws.length === 1) {
      const w = ws[0]!;
      const list = words.get(w) ?? [];
      list.push([concept, weight]);
      words.set(w, list);
      if (w.length >= 6) {
        const bucket = fuzzy.get(w[0]!) ?? [];
        bucket.push({ word: w, concept, weight: weight * 0.8 });
        fuzzy.set(w[0]!, bucket);
      }
      if (w.length >= COMPOUND_HEAD_MIN && COMPOUND_CONCEPTS.has(concept)) compoundHeads.push({ word: w, concept, weight: weight * 0.9 });
    } else phrases.push({ words: ws, concept, weight });
  };
  for (const concept of CONCEPTS) {
    for (const [text, weight] of Object.entries(CONCEPT_WORDS[concept])) add(concept, text, weight);
    for (const text of extra[concept] ?? []) add(concept, text, 1);
  }
  return { words, phrases, fuzzy, compoundHeads, cache: new Map() };
}

const empty = (): Evidence => ({ total: 0, subtotal: 0, change: 0, tax: 0, discount: 0, charge: 0, summary: 0, refund: 0, card: 0, cash: 0, voucher: 0, giftcard: 0, other: 0 });

/** The most words a label may have for a word of it to be read as a misprinted vocabulary word. */
const FUZZY_WORDS = 3;

/** A word for "without" before a tax word, in the six languages (words as labelWords leaves them). */
const EXCLUDES_TAX =
  / (?:excl|exkl|exclusief|exclusive|excluding|exklusive|ex|ohne|zonder|hors|sans|sin|senza|esclusa|before|pre) (?:vat|mwst|ust|tva|tax|taxes|btw|iva|steuer|imposta)(?= )/;

/** Evidence per concept for one label: the strongest word or phrase of each concept (0..1). */
export function evidenceOf(label: string, vocab: CompiledVocabulary): Evidence {
  const ev = empty();
  const ws = labelWords(label);
  if (ws.length === 0) return ev;
  const joined = ` ${ws.join(' ')} `;
  // A word inside a phrase the vocabulary names speaks for that phrase only: "resto" is change, but "ticket resto" is
  // a meal voucher; "credit" is a card, but "store credit" is not.
  let inPhrase: Set<string> | null = null;
  for (const p of vocab.phrases) {
    if (!joined.includes(` ${p.words.join(' ')} `)) continue;
    ev[p.concept] = Math.max(ev[p.concept], p.weight);
    inPhrase ??= new Set();
    for (const w of p.words) inPhrase.add(w);
  }
  for (const w of ws) {
    if (inPhrase?.has(w) === true) continue;
    const hits = vocab.words.get(w);
    if (hits !== undefined) {
      for (const [c, weight] of hits) ev[c] = Math.max(ev[c], weight);
      continue;
    }
    if (w.length < 5) continue;
    // A misprinted label word ("Chnage", "Totall") is read in a label of a few words; in an article's longer name a
    // word one letter from a label word is the name's own ("Probe Chanel Chance 1,5ml" is no change line).
    if (ws.length <= FUZZY_WORDS) for (const f of vocab.fuzzy.get(w[0]!) ?? []) if (nearlyEqual(w, f.word)) ev[f.concept] = Math.max(ev[f.concept], f.weight);
    // A compound's first part is at least a short word of its own ("Warengutschein"), never a stray letter or two.
    for (const h of vocab.compoundHeads) if (w.length >= h.word.length + 3 && w.endsWith(h.word)) ev[h.concept] = Math.max(ev[h.concept], h.weight);
    if (w.length >= 7 && bonCompound(w)) ev.voucher = Math.max(ev.voucher, 0.7);
    if (cardCompound(w)) ev.card = Math.max(ev.card, 0.7);
    paymentCompound(w, vocab, ev);
  }
  // "Sub" + "total", "total savings", "TOTAL HT": the qualifier wins over the bare total word.
  if (ev.subtotal > 0 || ev.summary >= 1) ev.total = Math.min(ev.total, 0.2);
  // "Totaal excl. BTW", "Summe ohne MwSt", "Total hors TVA", "Subtotal ex VAT": the tax word says what the amount
  // leaves out, so the line states the amount before tax: no tax line, and no total; a note of the net, summed
  // with nothing (it is the items' running sum only where they are priced net).
  if (ev.tax > 0 && EXCLUDES_TAX.test(joined)) {
    ev.tax = 0;
    ev.total = Math.min(ev.total, 0.2);
    ev.summary = Math.max(ev.summary, 0.8);
  }
  if (/\b(?:ht|net|netto|excl|base)\b/.test(joined) && ev.total > 0 && ev.tax === 0) ev.total *= 0.5;
  return ev;
}

/** The tender type the label speaks for most, or null when no tender word is printed. */
export function tenderTypeOf(ev: Evidence): TenderType | null {
  let best: TenderType | null = null;
  let weight = 0.3;
  for (const t of TENDER_CONCEPTS) {
    if (ev[t] > weight) {
      best = t;
      weight = ev[t];
    }
  }
  return best;
}

export function tenderEvidence(ev: Evidence): number {
  return Math.max(ev.card, ev.cash, ev.voucher, ev.giftcard, ev.other);
}

/**
 * Evidence for a label under a set of rules: the word-level evidence, with whole-label matches (the exact labels
 * of the generic vocabulary and of a layout profile) made decisive for their concept.
 */
export function labelEvidence(label: string, vocab: CompiledVocabulary, matchers: readonly [Concept, RegExp][]): Evidence {
  const known = vocab.cache.get(label);
  if (known !== undefined) return known;
  if (vocab.cache.size >= CACHE_LIMIT) vocab.cache.clear();
  const ev = evidenceOf(label, vocab);
  vocab.cache.set(label, ev);
  const normalised = normaliseLabel(label);
  if (normalised === '') return ev;
  for (const [concept, re] of matchers) {
    if (re.test(normalised)) {
      ev[concept] = 1;
      if (concept === 'refund') ev.total = Math.max(ev.total, 1);
    }
  }
  if (ev.subtotal >= 1 && ev.total >= 1) ev.total = 0.2;
  return ev;
}
