// The share of receipts fully reconciled, over everything seen or over a rolling window of the latest ones.
// `posbridge profile test` reports it for a set of captures; the daemon keeps one per till and raises an alarm
// when it drops, which is how a till update that changed the layout shows up.
import type { Basket } from './basket.js';
import { reconciled } from './checks.js';

export class ReconciliationTally {
  private readonly window: boolean[] = [];
  private next = 0;
  private reconciledCount = 0;

  /** @param size how many of the latest receipts the share covers (Infinity: all of them). */
  constructor(private readonly size = Number.POSITIVE_INFINITY) {
    if (!(size >= 1)) throw new RangeError('window size must be at least 1');
  }

  add(basket: Pick<Basket, 'checks'>): void {
    this.record(reconciled(basket.checks));
  }

  /** Counts one receipt by its outcome alone (the daemon's job summaries carry no checks). */
  record(ok: boolean): void {
    if (this.window.length < this.size) {
      this.window.push(ok);
    } else {
      if (this.window[this.next]) this.reconciledCount--;
      this.window[this.next] = ok;
      this.next = (this.next + 1) % this.size;
    }
    if (ok) this.reconciledCount++;
  }

  get count(): number {
    return this.window.length;
  }

  get reconciled(): number {
    return this.reconciledCount;
  }

  /** Reconciled / counted; 0 when nothing has been counted (no evidence is not good evidence). */
  get share(): number {
    return this.window.length === 0 ? 0 : this.reconciledCount / this.window.length;
  }
}
