/**
 * A connection's silence watch: browsers never show WebSocket pings to scripts, so after
 * `interval` ms without a frame the client sends `ping`; no frame within `pongTimeout` means the
 * connection is dead.
 */
export class Heartbeat {
  #lastFrame = 0;
  #silence = null;
  #probe = null;

  /** Starts watching: `ping()` sends a ping, `dead()` drops the connection. */
  start(interval, pongTimeout, ping, dead) {
    this.#lastFrame = Date.now();
    const check = () => {
      const quiet = Date.now() - this.#lastFrame;
      if (quiet < interval) {
        this.#silence = setTimeout(check, interval - quiet);
        return;
      }
      ping();
      this.#probe = setTimeout(dead, pongTimeout);
      this.#silence = setTimeout(check, interval);
    };
    this.#silence = setTimeout(check, interval);
  }

  /** A frame came: the connection is alive. */
  frame() {
    this.#lastFrame = Date.now();
    clearTimeout(this.#probe);
  }

  stop() {
    clearTimeout(this.#silence);
    clearTimeout(this.#probe);
  }
}
