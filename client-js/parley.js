/**
 * Parley's JavaScript client: one connection to a Parley chat server, for browsers and Node.
 *
 *     import { connect } from '/parley.js';
 *     const client = await connect('/ws', { nick: 'alice' });
 *     client.on('message', (m) => console.log(m.room, m.from, m.text));
 *     await client.join('general');
 *     await client.send('general', 'hello');
 *
 * Every request returns a promise of the server's reply that rejects with a ParleyError (the
 * protocol's error code, or `timeout`, `disconnected`, `closed`), or with the reason of its
 * AbortSignal. The client says `hello` again after a lost connection (with backoff and jitter),
 * presenting the last `resume` secret, re-joins its rooms `since` the last message it delivered,
 * and reports a `gap` where the server could not give back what was missed: every message of a
 * joined room reaches the listeners once and in offset order.
 *
 * Lifecycle, as reported by `state` events:
 *
 *     connecting → connected ⇄ reconnecting → closed
 *
 * `closed` is final: after close(), a refused `hello`, a close 4009 (session replaced) or 1008
 * (policy), or when reconnecting gave up.
 *
 * No dependencies; the wire contract is the server's docs/protocol.md.
 */

/** The WebSocket subprotocol of the wire protocol, version 1. */
export const SUBPROTOCOL = 'parley.v1';

const CLOSE_NORMAL = 1000;
const CLOSE_POLICY = 1008;
const CLOSE_SESSION_REPLACED = 4009;
/** Our own close code (never sent by a server): the connection was dropped by this client. */
const CLOSE_DROPPED = 4100;
/** How long close() waits for the server's answer to its close frame. */
const CLOSE_WAIT_MS = 3000;
/** How soon a failed token refresh is tried again (while the token has not expired). */
const REFRESH_RETRY_MS = 2000;
/** Room events that are held back while a join of their room is in flight. */
const ROOM_EVENTS = new Set(['message', 'presence', 'typing', 'occupancy']);

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

const RECONNECT_DEFAULTS = Object.freeze({
  initialDelay: 250, maxDelay: 30_000, multiplier: 2, jitter: 0.5, maxAttempts: 0,
});

/**
 * A request that failed. `code` is the protocol's error code when the server answered `error`
 * (`fromServer` is then true), or one of the client's own: `timeout` (no reply in time),
 * `disconnected` (the connection was lost first; the request may or may not have been carried
 * out), `closed` (the client is closed), `overflow` (an event iterator fell too far behind).
 */
export class ParleyError extends Error {
  constructor(code, message, { fromServer = false, closeCode, cause } = {}) {
    super(message || code, cause === undefined ? undefined : { cause });
    this.name = 'ParleyError';
    this.code = code;
    this.fromServer = fromServer;
    if (closeCode !== undefined) {
      this.closeCode = closeCode;
    }
  }
}

/**
 * Reconnect delays: attempt n waits min(maxDelay, initialDelay · multiplier^(n-1)) less a random
 * part of up to `jitter` of it, so that clients cut off together do not come back together.
 */
class Backoff {
  #policy;
  #attempt = 0;

