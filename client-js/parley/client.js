import { ClientCore } from './core.js';
import { socketUrl } from './connection.js';
import { EventDispatcher } from './events.js';
import { newNonce } from './requests.js';

const DEFAULTS = Object.freeze({
  requestTimeout: 10_000,
  connectTimeout: 10_000,
  pongTimeout: 10_000,
  refreshBefore: 30_000,
  whileReconnecting: 'wait',
  retryFirstConnect: false,
  maxWaitingRequests: 1000,
  maxBufferedEvents: 10_000,
});

/**
 * A client of one Parley server. `new ParleyClient(url, options)` then `await client.connect()`,
 * or `await connect(url, options)` for both at once. See docs/client-js.md for every option.
 */
export class ParleyClient {
  #options;
  #events;
  #core;

  constructor(url, options = {}) {
    if (typeof options.nick !== 'string' || options.nick === '') {
      throw new TypeError('options.nick is required');
    }
    const socket = socketUrl(url);
    this.#options = { ...DEFAULTS, ...options };
    const WebSocket = 'WebSocket' in options ? options.WebSocket : globalThis.WebSocket;
    if (typeof WebSocket !== 'function') {
      throw new TypeError('no WebSocket: pass options.WebSocket (Node 20: run with --experimental-websocket, '
        + 'or use the ws package)');
    }
    this.#events = new EventDispatcher(this.#options.maxBufferedEvents);
    this.#core = new ClientCore(socket, this.#options, WebSocket, this.#events);
  }

  /** 'idle' (before connect()), 'connecting', 'connected', 'reconnecting' or 'closed'. */
  get state() {
    return this.#core.state;
  }

  /** The last `welcome` (session, nick, resume secret, heartbeatMs, limits, server), or null. */
  get welcome() {
    return this.#core.welcome;
  }

  get nick() {
    return this.#core.welcome?.nick ?? this.#options.nick;
  }

  /** The rooms this client is in: the ones it re-joins after a reconnect. */
  get joinedRooms() {
    return this.#core.joinedRooms;
  }

  /**
   * Connects and says `hello`; resolves with the `welcome`. Rejects with the server's refusal
   * (`nick_taken`, `nick_invalid`, `unauthorized`), or when the first connection fails (unless
   * `retryFirstConnect`); the client is then closed. Calling it again returns the same promise.
   */
  connect({ signal } = {}) {
    return this.#core.connect({ signal });
  }

  // ---- requests

  /**
   * Joins `room` (creating it); resolves with `joined`. Its `messages` are the room's latest ones,
   * history for the caller; live messages follow as `message` events. With `since` ({epoch,
   * offset}: the last message the caller has), the messages after it are delivered as `message`
   * events instead, after a `gap` event when the server no longer has them all.
   */
  join(room, { since, ...options } = {}) {
    if (since !== undefined && (typeof since?.epoch !== 'string' || !Number.isInteger(since.offset))) {
      return Promise.reject(new TypeError('since must be {epoch: string, offset: integer}'));
    }
    return this.#core.request({ type: 'join', room, since }, options);
  }

  /**
   * Leaves `room`; resolves with `left`. From this call on the room's events stop and it is not
   * re-joined after a reconnect, whatever the reply (offline, the server has dropped it already).
   */
  leave(room, options) {
    return this.#core.leave(room, options);
  }

  /**
   * Sends a message to a room; resolves with the `ack` (its offset and ts). The send carries a
   * nonce of its own: when the connection is lost before the ack, the client sends it again with
   * that nonce once it has reconnected and re-joined, and the server stores it once.
   */
  send(room, text, options) {
    return this.#core.request({ type: 'send', room, text, nonce: newNonce() }, options);
  }

  /**
   * A direct message; rejects with `no_such_user` when `to` is not online, unless the server stores
   * direct messages (durable history with auth), which keeps it for `to`'s next connection. The
   * recipient's `dm` events then carry `seq`, and `stored: true` on those that waited for it.
   */
  dm(to, text, options) {
    return this.#core.request({ type: 'dm', to, text }, options);
  }

  /** `members` of a room; large rooms page with `after` and `limit`, and the reply's `next`. */
  who(room, { after, limit, ...options } = {}) {
    return this.#core.request({ type: 'who', room, after, limit }, options);
  }

  rooms(options) {
    return this.#core.request({ type: 'rooms' }, options);
  }

  /**
   * A page of a room's messages, oldest first: at most `limit` (1–100) with offsets below `before`,
   * or right after the offset `after` (not both), to fill a gap forward.
   */
  history(room, { before, after, limit, ...options } = {}) {
    return this.#core.request({ type: 'history', room, before, after, limit }, options);
  }

  /**
   * A page of the direct messages between this user and `nick`, oldest first, each with its `seq`:
   * at most `limit` (1–100) with a seq below `before`, or right after the seq `after` (not both).
   * Only where direct messages are stored (durable history with auth); others reject with `unsupported`.
   */
  historyWith(nick, { before, after, limit, ...options } = {}) {
    return this.#core.request({ type: 'history', with: nick, before, after, limit }, options);
  }

  /**
   * Messages of `room` with every word of `query`, newest first; resolves with `results` (page on
   * with its `next` as `before`). Only where `welcome.features` has 'search'; others reject with
   * `unsupported`.
   */
  search(room, query, { before, limit, ...options } = {}) {
    return this.#core.request({ type: 'search', room, query, before, limit }, options);
  }

  ping(options) {
    return this.#core.request({ type: 'ping' }, options);
  }

  /**
   * Presents a new token for this connection (`refresh`); resolves with `refreshed`. Without
   * `token`, asks options.getToken for one. The client does this by itself before the token
   * expires when it has getToken.
   */
  refresh(token, options) {
    return this.#core.refresh(token, options);
  }

  /** Tells the room that the user is typing; false when not connected (typing is never queued). */
  typing(room) {
    return this.#core.typing(room);
  }

  /** Skips the rest of the backoff delay while reconnecting. */
  reconnectNow() {
    this.#core.reconnectNow();
  }

  /**
   * Closes for good: requests still waiting reject with `closed`, the socket closes with 1000.
   * Resolves once the server answered the close (at most a few seconds). Idempotent.
   */
  close() {
    return this.#core.close();
  }

  // ---- events

  /**
   * Calls `listener(event)` for each event of `type`: 'message', 'presence', 'occupancy', 'dm',
   * 'typing', 'gap', 'joined', 'left', 'error' (an error with no request) or 'state'. Returns a
   * function that removes the listener.
   */
  on(type, listener) {
    return this.#events.on(type, listener);
  }

  off(type, listener) {
    this.#events.off(type, listener);
  }

  /**
   * Every event from now on as an async iterator, ending after the client closed:
   * `for await (const event of client.events()) …`. `types` picks some; `signal` ends it early.
   * Throws ParleyError `overflow` when more than `maxBufferedEvents` wait to be read.
   */
  events({ types, signal } = {}) {
    return this.#events.stream({ types, signal }, this.#core.state === 'closed');
  }
}

/** Connects to a Parley server and resolves with the client once welcomed. */
export async function connect(url, options = {}) {
  const client = new ParleyClient(url, options);
  await client.connect({ signal: options.signal });
  return client;
}
