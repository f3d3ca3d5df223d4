// StarPRNT page mode (ESC GS P n): text, codes and images are laid out on a page and printed at once, as in
// ESC/POS page mode, so the layout is the shared printer model's (Printer.enterPageMode, setPageArea,
// setPageY, printPage, cancelPage, leavePageMode): entries ordered by vertical position, lines at one position
// merged. Commands and parameters from the StarPRNT Command Specifications (page mode command details).
//
// The print direction (ESC GS P 2 n) turns the page: in directions 1 and 3 lines run along the paper, so the
// page's own width is the area's dy and its vertical positions run across the paper. The page is laid out in
// its own frame, which is how the receipt reads once turned; ESC GS P 2 is recorded as a page-mode event so
// the document says the page was turned.
import type { Printer } from '../printer.js';
import { NEED_MORE } from '../commands.js';
import type { StarState } from './state.js';

const u16 = (buf: Uint8Array, i: number): number => buf[i]! | (buf[i + 1]! << 8);
const fixed = (len: number, i: number, end: number): boolean => end - i >= len;

/** ESC GS P n ...: buf[i] is the ESC; returns the command's length or NEED_MORE. */
export function pageModeCommand(p: Printer, star: StarState, buf: Uint8Array, i: number, end: number, at: number): number {
  const raw = buf[i + 3]!;
  const n = raw >= 0x30 && raw <= 0x39 ? raw - 0x30 : raw;
  switch (n) {
    case 0: // select page mode
      p.enterPageMode(at + 4);
      return 4;
    case 1: // back to standard mode: what was laid out is erased unprinted
      p.leavePageMode(at + 4, 'ESC GS P 1');
      return 4;
    case 2: {
      // ESC GS P 2 n: print direction, 0 left to right, 1 bottom to top, 2 right to left, 3 top to bottom
      if (!fixed(5, i, end)) return NEED_MORE;
      const d = buf[i + 4]!;
      const direction = d >= 0x30 && d <= 0x33 ? d - 0x30 : d;
      if (direction > 3) {
        p.issue(at, `ESC GS P 2 with unknown direction ${d} ignored`);
        return 5;
      }
      star.pageDirection = direction;
      p.event('page-mode', 'ESC GS P 2', at + 5, { direction });
      return 5;
    }
    case 3: {
      // ESC GS P 3 xL xH yL yH dxL dxH dyL dyH: print area, in dots of the paper
      if (!fixed(12, i, end)) return NEED_MORE;
      const x = u16(buf, i + 4);
      const y = u16(buf, i + 6);
      const dx = u16(buf, i + 8);
      const dy = u16(buf, i + 10);
      if (star.pageDirection === 1 || star.pageDirection === 3) p.setPageArea(y, x, dy, dx);
      else p.setPageArea(x, y, dx, dy);
      return 12;
    }
    case 4: // ESC GS P 4 nL nH: absolute vertical position on the page
    case 5: {
      // ESC GS P 5 nL nH: relative vertical position, signed
      if (!fixed(6, i, end)) return NEED_MORE;
      const v = u16(buf, i + 4);
      if (n === 4) p.setPageY(v, false, at + 6);
      else p.setPageY(v >= 0x8000 ? v - 0x10000 : v, true, at + 6);
      return 6;
    }
    case 6:
      // Print the page and keep it: the data, the direction, the area and the position stay, so another
      // ESC GS P 6 or 7 prints it again with whatever was added since (ESC FF in ESC/POS).
      p.printPage(at + 4, true, true);
      return 4;
    case 7: // print the page and return to standard mode; the page is erased, the area back to the whole paper
      p.printPage(at + 4, false);
      return 4;
    case 8: // erase the page, staying in page mode
      p.cancelPage();
      return 4;
    default:
      p.issue(at, `unknown command ESC GS P ${raw} skipped`);
      return 4;
  }
}
