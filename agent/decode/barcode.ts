// GS k symbologies and the data text of 1D barcodes.
import type { BarcodeBlock, BarcodeSymbology } from './document.js';

/** Form A (GS k m d1..dk NUL), m = 0..6. */
const FORM_A: readonly BarcodeSymbology[] = ['UPC-A', 'UPC-E', 'EAN13', 'EAN8', 'CODE39', 'ITF', 'CODABAR'];
/** Form B (GS k m n d1..dn), m = 65..79. */
const FORM_B: readonly BarcodeSymbology[] = [
  ...FORM_A,
  'CODE93',
  'CODE128',
  'GS1-128',
  'GS1 DataBar Omnidirectional',
  'GS1 DataBar Truncated',
  'GS1 DataBar Limited',
  'GS1 DataBar Expanded',
  'CODE128 auto',
];

export function symbologyOf(m: number): BarcodeSymbology {
  if (m <= 6) return FORM_A[m] ?? 'unknown';
  if (m >= 65 && m <= 79) return FORM_B[m - 65] ?? 'unknown';
  return 'unknown';
}

export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  }
  return s;
}

/**
 * CODE128 data as characters: "{A" "{B" "{C" select a code set, "{S" shifts, "{1".."{4" are FNC codes (all
 * dropped), "{{" is a literal brace, and in code set C each byte is a pair of digits.
 */
export function code128Text(bytes: Uint8Array): string {
  let out = '';
  let setC = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x7b && i + 1 < bytes.length) {
      const next = bytes[++i]!;
      if (next === 0x43) setC = true;
      else if (next === 0x41 || next === 0x42) setC = false;
      else if (next === 0x7b) out += '{';
      continue;
    }
    out += setC && b < 100 ? (b < 10 ? '0' : '') + String(b) : String.fromCharCode(b);
  }
  return out;
}

export interface BarcodeSettings {
  height: number;
  moduleWidth: number;
  hri: BarcodeBlock['hri'];
}

const HRI: readonly BarcodeBlock['hri'][] = ['none', 'above', 'below', 'both'];

/** GS H n: 0..3 or '0'..'3'. */
export function hriPosition(n: number): BarcodeBlock['hri'] | undefined {
  return HRI[n >= 48 ? n - 48 : n];
}

export function barcodeBlock(
  symbology: BarcodeSymbology,
  bytes: Uint8Array,
  settings: BarcodeSettings,
  align: BarcodeBlock['align'],
): BarcodeBlock {
  const data = symbology === 'CODE128' ? code128Text(bytes) : latin1(bytes);
  return {
    kind: 'barcode',
    symbology,
    data,
    hri: settings.hri,
    height: settings.height,
    moduleWidth: settings.moduleWidth,
    align,
  };
}
