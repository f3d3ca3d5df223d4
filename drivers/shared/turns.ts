/**
 * First come, first served exclusive use of one resource. A persistent line has one writer at a time:
 * two tills printing at once over one serial printer must not interleave their bytes.
 */
export class Turns {
  #tail: Promise<void> = Promise.resolve();

  /** Resolves when it is the caller's turn, with a function that ends the turn (idempotent). */
  take(): Promise<() => void> {
    let release!: () => void;
    const finished = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ready = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => finished);
    return ready;
  }
}
