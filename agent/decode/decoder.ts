// The streaming ESC/POS decoder: bytes in, printed documents out, identical however the bytes are split. Text is the
// hot path and runs in a tight loop over the chunk; a command is parsed straight from the chunk, and only when
// its header straddles a chunk boundary are its first bytes copied into a small pending buffer. Command data
// of any length streams through a payload sink, so memory stays bounded whatever a header claims.
import type { DialectReport, PrintedDocument } from './document.js';
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
const REPLACEMENT_CODE_POINT = 0xfffd;

export class EscPosDecoder {
  protected readonly p: Printer;
  /** Bytes of the whole stream before the current chunk. */
  protected total = 0;
  private readonly pending = new Uint8Array(MAX_HEADER);
  private pendingLen = 0;
  private pendingAt = 0;
  /** Kanji lead byte waiting for its second byte across a chunk boundary, or -1. */
  private kanjiLead = -1;
  /** A UTF-8 sequence cut by a chunk boundary: its bytes so far and where it began. */
  private readonly utf8Held = new Uint8Array(4);
  private utf8HeldLen = 0;
  private utf8HeldAt = 0;
  private ended = false;

  constructor(opts?: DecoderOptions, dialect?: DialectReport) {
    this.p = new Printer(resolveOptions(opts), dialect);
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
      } else if (this.utf8HeldLen > 0) {
        i = this.utf8Resume(buf, i, n);
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
    if (this.utf8HeldLen > 0) {
      p.issue(this.utf8HeldAt, 'UTF-8 character truncated at end of stream');
      this.utf8HeldLen = 0;
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
    let style = p.style.style;
    let advance = p.style.advance;
    const table = p.table;
    const units = table.units;
    // Plain single-byte text takes the fast run; Kanji mode and user-defined characters go char by char.
    const fast = !p.kanjiOn && !p.userCharsOn;
    while (i < end) {
      if (fast) {
        i = line.run(buf, i, end, table, advance, style, p.areaWidth);
        if (i >= end) return i;
      }
      const b = buf[i]!;
      if (b < 0x20) {
        // LF between two lines of text prints the line, as in every command set this decoder reads, and the next
        // line goes on here rather than through the command loop. Anything else is for the loop.
        if (b !== LF || i + 1 >= end || buf[i + 1]! < 0x20) return i;
        p.lineFeed(base + i + 1);
        // The line feed ends one-line double width (SO).
        style = p.style.style;
        advance = p.style.advance;
        i++;
        continue;
      }
      if (b >= 0x80 && p.utf8) {
        i = this.utf8Char(buf, i, end, base);
        continue;
      }
      if (p.kanjiOn && p.kanji.isLeadByte(b)) {
        if (i + 1 >= end) {
          this.kanjiLead = b;
          return end;
        }
        i = this.kanjiChar(b, buf[i + 1]!, i, base);
        continue;
      }
      p.makeRoom(advance, base + i);
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
    p.makeRoom(advance, base + i);
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

  /** A UTF-8 sequence starting at buf[i] (a byte from 0x80 up); returns the index after the bytes it used. */
  private utf8Char(buf: Uint8Array, i: number, end: number, base: number): number {
    const lead = buf[i]!;
    const length = utf8Length(lead);
    if (length === 0) {
      this.utf8Invalid(base + i);
      return i + 1;
    }
    for (let j = 1; j < length; j++) {
      if (i + j >= end) {
        this.utf8Held.set(buf.subarray(i, end));
        this.utf8HeldLen = end - i;
        this.utf8HeldAt = base + i;
        return end;
      }
      // The byte that breaks a sequence is not part of it: it is read again as whatever it is.
      if (!utf8Continues(lead, j, buf[i + j]!)) {
        this.utf8Invalid(base + i);
        return i + j;
      }
    }
    this.utf8Ink(utf8CodePoint(buf, i, length), base + i);
    return i + length;
  }

  /** The rest of a sequence held from the previous chunk. */
  private utf8Resume(buf: Uint8Array, i: number, end: number): number {
    const held = this.utf8Held;
    const length = utf8Length(held[0]!);
    while (this.utf8HeldLen < length && i < end) {
      if (!utf8Continues(held[0]!, this.utf8HeldLen, buf[i]!)) {
        this.utf8HeldLen = 0;
        this.utf8Invalid(this.utf8HeldAt);
        return i;
      }
      held[this.utf8HeldLen++] = buf[i++]!;
    }
    if (this.utf8HeldLen === length) {
      this.utf8HeldLen = 0;
      this.utf8Ink(utf8CodePoint(held, 0, length), this.utf8HeldAt);
    }
    return i;
  }

  private utf8Ink(codePoint: number, at: number): void {
    const p = this.p;
    const advance = isWide(codePoint) ? p.style.kanjiAdvance : p.style.advance;
    p.makeRoom(advance, at);
    p.line.inkText(String.fromCodePoint(codePoint), advance, p.style.style);
  }

  private utf8Invalid(at: number): void {
    this.p.issue(at, 'invalid UTF-8 sequence');
    this.utf8Ink(REPLACEMENT_CODE_POINT, at);
  }

  /** While the printer is deselected (ESC = ), printable bytes go nowhere. */
  private skipText(buf: Uint8Array, i: number, end: number): number {
    while (i < end && buf[i]! >= 0x20) i++;
    return i;
  }

  /** A byte below 0x20: ESC/POS control codes and command prefixes (a dialect's decoder overrides this). */
  protected control(buf: Uint8Array, i: number, end: number, base: number): number {
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
      case DLE:
        return this.command(buf, i, end, base);
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

  /** A command starting at buf[i]: applied now, or held until its header is complete. */
  protected command(buf: Uint8Array, i: number, end: number, base: number): number {
    const used = this.parse(buf, i, end, base + i);
    if (used !== NEED_MORE) return i + used;
    this.pending.set(buf.subarray(i, end));
    this.pendingLen = end - i;
    this.pendingAt = base + i;
    return end;
  }

  /** The command set's tokenizer: ESC/POS here. */
  protected parse(buf: Uint8Array, i: number, end: number, at: number): number {
    return parseCommand(this.p, buf, i, end, at);
  }

  /** More bytes for a command whose header began in an earlier chunk. */
  private resumePending(buf: Uint8Array, i: number, end: number): number {
    const had = this.pendingLen;
    const take = Math.min(end - i, MAX_HEADER - had);
    this.pending.set(buf.subarray(i, i + take), had);
    this.pendingLen = had + take;
    const used = this.parse(this.pending, 0, this.pendingLen, this.pendingAt);
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

/** Bytes in the UTF-8 sequence a lead byte starts; 0 for a byte that cannot start one (RFC 3629). */
function utf8Length(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** Whether `b` may be byte `index` (1 up) of the sequence `lead` starts: no overlong forms, surrogates or code points past U+10FFFF. */
function utf8Continues(lead: number, index: number, b: number): boolean {
  if (index === 1) {
    if (lead === 0xe0) return b >= 0xa0 && b <= 0xbf;
    if (lead === 0xed) return b >= 0x80 && b <= 0x9f;
    if (lead === 0xf0) return b >= 0x90 && b <= 0xbf;
    if (lead === 0xf4) return b >= 0x80 && b <= 0x8f;
  }
  return b >= 0x80 && b <= 0xbf;
}

function utf8CodePoint(bytes: Uint8Array, i: number, length: number): number {
  let cp = bytes[i]! & (length === 2 ? 0x1f : length === 3 ? 0x0f : 0x07);
  for (let j = 1; j < length; j++) cp = (cp << 6) | (bytes[i + j]! & 0x3f);
  return cp;
}

/** East Asian wide characters take a Kanji cell, as the printer's Unicode fonts print them. */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    cp >= 0x20000
  );
}
