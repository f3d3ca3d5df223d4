// The table-lookup floor the decoder is measured against: the least work any decoder of these bytes must do to
// give their text. One pass over the bytes in the same 64 KiB chunks, each printable byte mapped through the
// code page's table (the decoder's own PC437 table), one string per line at LF, kept until the chunk's end as
// the decoder keeps its documents. It is written to be fast, not to lose: a line is kept as bytes while its
// characters are Latin-1 (one store per byte, a one-byte string) and as UTF-16 from its first wider character
// (the fastest of the ways tried). It reads no commands (their parameter bytes are taken as text) and keeps no
// styles, spans or positions: a floor, not a decoder.
import { charTable } from '../agent/decode/chartable.js';

const LF = 0x0a;
const MAX_LINE = 4096;

type Slice = (this: Buffer, start: number, end: number) => string;
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice: Slice }).latin1Slice;
const ucs2Slice = (Buffer.prototype as unknown as { ucs2Slice: Slice }).ucs2Slice;

/** The PC437 table the decoder starts with (ESC t 0). */
export const FLOOR_TABLE: Uint16Array = charTable(0, 0).units;

/** The floor's state across chunks, as a decoder keeps its own: the line so far. */
export class TableFloor {
  private readonly bytes = Buffer.allocUnsafe(MAX_LINE);
  private readonly units = new Uint16Array(MAX_LINE);
  private readonly unitBytes = Buffer.from(this.units.buffer);
  private len = 0;
  /** The line has a character above U+00FF: it is kept in `units` from then on. */
  private wide = false;

  constructor(private readonly table: Uint16Array = FLOOR_TABLE) {}

  /** The lines completed in `chunk`. */
  write(chunk: Uint8Array): string[] {
    const { bytes, units, table } = this;
    const lines: string[] = [];
    let len = this.len;
    let wide = this.wide;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b >= 0x20) {
        if (len < MAX_LINE) {
          const u = table[b]!;
          if (u > 0xff && !wide) {
            wide = true;
            for (let j = 0; j < len; j++) units[j] = bytes[j]!;
          }
          if (wide) units[len++] = u;
          else bytes[len++] = u;
        }
      } else if (b === LF) {
        lines.push(wide ? ucs2Slice.call(this.unitBytes, 0, len * 2) : latin1Slice.call(bytes, 0, len));
        len = 0;
        wide = false;
      }
    }
    this.len = len;
    this.wide = wide;
    return lines;
  }
}

/** Runs the floor over `job` in `chunk`-byte writes; returns the characters of all lines (so no work can be optimised away). */
export function tableFloor(job: Uint8Array, chunk: number): number {
  const floor = new TableFloor();
  let characters = 0;
  for (let from = 0; from < job.length; from += chunk) {
    for (const line of floor.write(job.subarray(from, from + chunk))) characters += line.length;
  }
  return characters;
}
