// GS ( k: two-dimensional codes. Settings functions update per-symbology state, "store data" (fn 80) keeps
// the data, "print" (fn 81) emits a block with both. cn picks the symbology.
import type { TwoDCodeBlock, TwoDSymbology } from './document.js';

const SYMBOLOGY: Readonly<Record<number, TwoDSymbology>> = {
  48: 'PDF417',
  49: 'QR',
  50: 'MaxiCode',
  51: 'GS1 DataBar 2D',
  52: 'Composite',
  53: 'Aztec',
  54: 'DataMatrix',
};

/** Names of the single-value settings functions, per symbology (Epson GS ( k function numbers). */
const SETTING_NAMES: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  48: { 65: 'columns', 66: 'rows', 67: 'moduleWidth', 68: 'rowHeight', 70: 'options' },
  49: { 67: 'moduleSize' },
  50: { 65: 'mode' },
  51: { 67: 'moduleWidth', 71: 'maxWidth' },
  52: { 67: 'moduleWidth', 71: 'maxWidth', 72: 'hriFont' },
  53: { 67: 'moduleSize', 69: 'errorCorrection' },
  54: { 67: 'moduleSize' },
};

const QR_LEVELS = ['L', 'M', 'Q', 'H'];
const QR_MODELS: Readonly<Record<number, string>> = { 49: '1', 50: '2', 51: 'micro' };

/** Store-data function and how many parameter bytes precede the data (cn fn m, or cn fn m a for Composite). */
export const STORE_FN = 80;
export const PRINT_FN = 81;
export function storeHeaderLength(cn: number): number {
  return cn === 52 ? 4 : 3;
}

export function isKnownSymbology(cn: number): boolean {
  return SYMBOLOGY[cn] !== undefined;
}

export class TwoDState {
  private readonly settings = new Map<number, Record<string, number | string>>();
  private readonly data = new Map<number, string>();

  reset(): void {
    this.settings.clear();
    this.data.clear();
  }

  private settingsOf(cn: number): Record<string, number | string> {
    let s = this.settings.get(cn);
    if (s === undefined) {
      s = {};
      this.settings.set(cn, s);
    }
    return s;
  }

  /** A settings function: its parameters are buf[from, to), the bytes after cn fn. False when not known. */
  applySetting(cn: number, fn: number, buf: Uint8Array, from: number, to: number): boolean {
    if (!isKnownSymbology(cn)) return false;
    const s = this.settingsOf(cn);
    const param = (k: number): number => (from + k < to ? buf[from + k]! : 0);
    const p0 = param(0);
    const p1 = param(1);
    if (cn === 49 && fn === 65) {
      s.model = QR_MODELS[p0] ?? p0;
      return true;
    }
    if (cn === 49 && fn === 69) {
      s.errorCorrection = QR_LEVELS[p0 - 48] ?? p0;
      return true;
    }
    if (cn === 48 && fn === 69) {
      // m = 48: level n (48..56); m = 49: ratio n x 10 %
      s.errorCorrection = p0 === 48 ? `level ${p1 - 48}` : `${p1 * 10}%`;
      return true;
    }
    if (cn === 54 && fn === 66) {
      s.type = p0 === 48 ? 'square' : 'rectangle';
      s.columns = p1;
      s.rows = param(2);
      return true;
    }
    if (cn === 53 && fn === 66) {
      s.mode = p0 === 48 ? 'full-range' : 'compact';
      s.layers = p1;
      return true;
    }
    const name = SETTING_NAMES[cn]?.[fn];
    if (name === undefined) return false;
    s[name] = p0;
    return true;
  }

  store(cn: number, text: string): void {
    if (isKnownSymbology(cn)) this.data.set(cn, text);
  }

  print(cn: number, align: TwoDCodeBlock['align']): TwoDCodeBlock | null {
    const symbology = SYMBOLOGY[cn];
    if (symbology === undefined) return null;
    return {
      kind: '2d',
      symbology,
      data: this.data.get(cn) ?? '',
      settings: { ...(this.settings.get(cn) ?? {}) },
      align,
    };
  }
}
