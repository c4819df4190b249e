import { ClientCore } from './core.js';
import { socketUrl } from './connection.js';
import { EventDispatcher } from './events.js';
import { RoomModels } from './models.js';
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
  #models;
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
    this.#models = new RoomModels(this.#events, () => this.nick, () => this.unread().catch(() => {}));
    this.#core = new ClientCore(socket, this.#options, WebSocket, this.#models);
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
   * With `forget` the server removes the user's read marker in the room too (version 1.2).
   */
  leave(room, { forget, ...options } = {}) {
    this.#models.left(room, forget);
    return this.#core.leave(room, { forget, ...options });
  }

  /**
   * Sends a message to a room; resolves with the `ack` (its offset and ts). The send carries a
   * nonce of its own: when the connection is lost before the ack, the client sends it again with
   * that nonce once it has reconnected and re-joined, and the server stores it once. `replyTo`:
   * the offset of the message it answers (version 1.2, `welcome.features` 'replies').
   */
  send(room, text, { replyTo, ...options } = {}) {
    return this.#core.request({ type: 'send', room, text, replyTo, nonce: newNonce() }, options);
  }

  /** Edits the user's own message at `offset` (version 1.2, 'edit'); resolves with the `ack` of the edit's own offset. */
  edit(room, offset, text, options) {
    return this.#core.request({ type: 'edit', room, offset, text }, options);
  }

  /** Deletes the message at `offset` (own, or as a moderator; version 1.2, 'delete'); resolves with the `ack`. */
  delete(room, offset, options) {
    return this.#core.request({ type: 'delete', room, offset }, options);
  }

  /**
   * Puts `emoji` on the message at `offset`, or takes it off with `on` false (version 1.2,
   * 'reactions'); resolves with the `ack`, which has no offset when that changed nothing.
   */
  react(room, offset, emoji, on = true, options) {
    return this.#core.request({ type: 'react', room, offset, emoji, on }, options);
  }

  /**
   * Moves the user's read marker in `room` forward to `offset` (version 1.2, 'read'); resolves with
   * the `ack`. The user's other sessions get a `read` event; this client's model of the room counts again.
   */
  markRead(room, offset, options) {
    return this.#core.request({ type: 'read', room, offset },
      { ...options, onReply: () => this.#models.read(room, offset) });
  }

  /** The user's read state (version 1.2, 'read'): resolves with the `rooms` array, every room with a marker. */
  async unread(options) {
    const reply = await this.#core.request({ type: 'unread' },
      { ...options, onReply: (answer) => this.#models.unread(answer.rooms) });
    return reply.rooms;
  }

  /**
   * This client's live model of `room` (a RoomModel): its messages with their state, kept up to
   * date from the room's `joined` replies, events and `history` pages, and the user's read state in it.
   */
  model(room) {
    return this.#models.model(room);
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
   * or right after the offset `after` (not both), to fill a gap forward. The messages carry their
   * state (version 1.2) and are added to the room's model; `events: 'all'` asks for the room's log instead.
   */
  history(room, { before, after, limit, events, ...options } = {}) {
    const load = events === 'all' ? undefined : (page) => this.#models.history(page);
    return this.#core.request({ type: 'history', room, before, after, limit, events }, { ...options, onReply: load });
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
   * Calls `listener(event)` for each event of `type`: 'message', 'edit', 'delete', 'reaction',
   * 'read', 'presence', 'occupancy', 'dm', 'typing', 'gap', 'joined', 'left', 'error' (an error
   * with no request) or 'state'. Returns a function that removes the listener.
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
