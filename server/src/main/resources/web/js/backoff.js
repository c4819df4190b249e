/**
 * Reconnect delays: exponential growth from `initialMs` up to `maxMs`, each delay drawn at random
 * from its upper half ("equal jitter"), so that many clients cut off at once do not come back at
 * the same instant.
 */
export class Backoff {
  #initialMs;
  #maxMs;
  #random;
  #attempt = 0;

  constructor(initialMs, maxMs, random = Math.random) {
    this.#initialMs = initialMs;
    this.#maxMs = Math.max(initialMs, maxMs);
    this.#random = random;
  }

  /** The delay before the next attempt; each call counts one more failed attempt. */
  next() {
    const ceiling = Math.min(this.#maxMs, this.#initialMs * 2 ** this.#attempt);
    this.#attempt = Math.min(this.#attempt + 1, 30);
    return Math.round(ceiling / 2 + this.#random() * (ceiling / 2));
  }

  /** Starts again from the initial delay, after a connection succeeded. */
  reset() {
    this.#attempt = 0;
  }
}
