/** The first round trip is measured once the page has settled after `welcome` (joins, first render). */
const FIRST_PING_DELAY_MS = 1000;

/** Measures the round trip shown next to "Connected": a `ping` every ping interval while online. */
export class RoundTrip {
  #store;
  #config;
  /** The client measured, null while stopped. */
  #client = null;
  #timer = 0;

  constructor(store, config) {
    this.#store = store;
    this.#config = config;
  }

  /** Starts measuring on `client`, which was just welcomed. */
  start(client) {
    this.stop();
    this.#client = client;
    this.#schedule(FIRST_PING_DELAY_MS);
  }

  stop() {
    clearTimeout(this.#timer);
    this.#client = null;
  }

  #schedule(delay) {
    const client = this.#client;
    this.#timer = setTimeout(async () => {
      const started = performance.now();
      let rttMs = null;
      try {
        await client.ping({ timeout: this.#config.pongTimeoutMs });
        rttMs = Math.round(performance.now() - started);
      } catch (e) {
        // no round trip to show; the library decides whether the connection is dead
      }
      if (client === this.#client && this.#store.status.state === 'online') {
        this.#store.setStatus({ state: 'online', rttMs, retryAt: 0 });
        this.#schedule(this.#config.pingIntervalMs);
      }
    }, delay);
  }
}
