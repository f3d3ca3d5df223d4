// The streaming decoder: bytes in, printed documents out, identical however the bytes are split. Text is the
// hot path and runs in a tight loop over the chunk; a command is parsed straight from the chunk, and only when
// its header straddles a chunk boundary are its first bytes copied into a small pending buffer. Command data
// of any length streams through a payload sink, so memory stays bounded whatever a header claims.
import type { PrintedDocument } from './document.js';
import { resolveOptions, type DecoderOptions } from './options.js';
import { Printer } from './printer.js';
import { MAX_HEADER, NEED_MORE, parseCommand } from './commands.js';
import { USER_DEFINED_CHAR } from './chartable.js';

const HT = 0x09;
const LF = 0x0a;
const FF = 0x0c;
const CR = 0x0d;
const CAN = 0x18;
const BEL = 0x07;
const SO = 0x0e;
const DC4 = 0x14;
const DLE = 0x10;
const ESC = 0x1b;
const FS = 0x1c;
const GS = 0x1d;
const REPLACEMENT = '\ufffd';

export class Decoder {
  private readonly p: Printer;
  /** Bytes of the whole stream before the current chunk. */
  private total = 0;
  private readonly pending = new Uint8Array(MAX_HEADER);
  private pendingLen = 0;
  private pendingAt = 0;
  /** Kanji lead byte waiting for its second byte across a chunk boundary, or -1. */
  private kanjiLead = -1;
  private ended = false;

  constructor(opts?: DecoderOptions) {
    this.p = new Printer(resolveOptions(opts));
  }

  /** Feed bytes; returns the documents completed (ended by a cut) within them. */
  write(chunk: Uint8Array): PrintedDocument[] {
    if (this.ended) throw new Error('Decoder.write after end()');
    this.feed(chunk, this.total);
    this.total += chunk.length;
    return this.collect();
  }

  /** Decode `buf`, whose first byte is at stream offset `base`. */
  private feed(buf: Uint8Array, base: number): void {
    const p = this.p;
    const n = buf.length;
    let i = 0;
    while (i < n) {
      if (p.sink !== null) {
        i = p.sink.take(buf, i, n);
        if (p.sink.done) p.sink = null;
      } else if (this.pendingLen > 0) {
        i = this.resumePending(buf, i, n);
      } else if (this.kanjiLead >= 0) {
        i = this.kanjiTrail(buf, i, base);
      } else if (buf[i]! >= 0x20) {
        i = p.selected ? this.text(buf, i, n, base) : this.skipText(buf, i, n);
      } else {
        i = this.control(buf, i, n, base);
      }
    }
  }

  /** End of stream: finish what is in progress and return the remaining documents. */
  end(): PrintedDocument[] {
    if (this.ended) return [];
    this.ended = true;
    const p = this.p;
    const at = this.total;
    if (this.pendingLen > 0) {
      p.issue(this.pendingAt, `command truncated at end of stream (${this.describePending()})`);
      this.pendingLen = 0;
    }
    if (this.kanjiLead >= 0) {
      p.issue(at - 1, 'Kanji character truncated at end of stream');
      this.kanjiLead = -1;
    }
    if (p.sink !== null) {
      p.sink.abort();
      p.sink = null;
    }
    if (p.pageMode) {
      p.issue(at, 'page mode data never printed (no FF); emitted at end of stream');
      p.printPage(at, false);
    }
    p.flushLine(at);
    if (p.documentHasContent || at > p.docStart) p.endDocument(at);
    return this.collect();
  }

  private collect(): PrintedDocument[] {
    const out = this.p.out;
    if (out.length === 0) return [];
    this.p.out = [];
    return out;
  }

  /** Printable bytes until the next control byte or the end of the chunk. */
  private text(buf: Uint8Array, i: number, end: number, base: number): number {
    const p = this.p;
    const line = p.line;
    const style = p.style.style;
    const advance = p.style.advance;
    const units = p.table.units;
    // Plain single-byte text takes the fast run; Kanji mode and user-defined characters go char by char.
    const fast = !p.kanjiOn && !p.userCharsOn;
    while (i < end) {
      if (fast) {
        i = line.run(buf, i, end, units, advance, style, p.areaWidth);
        if (i >= end) return i;
      }
      const b = buf[i]!;
      if (b < 0x20) return i;
      if (p.kanjiOn && p.kanji.isLeadByte(b)) {
        if (i + 1 >= end) {
          this.kanjiLead = b;
          return end;
        }
        i = this.kanjiChar(b, buf[i + 1]!, i, base);
        continue;
      }
      if (line.x + advance > p.areaWidth && line.x > 0) p.wrap(base + i);
      // Looked up first: a user-defined character can replace even the space.
      const u = units[b]!;
      if (u === 0x20) line.space(advance);
      else if (u === 0) line.inkText(p.table.strings[b]!, advance, style);
      else {
        line.ink(u, advance, style);
        if (u === USER_DEFINED_CHAR && p.userCharsOn) p.userGlyphPrinted(base + i);
      }
      i++;
    }
    return i;
  }

