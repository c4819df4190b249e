/**
 * Settings of the page: where the server is, and timings that tests (and curious people) may tune
 * through the page's query string, for example `/?backoff=50&backoffMax=400&ping=2000`.
 * Out-of-range or malformed values fall back to the defaults.
 */
const params = new URLSearchParams(location.search);

function millis(name, fallback, min, max) {
  const raw = params.get(name);
  if (raw === null || !/^\d+$/.test(raw)) {
    return fallback;
  }
  const value = Number(raw);
  return value >= min && value <= max ? value : fallback;
}

export const config = Object.freeze({
  /** The WebSocket of the server that served this page: same origin, so CSP `connect-src 'self'` allows it. */
  socketUrl: `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`,
  /** First reconnect delay; each failed attempt doubles it, up to backoffMaxMs, with jitter. */
  backoffInitialMs: millis('backoff', 500, 10, 60_000),
  backoffMaxMs: millis('backoffMax', 15_000, 10, 300_000),
  /** How often a `ping` measures the round trip; no `pong` within pongTimeoutMs means the link is dead. */
  pingIntervalMs: millis('ping', 15_000, 500, 600_000),
  pongTimeoutMs: millis('pongTimeout', 10_000, 500, 600_000),
  /** At most one `typing` per room this often while the user types. */
  typingIntervalMs: 3_000,
  /** How long "… is typing" shows without a new `typing` event. */
  typingShownMs: 6_000,
  /** Messages per `history` page when scrolling up. */
  historyPageSize: 50,
  /** Results per `search` page ("More results" fetches the next). */
  searchPageSize: 20,
  /** How often the list of all rooms is refreshed while connected. */
  directoryRefreshMs: 20_000,
  /** The room a first visit opens. */
  defaultRoom: 'general',
});
