// The Star decoder (Star Line mode and StarPRNT): the ESC/POS decoder's streaming loop, text hot path and
// chunk-boundary handling, with Star's control codes and its tokenizer in place of Epson's. Output is the same
// document model, identical however the stream is split.
import type { DialectReport, PrintedDocument } from '../document.js';
import { EscPosDecoder } from '../decoder.js';
import type { DecoderOptions } from '../options.js';
import { NEED_MORE } from '../commands.js';
import { parseStarCommand } from './commands.js';
import { StarState } from './state.js';

const ENQ = 0x05;
const EOT = 0x04;
const BEL = 0x07;
const HT = 0x09;
const LF = 0x0a;
const VT = 0x0b;
const FF = 0x0c;
const CR = 0x0d;
const SO = 0x0e;
const SI = 0x0f;
const DC2 = 0x12;
const DC4 = 0x14;
const ETB = 0x17;
const CAN = 0x18;
const EM = 0x19;
const SUB = 0x1a;
const ESC = 0x1b;
const FS = 0x1c;

export class StarDecoder extends EscPosDecoder {
  private readonly star: StarState;

  constructor(opts: DecoderOptions, dialect: DialectReport) {
    // Star printers number their code pages their own way (ESC GS t): Star's table unless the setup names one.
    super({ ...opts, dialect: dialect.name, codePageNumbering: opts.codePageNumbering ?? 'star' }, dialect);
    this.star = new StarState(this.p.opts.imageLimitBytes);
  }

  override end(): PrintedDocument[] {
    // A raster image still open at the end of the stream is printed, as the printer would on leaving the mode.
    this.star.raster.leave(this.p, this.total);
    return super.end();
  }

  protected override parse(buf: Uint8Array, i: number, end: number, at: number): number {
    const used = parseStarCommand(this.p, this.star, buf, i, end, at);
    // Inside raster graphics mode the bytes up to the next ESC are raster rows, not text.
    if (used !== NEED_MORE && this.star.raster.active && this.p.sink === null) this.p.sink = this.star.raster.sink(this.p, at + used);
    return used;
  }

  protected override control(buf: Uint8Array, i: number, end: number, base: number): number {
    const p = this.p;
    const b = buf[i]!;
    const at = base + i;
    switch (b) {
      case ESC:
        return this.command(buf, i, end, base);
      case LF:
      case VT:
        p.lineFeed(at + 1);
        return i + 1;
      case CR:
        // Star drivers end lines with CR LF or LF CR; the LF prints the line.
        return i + 1;
      case HT:
        p.tab();
        return i + 1;
      case FF:
        p.flushLine(at + 1);
        return i + 1;
      case CAN:
        // Cancels the line in the print buffer.
        p.line.clear();
        return i + 1;
      case SO:
      case DC4:
        // Double width on / off (not one-line, unlike ESC/POS's SO).
        p.style.widthMul = b === SO ? 2 : 1;
        p.style.update();
        return i + 1;
      case SI:
      case DC2:
        p.style.upsideDown = b === SI;
        p.style.update();
        return i + 1;
      case BEL:
      case FS:
      case SUB:
      case EM:
        // Drive peripheral 1 (BEL, FS at once) or 2 (SUB, EM at once): the cash drawer on its pulse widths.
        p.event('drawer-pulse', DRAWER_COMMANDS[b]!, at + 1, {
          device: b === BEL || b === FS ? 1 : 2,
          onMs: this.star.pulseOnMs,
          offMs: this.star.pulseOffMs,
        });
        return i + 1;
      case ENQ:
      case EOT:
        p.event('status-request', b === ENQ ? 'ENQ' : 'EOT', at + 1);
        return i + 1;
      case ETB:
      case 0:
        return i + 1;
      default:
        p.issue(at, `control code 0x${b.toString(16).padStart(2, '0')} ignored`);
        return i + 1;
    }
  }
}

const DRAWER_COMMANDS: Readonly<Record<number, string>> = { [BEL]: 'BEL', [FS]: 'FS', [SUB]: 'SUB', [EM]: 'EM' };