  constructor(policy) {
    this.#policy = policy;
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

/**
 * The rooms joined and, per room, the position ({epoch, offset}) of the last message delivered:
 * what a reconnect re-joins `since`, and what makes every message reach the listeners once and in
 * order. While a join of a room is in flight its live events are held back: the server may send
 * a message both live and inside the `joined` reply. The reply settles the position; the held
 * events follow, minus the messages already seen.
 */
class RoomTracker {
  /** room → {position: {epoch, offset} | null, joinsInFlight, held: event[]} */
  #rooms = new Map();

  /** Every joined room with the position to re-join it from. */
  positions() {
    return [...this.#rooms].filter(([, room]) => room.position).map(([name, room]) => [name, room.position]);
  }

  names() {
    return this.positions().map(([name]) => name);
  }

  /** A join went out: hold the room's live events until its reply. Returns the `since` to send. */
  joinSent(name, since) {
    let room = this.#rooms.get(name);
    if (!room) {
      room = { position: since ? { epoch: since.epoch, offset: since.offset } : null, joinsInFlight: 0, held: [] };
      this.#rooms.set(name, room);
    }
    room.joinsInFlight++;
    return room.position ?? undefined;
  }

  /**
   * A `joined` reply to a join sent with `since` (or without): {gap, deliver}. For a room without a
   * position its messages are history for the caller of join and only set the position; after a
   * join `since` the position, the messages after it are the ones missed, and a gap is reported
   * when the server could not recover them. A join without `since` of a room that has a position
   * meanwhile (two joins at once) leaves the stream as it is. Null for a room left meanwhile.
   */
  joined(reply, since) {
    const room = this.#rooms.get(reply.room);
    if (!room) {
      return null; // left while the join was in flight
    }
    room.joinsInFlight = Math.max(0, room.joinsInFlight - 1);
    const seen = room.position;
    let gap = null;
    const deliver = [];
    if (!seen) {
      room.position = { epoch: reply.epoch, offset: reply.offset };
    } else if (since) {
      const sameHistory = seen.epoch === reply.epoch;
      if (!sameHistory || !reply.recovered) {
        gap = {
          type: 'gap', room: reply.room, since: { ...seen }, epoch: reply.epoch, offset: reply.offset,
          historyLost: !sameHistory,
        };
      }
      let last = sameHistory ? seen.offset : 0;
      for (const message of reply.messages ?? []) {
        if (message.offset > last) {
          deliver.push(message);
          last = message.offset;
        }
      }
      room.position = { epoch: reply.epoch, offset: sameHistory ? Math.max(last, reply.offset) : reply.offset };
    }
    if (room.joinsInFlight === 0) {
      deliver.push(...this.#release(room));
    }
    return { gap, deliver };
  }

  /** A join failed: returns the held events that may now be delivered. */
  joinFailed(name) {
    const room = this.#rooms.get(name);
    if (!room) {
      return [];
    }
    room.joinsInFlight = Math.max(0, room.joinsInFlight - 1);
    if (room.joinsInFlight > 0) {
      return [];
    }
    if (!room.position) {
      this.#rooms.delete(name);
      return [];
    }
    return this.#release(room);
  }

  /** A live room event: the events to deliver now (it, or none when held, a duplicate, or of a room not joined). */
  event(event) {
    const room = this.#rooms.get(event.room);
    if (!room) {
      return [];
    }
    if (room.joinsInFlight > 0) {
      room.held.push(event);
      return [];
    }
    return this.#advance(room, event) ? [event] : [];
  }

  left(name) {
    this.#rooms.delete(name);
  }

  /** The connection is gone: joins in flight get no reply; held events will be recovered by the re-join. */
  connectionLost() {
    for (const [name, room] of this.#rooms) {
      room.joinsInFlight = 0;
      room.held = [];
      if (!room.position) {
        this.#rooms.delete(name);
      }
    }
  }

  #release(room) {
    const held = room.held;
    room.held = [];
    return held.filter((event) => this.#advance(room, event));
  }

  #advance(room, event) {
    if (event.type !== 'message') {
      return true;
    }
    if (event.offset <= room.position.offset) {
      return false;
    }
    room.position = { epoch: room.position.epoch, offset: event.offset };
    return true;
  }
}

/** An async iterator over the client's events, with a bounded buffer. */
class EventStream {
  #queue = [];
  #waiting = null;
  #done = false;
  #error = null;
  #types;
  #max;
  #detach;

  constructor(types, max, detach) {
    this.#types = types;
    this.#max = max;
    this.#detach = detach;
  }

  push(event) {
    if (this.#done || (this.#types && !this.#types.has(event.type))) {
      return;
    }
    if (this.#waiting) {
      const resolve = this.#waiting.resolve;
      this.#waiting = null;
      resolve({ value: event, done: false });
    } else if (this.#queue.length >= this.#max) {
      this.fail(new ParleyError('overflow', `more than ${this.#max} events waited to be read`));
    } else {
      this.#queue.push(event);
    }
  }

  /** No more events: what is buffered is still read, then the iteration ends (with `error` if given). */
  end(error = null) {
    if (this.#done) {
      return;
    }
    this.#done = true;
    this.#error = error;
    this.#detach(this);
    if (this.#waiting) {
      const { resolve, reject } = this.#waiting;
      this.#waiting = null;
      if (error) {
        reject(error);
      } else {
        resolve({ value: undefined, done: true });
      }
    }
  }

  fail(error) {
    this.#queue = [];
    this.end(error);
  }

  next() {
    if (this.#queue.length > 0) {
      return Promise.resolve({ value: this.#queue.shift(), done: false });
    }
    if (this.#done) {
      const error = this.#error;
      this.#error = null;
      return error ? Promise.reject(error) : Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
  }

  return() {
    this.#queue = [];
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

/**
 * A client of one Parley server. `new ParleyClient(url, options)` then `await client.connect()`,
 * or `await connect(url, options)` for both at once. See docs/client-js.md for every option.
 */
export class ParleyClient {
  #url;
  #options;
  #WebSocket;
  #backoff;
  #rooms = new RoomTracker();
  #listeners = new Map();
  #streams = new Set();

  #state = 'idle';
  /** The current connection: {socket, phase: 'opening'|'hello'|'rejoining'|'ready', timers…}, or null. */
  #conn = null;
  #welcome = null;
  #token;
  #nextId = 1;
  /** id → pending request sent on the current connection. */
  #inFlight = new Map();
  /** Requests made while not connected, sent in order once the rooms are re-joined. */
  #waiting = [];
  #retryTimer = null;
  #connecting = null;
  #closing = null;

  constructor(url, options = {}) {
    if (typeof options.nick !== 'string' || options.nick === '') {
      throw new TypeError('options.nick is required');
    }
    this.#url = socketUrl(url);
    this.#options = { ...DEFAULTS, ...options };
    const reconnect = options.reconnect === false ? { maxAttempts: -1 } : options.reconnect;
    this.#backoff = new Backoff({ ...RECONNECT_DEFAULTS, ...reconnect });
    this.#WebSocket = 'WebSocket' in options ? options.WebSocket : globalThis.WebSocket;
    if (typeof this.#WebSocket !== 'function') {
      throw new TypeError('no WebSocket: pass options.WebSocket (Node 20: run with --experimental-websocket, '
        + 'or use the ws package)');
    }
    this.#token = options.token;
  }

  /** 'idle' (before connect()), 'connecting', 'connected', 'reconnecting' or 'closed'. */
  get state() {
    return this.#state;
  }

  /** The last `welcome` (session, nick, resume secret, heartbeatMs, limits, server), or null. */
  get welcome() {
    return this.#welcome;
  }

  get nick() {
    return this.#welcome?.nick ?? this.#options.nick;
  }

  /** The rooms this client is in: the ones it re-joins after a reconnect. */
  get joinedRooms() {
    return this.#rooms.names();
  }

  /**
   * Connects and says `hello`; resolves with the `welcome`. Rejects with the server's refusal
   * (`nick_taken`, `nick_invalid`, `unauthorized`), or when the first connection fails (unless
   * `retryFirstConnect`); the client is then closed. Calling it again returns the same promise.
   */
  connect({ signal } = {}) {
    if (this.#connecting) {
      return this.#connecting.promise;
    }
    if (this.#state === 'closed') {
      return Promise.reject(new ParleyError('closed', 'the client is closed'));
    }
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.#connecting = { promise, resolve, reject };
    if (signal?.aborted) {
      this.#terminate(signal.reason);
      return promise;
    }
    const abort = () => this.#terminate(signal.reason);
    signal?.addEventListener('abort', abort, { once: true });
    promise.then(() => signal?.removeEventListener('abort', abort), () => {});
    this.#open();
    return promise;
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
    return this.#request({ type: 'join', room, since }, options);
  }

  /**
   * Leaves `room`; resolves with `left`. From this call on the room's events stop and it is not
   * re-joined after a reconnect, whatever the reply (offline, the server has dropped it already).
   */
  leave(room, options) {
    this.#rooms.left(room);
    return this.#request({ type: 'leave', room }, options);
  }

  /** Sends a message to a room; resolves with the `ack` (its offset and ts). */
  send(room, text, options) {
    return this.#request({ type: 'send', room, text }, options);
  }

  dm(to, text, options) {
    return this.#request({ type: 'dm', to, text }, options);
  }

  /** `members` of a room; large rooms page with `after` and `limit`, and the reply's `next`. */
  who(room, { after, limit, ...options } = {}) {
    return this.#request({ type: 'who', room, after, limit }, options);
  }

  rooms(options) {
    return this.#request({ type: 'rooms' }, options);
  }

  /** A page of a room's messages, oldest first: at most `limit` (1–100) with offsets below `before`. */
  history(room, { before, limit, ...options } = {}) {
    return this.#request({ type: 'history', room, before, limit }, options);
  }

  ping(options) {
    return this.#request({ type: 'ping' }, options);
  }

  /**
   * Presents a new token for this connection (`refresh`); resolves with `refreshed`. Without
   * `token`, asks options.getToken for one. The client does this by itself before the token
   * expires when it has getToken.
   */
  async refresh(token, options) {
    const fresh = token ?? await this.#freshToken();
    if (typeof fresh !== 'string') {
      throw new TypeError('refresh needs a token, or options.getToken');
    }
    const reply = await this.#request({ type: 'refresh', token: fresh }, options);
    this.#token = fresh;
    this.#scheduleRefresh(this.#conn, reply.exp);
    return reply;
  }

  /** Tells the room that the user is typing; false when not connected (typing is never queued). */
  typing(room) {
    const conn = this.#conn;
    if (conn?.phase !== 'ready') {
      return false;
    }
    conn.socket.send(JSON.stringify({ type: 'typing', room }));
    return true;
  }

  /** Skips the rest of the backoff delay while reconnecting. */
  reconnectNow() {
    if (this.#retryTimer !== null) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = null;
      this.#open();
    }
  }

  /**
   * Closes for good: requests still waiting reject with `closed`, the socket closes with 1000.
   * Resolves once the server answered the close (at most a few seconds). Idempotent.
   */
  close() {
    this.#terminate(null);
    return this.#closing;
  }

  // ---- events

  /**
   * Calls `listener(event)` for each event of `type`: 'message', 'presence', 'occupancy', 'dm',
   * 'typing', 'gap', 'joined', 'left', 'error' (an error with no request) or 'state'. Returns a
   * function that removes the listener.
   */
  on(type, listener) {
    if (!this.#listeners.has(type)) {
      this.#listeners.set(type, new Set());
    }
    this.#listeners.get(type).add(listener);
    return () => this.off(type, listener);
  }

  off(type, listener) {
    this.#listeners.get(type)?.delete(listener);
  }

  /**
   * Every event from now on as an async iterator, ending after the client closed:
   * `for await (const event of client.events()) …`. `types` picks some; `signal` ends it early.
   * Throws ParleyError `overflow` when more than `maxBufferedEvents` wait to be read.
   */
  events({ types, signal } = {}) {
    const stream = new EventStream(types ? new Set(types) : null, this.#options.maxBufferedEvents,
      (ended) => this.#streams.delete(ended));
    if (this.#state === 'closed') {
      stream.end();
      return stream;
    }
    this.#streams.add(stream);
    if (signal?.aborted) {
      stream.fail(signal.reason);
    }
    signal?.addEventListener('abort', () => stream.fail(signal.reason), { once: true });
    return stream;
  }

  #emit(event) {
    this.#listeners.get(event.type)?.forEach((listener) => {
      try {
        listener(event);
      } catch (error) {
        reportListenerError(error);
      }
    });
    this.#streams.forEach((stream) => stream.push(event));
  }

  #setState(state, detail = {}) {
    const previous = this.#state;
    this.#state = state;
    this.#emit({ type: 'state', state, previous, ...detail });
  }

  // ---- requests inside

  #request(command, { signal, timeout = this.#options.requestTimeout } = {}) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      if (this.#state === 'closed') {
        reject(new ParleyError('closed', 'the client is closed'));
        return;
      }
      const request = { command: withoutUndefined(command), resolve, reject, timer: null, unsubscribe: null };
      request.timer = setTimeout(() => this.#settle(request, new ParleyError('timeout',
        `no reply to ${command.type} within ${timeout} ms`)), timeout);
      if (signal) {
        const abort = () => this.#settle(request, signal.reason);
        signal.addEventListener('abort', abort, { once: true });
        request.unsubscribe = () => signal.removeEventListener('abort', abort);
      }
      if (this.#conn?.phase === 'ready') {
        this.#transmit(request);
      } else if (this.#options.whileReconnecting === 'fail' && this.#state !== 'connecting'
          && this.#state !== 'idle') {
        this.#settle(request, new ParleyError('disconnected', 'not connected: reconnecting'));
      } else if (this.#waiting.length >= this.#options.maxWaitingRequests) {
        this.#settle(request, new ParleyError('disconnected',
          `not connected, and ${this.#waiting.length} requests are waiting already`));
      } else {
        this.#waiting.push(request);
      }
    });
  }

  /** Sends a request on the current connection; its reply settles it. */
  #transmit(request) {
    const conn = this.#conn;
    const id = this.#nextId++;
    request.id = id;
    const command = { ...request.command, id };
    if (command.type === 'join') {
      // joining a room again asks only for what this client has not delivered
      const since = this.#rooms.joinSent(command.room, command.since);
      command.since = since;
      request.joinSince = since;
    }
    this.#inFlight.set(id, request);
    conn.socket.send(JSON.stringify(withoutUndefined(command)));
  }

  /** Settles a request exactly once, with `error` or else `reply`. */
  #settle(request, error, reply) {
    if (request.settled) {
      return;
    }
    request.settled = true;
    clearTimeout(request.timer);
    request.unsubscribe?.();
    if (request.id !== undefined) {
      this.#inFlight.delete(request.id);
    }
    const waiting = this.#waiting.indexOf(request);
    if (waiting >= 0) {
      this.#waiting.splice(waiting, 1);
    }
    if (error) {
      request.reject(error);
    } else {
      request.resolve(reply);
    }
  }

  /** A request of the client itself on `conn`, outside the waiting line: resolves with the reply. */
  #internal(conn, command) {
    return new Promise((resolve, reject) => {
      const request = { command, resolve, reject, timer: null, internal: true };
      request.id = this.#nextId++;
      this.#inFlight.set(request.id, request);
      conn.socket.send(JSON.stringify(withoutUndefined({ ...command, id: request.id })));
    });
  }

  // ---- connecting

  #open() {
    this.#retryTimer = null;
    if (this.#state === 'closed') {
      return;
    }
    this.#setState(this.#welcome ? 'reconnecting' : 'connecting', { retryAt: null });
    let socket;
    try {
      socket = new this.#WebSocket(this.#url, SUBPROTOCOL);
    } catch (error) {
      this.#lost(null, CLOSE_DROPPED, error.message, error);
      return;
    }
    const conn = { socket, phase: 'opening', deadline: null, silence: null, probe: null, refresh: null, lastFrame: 0 };
    this.#conn = conn;
    conn.deadline = setTimeout(() => this.#drop(conn, `not welcomed within ${this.#options.connectTimeout} ms`),
      this.#options.connectTimeout);
    socket.onopen = () => this.#hello(conn);
    socket.onmessage = (message) => this.#receive(conn, message.data);
    socket.onclose = (close) => this.#lost(conn, close.code, close.reason);
    socket.onerror = () => {
      // browsers follow with a close event; some WebSocket implementations do not when the
      // connection could not be made at all
      if (conn.phase === 'opening') {
        this.#drop(conn, 'could not connect');
      }
    };
  }

  async #hello(conn) {
    conn.phase = 'hello';
    let token;
    try {
      token = await this.#freshToken();
    } catch (error) {
      this.#drop(conn, `getToken failed: ${error?.message ?? error}`, error);
      return;
    }
    if (conn !== this.#conn) {
      return;
    }
    let welcome;
    try {
      welcome = await this.#internal(conn, { type: 'hello', nick: this.#options.nick, token,
        resume: this.#welcome?.resume ?? this.#options.resume });
    } catch (error) {
      if (conn !== this.#conn || !error.fromServer) {
        return;
      }
      if (this.#welcome && error.code === 'nick_taken') {
        // the server has not noticed yet that our previous connection is gone
        this.#drop(conn, 'nick still held');
      } else if (error.code === 'unavailable' && (this.#welcome || this.#options.retryFirstConnect)) {
        // a clustered server that cannot reach its Redis right now: try again later
        this.#drop(conn, 'server unavailable');
      } else {
        this.#terminate(error);
      }
      return;
    }
    if (conn === this.#conn) {
      this.#welcomed(conn, welcome, token);
    }
  }

  #welcomed(conn, welcome, token) {
    const reconnected = this.#welcome !== null;
    this.#welcome = welcome;
    this.#watch(conn, this.#options.pingInterval ?? welcome.heartbeatMs);
    this.#scheduleRefresh(conn, welcome.exp ?? (token ? tokenExpiry(token) : null));
    const rooms = this.#rooms.positions();
    if (rooms.length === 0) {
      this.#ready(conn, reconnected);
      return;
    }
    conn.phase = 'rejoining';
    clearTimeout(conn.deadline);
    conn.deadline = setTimeout(() => this.#drop(conn, 'rooms not re-joined in time'), this.#options.requestTimeout);
    let left = rooms.length;
    for (const [room, since] of rooms) {
      this.#rooms.joinSent(room);
      this.#internal(conn, { type: 'join', room, since }).then(
        (joined) => this.#joined(joined, since),
        (error) => {
          if (error.code === 'unavailable') {
            // the room is still ours: the next connection re-joins it
            this.#drop(conn, `cannot re-join ${room} now: ${error.message}`);
          } else if (error.fromServer) {
            this.#joinFailed(room, error);
          }
        },
      ).then(() => {
        if (--left === 0 && conn === this.#conn) {
          this.#ready(conn, reconnected);
        }
      });
    }
  }

  #ready(conn, reconnected) {
    clearTimeout(conn.deadline);
    conn.phase = 'ready';
    this.#backoff.reset();
    this.#setState('connected', { welcome: this.#welcome, reconnected });
    if (!reconnected) {
      this.#connecting.resolve(this.#welcome);
    }
    const waiting = this.#waiting;
    this.#waiting = [];
    waiting.forEach((request) => this.#transmit(request));
  }

  /** Drops a connection at once (no waiting for a close handshake that may never come) and reconnects. */
  #drop(conn, reason, cause) {
    if (conn !== this.#conn) {
      return;
    }
    closeQuietly(conn.socket, CLOSE_DROPPED, reason);
    this.#lost(conn, CLOSE_DROPPED, reason, cause);
  }

  /** The connection is gone: fail what was sent on it, and come back after a delay (or end). */
  #lost(conn, code, reason, cause) {
    if (conn !== this.#conn || this.#state === 'closed') {
      return;
    }
    if (conn) {
      this.#stopTimers(conn);
      conn.socket.onopen = conn.socket.onmessage = conn.socket.onclose = conn.socket.onerror = null;
    }
    this.#conn = null;
    this.#rooms.connectionLost();
    const error = new ParleyError('disconnected', `connection lost (${code}${reason ? ` ${reason}` : ''})`,
      { closeCode: code, cause });
    [...this.#inFlight.values()].forEach((request) => this.#settle(request, error));
    if (code === CLOSE_SESSION_REPLACED || code === CLOSE_POLICY) {
      this.#terminate(new ParleyError('closed', `the server ended the session (${code} ${reason ?? ''})`.trim(),
        { closeCode: code }));
      return;
    }
    const delay = !this.#welcome && !this.#options.retryFirstConnect ? -1 : this.#backoff.next();
    if (delay < 0) {
      this.#terminate(error);
      return;
    }
    if (this.#options.whileReconnecting === 'fail') {
      [...this.#waiting].forEach((request) => this.#settle(request, error));
    }
    this.#retryTimer = setTimeout(() => this.#open(), delay);
    this.#setState(this.#welcome ? 'reconnecting' : 'connecting',
      { retryAt: Date.now() + delay, attempt: this.#backoff.attempts, code, reason });
  }

  /** Ends the client: once, whatever asks for it. `error` is why, or null after close(). */
  #terminate(error) {
    if (this.#state === 'closed') {
      return;
    }
    clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    const conn = this.#conn;
    this.#conn = null;
    this.#closing = conn ? closeAndWait(conn.socket) : Promise.resolve();
    if (conn) {
      this.#stopTimers(conn);
    }
    const closed = new ParleyError('closed', 'the client is closed', { cause: error ?? undefined });
    [...this.#inFlight.values(), ...this.#waiting].forEach((request) => this.#settle(request, closed));
    this.#connecting?.reject(error ?? closed);
    this.#connecting?.promise.catch(() => {});
    this.#setState('closed', { error, code: error?.closeCode });
    this.#streams.forEach((stream) => stream.end());
  }

  #stopTimers(conn) {
    clearTimeout(conn.deadline);
    clearTimeout(conn.silence);
    clearTimeout(conn.probe);
    clearTimeout(conn.refresh);
  }

  // ---- traffic

  #receive(conn, data) {
    if (conn !== this.#conn) {
      return;
    }
    conn.lastFrame = Date.now();
    clearTimeout(conn.probe);
    let event;
    try {
      event = JSON.parse(data);
    } catch (e) {
      return;
    }
    if (event === null || typeof event !== 'object' || typeof event.type !== 'string') {
      return;
    }
    const request = event.id === undefined ? undefined : this.#inFlight.get(event.id);
    if (request) {
      this.#replied(request, event);
    } else if (event.type === 'error') {
      this.#emit({ ...event, error: serverError(event) });
    } else if (ROOM_EVENTS.has(event.type)) {
      this.#rooms.event(event).forEach((deliver) => this.#emit(deliver));
    } else if (event.type !== 'pong') {
      this.#emit(event);
    }
  }

  #replied(request, reply) {
    const error = reply.type === 'error' ? serverError(reply) : null;
    if (request.internal) {
      this.#inFlight.delete(request.id);
      if (error) {
        request.reject(error);
      } else {
        request.resolve(reply);
      }
      return;
    }
    const { type, room } = request.command;
    if (type === 'join') {
      if (error) {
        this.#joinFailed(room, error, false);
      } else {
        this.#joined(reply, request.joinSince);
      }
    }
    this.#settle(request, error, reply);
  }

  /** Applies a `joined` reply: the `joined` event, a `gap` if any, then the messages to deliver. */
  #joined(reply, since) {
    const outcome = this.#rooms.joined(reply, since);
    if (!outcome) {
      return;
    }
    const { gap, deliver } = outcome;
    this.#emit({ ...reply, since });
    if (gap) {
      this.#emit(gap);
    }
    deliver.forEach((event) => this.#emit(event));
  }

  /** A join was refused: a re-join after a reconnect means the room is lost (`left` event). */
  #joinFailed(room, error, rejoin = true) {
    const release = this.#rooms.joinFailed(room);
    if (rejoin) {
      this.#rooms.left(room);
      this.#emit({ type: 'left', room, error });
    } else {
      release.forEach((event) => this.#emit(event));
    }
  }

  // ---- liveness

  /**
   * Silence watch: browsers never show WebSocket pings to scripts, so after `interval` ms
   * without a frame the client sends `ping`; nothing within pongTimeout drops the connection.
   */
  #watch(conn, interval) {
    conn.lastFrame = Date.now();
    const check = () => {
      const quiet = Date.now() - conn.lastFrame;
      if (quiet < interval) {
        conn.silence = setTimeout(check, interval - quiet);
        return;
      }
      this.#internal(conn, { type: 'ping' }).catch(() => {});
      conn.probe = setTimeout(() => this.#drop(conn, 'no reply to ping'), this.#options.pongTimeout);
      conn.silence = setTimeout(check, interval);
    };
    conn.silence = setTimeout(check, interval);
  }

  /** The token for a `hello` or `refresh`: getToken's (nothing when it gives none), else options.token. */
  async #freshToken() {
    if (this.#options.getToken) {
      this.#token = (await this.#options.getToken()) || undefined;
    }
    return this.#token;
  }

  /**
   * Refreshes the token before `exp` (seconds: the welcome's, else the token's own claim), when
   * getToken can provide a new one. A failed
   * refresh is tried again every few seconds; past `exp` the server closes with 4003 and the
   * reconnect's `hello` carries a new token.
   */
  #scheduleRefresh(conn, exp, retry = false) {
    if (!conn || !this.#options.getToken || typeof exp !== 'number') {
      return;
    }
    clearTimeout(conn.refresh);
    const left = exp * 1000 - Date.now();
    if (retry && left <= 0) {
      return;
    }
    const delay = retry ? Math.min(REFRESH_RETRY_MS, left / 2)
      : left - Math.min(this.#options.refreshBefore, left / 2);
    conn.refresh = setTimeout(() => {
      this.refresh().catch((error) => {
        if (conn === this.#conn) {
          const code = error.code ?? 'refresh_failed';
          this.#emit({ type: 'error', code, message: String(error.message ?? error), error });
          this.#scheduleRefresh(conn, exp, true);
        }
      });
    }, Math.max(0, delay));
  }
}

