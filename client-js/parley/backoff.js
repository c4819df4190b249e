const RECONNECT_DEFAULTS = Object.freeze({
  initialDelay: 250, maxDelay: 30_000, multiplier: 2, jitter: 0.5, maxAttempts: 0,
});

/**
 * Reconnect delays: attempt n waits min(maxDelay, initialDelay · multiplier^(n-1)) less a random
 * part of up to `jitter` of it, so that clients cut off together do not come back together.
 */
export class Backoff {
  #policy;
  #attempt = 0;

  /** `reconnect` is options.reconnect: the policy's settings to change, or false for no reconnecting. */
  constructor(reconnect) {
    this.#policy = { ...RECONNECT_DEFAULTS, ...(reconnect === false ? { maxAttempts: -1 } : reconnect) };
  }

  get attempts() {
    return this.#attempt;
  }

  /** The delay before the next attempt, or -1 when the attempts are used up (maxAttempts -1: none at all). */
  next() {
    const { initialDelay, maxDelay, multiplier, jitter, maxAttempts } = this.#policy;
    if (maxAttempts < 0 || (maxAttempts > 0 && this.#attempt >= maxAttempts)) {
      return -1;
    }
    const ceiling = Math.min(maxDelay, initialDelay * multiplier ** Math.min(this.#attempt, 64));
    this.#attempt++;
    return Math.round(ceiling - Math.random() * jitter * ceiling);
  }

  reset() {
    this.#attempt = 0;
  }
}
