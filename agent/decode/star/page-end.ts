// What Star's raster graphics mode does at the end of a page or document: the EOT, FF and EM modes set by
// ESC * r E / F / e n NUL and run by ESC FF EOT / NUL / EM (and ESC * r B, which runs the EOT mode on its way
// out). Each mode is a paper movement (none, feed to the cutter, feed to the tear bar) and a cut (none, full,
// partial), as tabulated in the STAR Graphic Mode Command Specifications (Rev. 2.31, ESC * r E / F / e) and in
// Star's SDK help for raster mode. A cut or a tear-bar feed ends the receipt: the document ends there.
import type { Printer } from '../printer.js';

interface PageEnd {
  readonly cut?: 'full' | 'partial';
  readonly feed?: 'cutter' | 'tear-bar';
  /** Presenter models hand the cut receipt out. */
  readonly eject?: boolean;
}

/** Mode 0 is "set to default": Star's cutter models ship with 13 (feed to the cutter, partial cut). */
export const DEFAULT_PAGE_END = 13;

const PAGE_ENDS: Readonly<Record<number, PageEnd>> = {
  1: {},
  2: { feed: 'cutter' },
  3: { feed: 'tear-bar' },
  8: { cut: 'full' },
  9: { cut: 'full', feed: 'cutter' },
  12: { cut: 'partial' },
  13: { cut: 'partial', feed: 'cutter' },
  36: { cut: 'full', eject: true },
  37: { cut: 'full', feed: 'cutter', eject: true },
};

/** Whether `n` is a mode the specifications define (0 included); others leave the mode as it was. */
export function isPageEnd(n: number): boolean {
  return n === 0 || Object.hasOwn(PAGE_ENDS, n);
}

/** Runs mode `n` after what is on the page was printed; `command` names what ran it, `at` is just after it. */
export function endPage(p: Printer, n: number, command: string, at: number): void {
  const end = PAGE_ENDS[n === 0 ? DEFAULT_PAGE_END : n] ?? {};
  if (end.cut !== undefined) {
    const detail: Record<string, string | boolean> = { mode: end.cut, feed: end.feed === 'cutter' };
    if (end.eject === true) detail['eject'] = true;
    p.event('cut', command, at, detail);
    p.endDocument(at);
  } else if (end.feed !== undefined) {
    p.event('feed', command, at, { to: end.feed });
    if (end.feed === 'tear-bar') p.endDocument(at);
  }
}

/** A raster-mode parameter: decimal digits in ASCII ("up to 255 digits"); null when it is not a number. */
export function decimalParameter(data: Uint8Array, most: number): number | null {
  if (data.length === 0) return null;
  let n = 0;
  for (const b of data) {
    if (b < 0x30 || b > 0x39) return null;
    n = Math.min(most, n * 10 + (b - 0x30));
  }
  return n;
}