/** Connects to a Parley server and resolves with the client once welcomed. */
export async function connect(url, options = {}) {
  const client = new ParleyClient(url, options);
  await client.connect({ signal: options.signal });
  return client;
}

/** `ws://`/`wss://` URL of `url`, which may be http(s) or relative to the page (`/ws`). */
function socketUrl(url) {
  const base = globalThis.location?.href;
  const parsed = new URL(String(url), base);
  if (parsed.protocol === 'http:') {
    parsed.protocol = 'ws:';
  } else if (parsed.protocol === 'https:') {
    parsed.protocol = 'wss:';
  }
  return parsed.href;
}

/** One listener's bug must not break the connection or the other listeners: reported, not thrown. */
function reportListenerError(error) {
  if (typeof globalThis.reportError === 'function') {
    globalThis.reportError(error);
  } else {
    queueMicrotask(() => {
      throw error;
    });
  }
}

function serverError(event) {
  return new ParleyError(event.code, event.message, { fromServer: true });
}

function withoutUndefined(object) {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

function closeQuietly(socket, code, reason) {
  socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
  try {
    socket.close(code, String(reason).slice(0, 120));
  } catch (e) {
    // already closing
  }
}

/** Closes with 1000 and resolves once the close handshake finished, or after CLOSE_WAIT_MS. */
function closeAndWait(socket) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, CLOSE_WAIT_MS);
    socket.onopen = socket.onmessage = null;
    socket.onclose = () => {
      clearTimeout(timer);
      resolve();
    };
    if (socket.readyState >= 2) {
      clearTimeout(timer);
      resolve();
      return;
    }
    try {
      socket.close(CLOSE_NORMAL);
    } catch (e) {
      clearTimeout(timer);
      resolve();
    }
  });
}

/** The `exp` claim (seconds) of a JWT, read without checking it (the server does), or null. */
function tokenExpiry(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(part + '='.repeat((4 - (part.length % 4)) % 4));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    return typeof claims.exp === 'number' ? claims.exp : null;
  } catch (e) {
    return null;
  }
}

//# sourceMappingURL=parley.js.map
