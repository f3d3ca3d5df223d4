// The section headings a workshop's or a trade counter's invoice prints over its lines: labour, then parts, then
// the rest ("MANO DE OBRA" / "RECAMBIOS", "MAIN D'OEUVRE (taux horaire 78,00)" / "PIÈCES ET FOURNITURES",
// "Arbeitslohn:" / "Material:" / "Sonstiges:"). A heading names no article: it is neither the start of the name
// under it nor the end of the one above.

/** The trade's words for its sections, in the six languages, as the first words of a line. */
const SECTION_WORD =
  /^(?:main[ -]d['’]?(?:oe|œ)uvre|mano de obra|manodopera|arbeitslohn|arbeitsleistungen|arbeitswerte|lohnarbeiten|arbeidsloon|labou?r|pi[eè]ces(?: (?:et|&) fournitures)?|fournitures|recambios|repuestos|materiales|ricambi|onderdelen|materiaal|parts(?: (?:and|&) materials)?|ersatzteile|teile|material|sonstiges|divers|varios|otros conceptos|varie|overige?|sundries)(?![\p{L}])/iu;
const HAS_LOWER = /\p{Ll}/u;

/**
 * A line that heads a section of such an invoice: a section word, then at most a bracketed note ("(taux horaire
 * 78,00)"), in capitals or closed by a colon ("Material:").
 */
export function sectionHeading(line: string): boolean {
  const m = SECTION_WORD.exec(line);
  if (m === null) return false;
  const rest = line.slice(m[0].length).trim();
  if (rest !== '' && rest !== ':' && !(rest.startsWith('(') && rest.endsWith(')'))) return false;
  return rest === ':' || !HAS_LOWER.test(m[0]);
}