  /** A double-byte character; returns the index after the bytes it used (the trail byte is not used if invalid). */
  private kanjiChar(lead: number, trail: number, i: number, base: number): number {
    const p = this.p;
    const advance = p.style.kanjiAdvance;
    if (p.line.x + advance > p.areaWidth && p.line.x > 0) p.wrap(base + i);
    // A control byte cannot be a trail byte: it ends the character and is processed as a control.
    const decoded = trail >= 0x20 ? p.kanji.decode(lead, trail) : '';
    if (decoded === '' || decoded === REPLACEMENT) {
      p.issue(base + i, `invalid double-byte character 0x${lead.toString(16)} 0x${trail.toString(16)}`);
      p.line.inkText(REPLACEMENT, advance, p.style.style);
      return trail >= 0x20 ? i + 2 : i + 1;
    }
    p.line.inkText(decoded, advance, p.style.style);
    return i + 2;
  }

  private kanjiTrail(buf: Uint8Array, i: number, base: number): number {
    const lead = this.kanjiLead;
    this.kanjiLead = -1;
    // The lead byte was the last of the previous chunk: index i - 1 in stream terms.
    return this.kanjiChar(lead, buf[i]!, i - 1, base);
  }

  /** While the printer is deselected (ESC = ), printable bytes go nowhere. */
  private skipText(buf: Uint8Array, i: number, end: number): number {
    while (i < end && buf[i]! >= 0x20) i++;
    return i;
  }

  private control(buf: Uint8Array, i: number, end: number, base: number): number {
    const p = this.p;
    const b = buf[i]!;
    switch (b) {
      case LF:
        p.lineFeed(base + i + 1);
        return i + 1;
      case HT:
        if (p.selected) p.tab();
        return i + 1;
      case CR:
        // Carriage return prints only with automatic line feed, which receipt printers ship disabled.
        return i + 1;
      case FF:
        if (p.pageMode) p.printPage(base + i + 1, false);
        else p.flushLine(base + i + 1);
        return i + 1;
      case CAN:
        p.cancelPage();
        return i + 1;
      case ESC:
      case GS:
      case FS:
      case DLE: {
        const used = parseCommand(p, buf, i, end, base + i);
        if (used !== NEED_MORE) return i + used;
        this.pending.set(buf.subarray(i, end));
        this.pendingLen = end - i;
        this.pendingAt = base + i;
        return end;
      }
      case SO:
      case DC4:
        // Older ESC/POS one-line double width, still sent by generic drivers.
        p.style.oneLineDoubleWidth = b === SO;
        p.style.update();
        return i + 1;
      case BEL:
        // Not an Epson command, but the buzzer on Star-style and many compatible printers.
        p.event('buzzer', 'BEL', base + i + 1);
        return i + 1;
      case 0:
        return i + 1;
      default:
        p.issue(base + i, `control code 0x${b.toString(16).padStart(2, '0')} ignored`);
        return i + 1;
    }
  }

  /** More bytes for a command whose header began in an earlier chunk. */
  private resumePending(buf: Uint8Array, i: number, end: number): number {
    const had = this.pendingLen;
    const take = Math.min(end - i, MAX_HEADER - had);
    this.pending.set(buf.subarray(i, i + take), had);
    this.pendingLen = had + take;
    const used = parseCommand(this.p, this.pending, 0, this.pendingLen, this.pendingAt);
    if (used === NEED_MORE) {
      if (this.pendingLen < MAX_HEADER) return i + take;
      // Cannot happen by construction (every header fits MAX_HEADER); drop the bytes rather than stall.
      this.p.issue(this.pendingAt, `command header longer than ${MAX_HEADER} bytes dropped`);
      this.pendingLen = 0;
      return i + take;
    }
    this.pendingLen = 0;
    if (used >= had) return i + (used - had);
    // The command needed more bytes to decide its length than it has (a short length-prefixed function):
    // what it did not use came from earlier chunks and is decoded now, before this chunk goes on.
    this.feed(this.pending.slice(used, had), this.pendingAt + used);
    return i;
  }

  private describePending(): string {
    const names: Record<number, string> = { [ESC]: 'ESC', [GS]: 'GS', [FS]: 'FS', [DLE]: 'DLE' };
    const first = this.pending[0]!;
    const second = this.pendingLen > 1 ? this.pending[1]! : -1;
    const secondText =
      second < 0 ? '' : second >= 0x21 && second <= 0x7e ? ` ${String.fromCharCode(second)}` : ` 0x${second.toString(16)}`;
    return `${names[first] ?? first}${secondText}, ${this.pendingLen} bytes`;
  }
}

/** One-shot decode of a whole buffer. */
export function decode(bytes: Uint8Array, opts?: DecoderOptions): PrintedDocument[] {
  const decoder = new Decoder(opts);
  const docs = decoder.write(bytes);
  for (const doc of decoder.end()) docs.push(doc);
  return docs;
}
