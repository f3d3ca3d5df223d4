// Commands of printers that speak ESC/POS with their own additions (Bematech, Daruma, Elgin and the generic
// "ESC/POS compatible" clones), recognised only where the Epson reference leaves the code undefined, so an
// Epson job decodes exactly as before. Without them each would be skipped as an unknown two-byte command
// and its parameters would print as stray text.
import type { Printer } from './printer.js';
import { CollectSink, UntilNulSink } from './payload.js';
import { latin1 } from './barcode.js';

export const NOT_DIALECT = 0;
const NEED_MORE = -1;
/** Longest QR data kept (a QR code holds at most 7089 characters). */
const MAX_QR = 8192;

/** ESC x not defined by Epson; returns the command length, NEED_MORE, or NOT_DIALECT. */
export function dialectEsc(p: Printer, buf: Uint8Array, i: number, end: number, at: number): number {
  const c = buf[i + 1]!;
  switch (c) {
    case 0x1d: {
      // ESC GS t n: code page in Star's numbering (Star printers in ESC/POS mode, as escpos-php and python-escpos
      // drive them); another ESC GS command is two unknown bytes, as before.
      if (end - i < 3) return NEED_MORE;
      if (buf[i + 2] !== 0x74) return NOT_DIALECT;
      if (end - i < 4) return NEED_MORE;
      p.selectCodeTableIn('star', buf[i + 3]!);
      return 4;
    }
    case 0x46: // ESC F: emphasis off (Bematech, Daruma, Elgin)
      p.style.emphasized = false;
      p.style.update();
      return 2;
    case 0x6a: {
      // ESC j n: justification (Daruma)
      if (end - i < 3) return NEED_MORE;
      const n = buf[i + 2]! & 0x0f;
      if (n <= 2) p.align = (['left', 'center', 'right'] as const)[n]!;
      return 3;
    }
    case 0x77: // ESC w n: double height on/off (Daruma)
      if (end - i < 3) return NEED_MORE;
      p.numberedBy('daruma');
      p.style.heightMul = (buf[i + 2]! & 1) === 1 ? 2 : 1;
      p.style.update();
      return 3;
    case 0x81: {
      // ESC 0x81 pL pH size level d...: QR code (Daruma)
      if (end - i < 4) return NEED_MORE;
      const k = buf[i + 2]! | (buf[i + 3]! << 8);
      const align = p.align;
      p.sink = new CollectSink(k, 2, Math.max(0, k - 2), MAX_QR, (data, complete) => {
        if (!complete) p.issue(at, 'ESC 0x81 QR data truncated at end of stream');
        p.flushLine(at);
        p.emit({ kind: '2d', symbology: 'QR', data: latin1(data.bytes()), settings: {}, align }, at + 4 + k);
      });
      return 4;
    }
    default:
      return NOT_DIALECT;
  }
}

/** GS x not defined by Epson. */
export function dialectGs(p: Printer, buf: Uint8Array, i: number, end: number): number {
  if (buf[i + 1] === 0xf9) {
    // GS 0xF9 f n: Bematech configuration; GS 0xF9 '5' '0' selects its native command set, '1' ESC/POS.
    if (end - i < 4) return NEED_MORE;
    if (buf[i + 2] === 0x35) p.bematechNative = buf[i + 3] === 0x30;
    return 4;
  }
  if (buf[i + 1] === 0x6f) {
    // GS o 0 size 0 type: QR settings (Elgin)
    return end - i < 6 ? NEED_MORE : 6;
  }
  return NOT_DIALECT;
}

/**
 * GS k with a type Epson does not define. Bematech prints QR with GS k Q e s v enc pL pH d... NUL; others
 * (Elgin's QR is GS k 11 ... NUL) end their data with NUL as Epson's form A does, so that is what is assumed.
 */
export function dialectBarcode(p: Printer, buf: Uint8Array, i: number, end: number, at: number): number {
  const m = buf[i + 2]!;
  const align = p.align;
  if (m === 0x51) {
    if (end - i < 9) return NEED_MORE;
    p.sink = new UntilNulSink(MAX_QR, (data, terminated) => {
      if (!terminated) p.issue(at, 'GS k Q QR data without NUL terminator');
      p.flushLine(at);
      p.emit({ kind: '2d', symbology: 'QR', data: latin1(data), settings: {}, align }, at + 9 + data.length + 1);
    });
    return 9;
  }
  p.issue(at, `GS k with non-Epson barcode type ${m}: data taken up to NUL`);
  p.sink = new UntilNulSink(255, (data) => {
    p.flushLine(at);
    p.emit(
      { kind: 'barcode', symbology: 'unknown', data: latin1(data), hri: p.barcode.hri, height: p.barcode.height, moduleWidth: p.barcode.moduleWidth, align },
      at + 3 + data.length + 1,
    );
  });
  return 3;
}

/** ESC v n in Bematech's native command set: drawer pulse of n ms (Epson's ESC v is a 2-byte status request). */
export function bematechDrawer(p: Printer, buf: Uint8Array, i: number, end: number, at: number): number {
  if (end - i < 3) return NEED_MORE;
  p.event('drawer-pulse', 'ESC v', at + 3, { pin: 2, onMs: buf[i + 2]! });
  return 3;
}
