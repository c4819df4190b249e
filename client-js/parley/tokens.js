/** How soon a failed token refresh is tried again (while the token has not expired). */
const REFRESH_RETRY_MS = 2000;

/**
 * The token the client presents: options.token, or what options.getToken gives for each `hello`
 * and `refresh`; and, with getToken, the refresh of a connection's token before it expires.
 */
export class TokenRefresher {
  #token;
  #getToken;
  #refreshBefore;

  constructor({ token, getToken, refreshBefore }) {
    this.#token = token;
    this.#getToken = getToken;
    this.#refreshBefore = refreshBefore;
  }

  /** The token for a `hello` or `refresh`: getToken's (nothing when it gives none), else options.token. */
  async fresh() {
    if (this.#getToken) {
      this.#token = (await this.#getToken()) || undefined;
    }
    return this.#token;
  }

  /** The server took `token` (a `refresh`): the one to present from now on. */
  accepted(token) {
    this.#token = token;
  }

  /**
   * Refreshes `conn`'s token before `exp` (seconds), when getToken can provide a new one:
   * `refresh()` asks the server; when it fails, `failed(error)` says whether to try again (in a
   * few seconds, while the token has not expired). Past `exp` the server closes with 4003 and the
   * reconnect's `hello` carries a new token.
   */
  schedule(conn, exp, refresh, failed, retry = false) {
    if (!conn || !this.#getToken || typeof exp !== 'number') {
      return;
    }
    clearTimeout(conn.refresh);
    const left = exp * 1000 - Date.now();
    if (retry && left <= 0) {
      return;
    }
    const delay = retry ? Math.min(REFRESH_RETRY_MS, left / 2)
      : left - Math.min(this.#refreshBefore, left / 2);
    conn.refresh = setTimeout(() => {
      refresh().catch((error) => {
        if (failed(error)) {
          this.schedule(conn, exp, refresh, failed, true);
        }
      });
    }, Math.max(0, delay));
  }
}

/** The `exp` claim (seconds) of a JWT, read without checking it (the server does), or null. */
export function tokenExpiry(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(part + '='.repeat((4 - (part.length % 4)) % 4));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    return typeof claims.exp === 'number' ? claims.exp : null;
  } catch (e) {
    return null;
  }
}
