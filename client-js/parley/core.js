import { Backoff } from './backoff.js';
import {
  CLOSE_DROPPED, CLOSE_POLICY, CLOSE_SESSION_REPLACED, Connection, SUBPROTOCOL, decode,
} from './connection.js';
import { ParleyError, serverError } from './errors.js';
import { Requests } from './requests.js';
import { RoomTracker, isRoomEvent } from './rooms.js';
import { TokenRefresher, tokenExpiry } from './tokens.js';

/**
 * The client's state machine behind ParleyClient: it opens connections, says `hello` (with the
 * resume secret after the first), re-joins the rooms after a reconnect, sends requests or lets
 * them wait while not connected, routes replies and events, and ends everything once.
 *
 *     connecting → connected ⇄ reconnecting → closed
 */
export class ClientCore {
  #url;
  #options;
  #WebSocket;
  #events;
  #backoff;
  #rooms = new RoomTracker();
  #requests;
  #tokens;

  #state = 'idle';
  /** The current Connection, or null. */
  #conn = null;
  #welcome = null;
  #retryTimer = null;
  #connecting = null;
  #closing = null;

  /** `options` with every default filled in; events go to `events` (an EventDispatcher). */
  constructor(url, options, WebSocket, events) {
    this.#url = url;
    this.#options = options;
    this.#WebSocket = WebSocket;
    this.#events = events;
    this.#backoff = new Backoff(options.reconnect);
    this.#requests = new Requests(options.maxWaitingRequests);
    this.#tokens = new TokenRefresher(options);
  }

  get state() {
    return this.#state;
  }

  get welcome() {
    return this.#welcome;
  }

  get joinedRooms() {
    return this.#rooms.names();
  }

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

  /** Sends `command` now, or once connected; resolves with the reply, after `onReply(reply)` ran as it arrived. */
  request(command, { signal, timeout = this.#options.requestTimeout, onReply } = {}) {
    return this.#requests.create(command, { signal, timeout, onReply }, (request) => this.#route(request));
  }

  /** Leaves `room` at once: its events stop and it is not re-joined, whatever the reply. */
  leave(room, { forget, ...options } = {}) {
    this.#rooms.left(room);
    return this.request({ type: 'leave', room, forget }, options);
  }

  async refresh(token, options) {
    const fresh = token ?? await this.#tokens.fresh();
    if (typeof fresh !== 'string') {
      throw new TypeError('refresh needs a token, or options.getToken');
    }
    const reply = await this.request({ type: 'refresh', token: fresh }, options);
    this.#tokens.accepted(fresh);
    this.#scheduleRefresh(this.#conn, reply.exp);
    return reply;
  }

  typing(room) {
    const conn = this.#conn;
    if (conn?.phase !== 'ready') {
      return false;
    }
    conn.send({ type: 'typing', room });
    return true;
  }

  reconnectNow() {
    if (this.#retryTimer !== null) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = null;
      this.#open();
    }
  }

  close() {
    this.#terminate(null);
    return this.#closing;
  }

  // ---- requests

  /** A new request: sent when connected, else waiting, or failed (closed, or whileReconnecting 'fail'). */
  #route(request) {
    if (this.#state === 'closed') {
      this.#requests.settle(request, new ParleyError('closed', 'the client is closed'));
    } else if (this.#conn?.phase === 'ready') {
      this.#transmit(request);
    } else if (this.#options.whileReconnecting === 'fail' && this.#state !== 'connecting'
        && this.#state !== 'idle') {
      this.#requests.settle(request, new ParleyError('disconnected', 'not connected: reconnecting'));
    } else if (!this.#requests.park(request)) {
      this.#requests.settle(request, new ParleyError('disconnected',
        `not connected, and ${this.#options.maxWaitingRequests} requests are waiting already`));
    }
  }

  #transmit(request) {
    this.#requests.transmit(this.#conn, request, (command) => {
      if (command.type === 'join') {
        // joining a room again asks only for what this client has not delivered
        const since = this.#rooms.joinSent(command.room, command.since);
        command.since = since;
        request.joinSince = since;
      }
      return command;
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
    const conn = new Connection(socket);
    this.#conn = conn;
    conn.setDeadline(this.#options.connectTimeout,
      () => this.#drop(conn, `not welcomed within ${this.#options.connectTimeout} ms`));
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
      token = await this.#tokens.fresh();
    } catch (error) {
      this.#drop(conn, `getToken failed: ${error?.message ?? error}`, error);
      return;
    }
    if (conn !== this.#conn) {
      return;
    }
    let welcome;
    try {
      welcome = await this.#requests.internal(conn, { type: 'hello', nick: this.#options.nick, token,
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
    conn.heartbeat.start(this.#options.pingInterval ?? welcome.heartbeatMs, this.#options.pongTimeout,
      () => this.#requests.internal(conn, { type: 'ping' }).catch(() => {}),
      () => this.#drop(conn, 'no reply to ping'));
    this.#scheduleRefresh(conn, welcome.exp ?? (token ? tokenExpiry(token) : null));
    const rooms = this.#rooms.positions();
    if (rooms.length === 0) {
      this.#ready(conn, reconnected);
      return;
    }
    conn.phase = 'rejoining';
    conn.setDeadline(this.#options.requestTimeout, () => this.#drop(conn, 'rooms not re-joined in time'));
    let left = rooms.length;
    for (const [room, since] of rooms) {
      this.#rooms.joinSent(room);
      this.#requests.internal(conn, { type: 'join', room, since }).then(
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
    conn.clearDeadline();
    conn.phase = 'ready';
    this.#backoff.reset();
    this.#setState('connected', { welcome: this.#welcome, reconnected });
    if (!reconnected) {
      this.#connecting.resolve(this.#welcome);
    }
    this.#requests.unpark().forEach((request) => this.#transmit(request));
  }

  /** With getToken, refreshes `conn`'s token before `exp`; a failed refresh is an `error` event, then tried again. */
  #scheduleRefresh(conn, exp) {
    this.#tokens.schedule(conn, exp, () => this.refresh(), (error) => {
      if (conn !== this.#conn) {
        return false;
      }
      const code = error.code ?? 'refresh_failed';
      this.#events.emit({ type: 'error', code, message: String(error.message ?? error), error });
      return true;
    });
  }

  /** Drops a connection at once (no waiting for a close handshake that may never come) and reconnects. */
  #drop(conn, reason, cause) {
    if (conn !== this.#conn) {
      return;
    }
    conn.drop(reason);
    this.#lost(conn, CLOSE_DROPPED, reason, cause);
  }

  /** The connection is gone: fail what was sent on it, and come back after a delay (or end). */
  #lost(conn, code, reason, cause) {
    if (conn !== this.#conn || this.#state === 'closed') {
      return;
    }
    if (conn) {
      conn.stopTimers();
      conn.detach();
    }
    this.#conn = null;
    this.#rooms.connectionLost();
    const error = new ParleyError('disconnected', `connection lost (${code}${reason ? ` ${reason}` : ''})`,
      { closeCode: code, cause });
    const ended = code === CLOSE_SESSION_REPLACED || code === CLOSE_POLICY;
    const delay = ended || (!this.#welcome && !this.#options.retryFirstConnect) ? -1 : this.#backoff.next();
    if (delay >= 0 && this.#options.whileReconnecting === 'fail') {
      this.#requests.failWaiting(error);
    }
    // sends with their nonce go again after the reconnect (whatever whileReconnecting says) to a 1.2 server
    this.#requests.connectionLost(error, delay >= 0 && Array.isArray(this.#welcome?.features));
    if (ended) {
      this.#terminate(new ParleyError('closed', `the server ended the session (${code} ${reason ?? ''})`.trim(),
        { closeCode: code }));
      return;
    }
    if (delay < 0) {
      this.#terminate(error);
      return;
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
    this.#closing = conn ? conn.close() : Promise.resolve();
    conn?.stopTimers();
    const closed = new ParleyError('closed', 'the client is closed', { cause: error ?? undefined });
    this.#requests.failAll(closed);
    this.#connecting?.reject(error ?? closed);
    this.#connecting?.promise.catch(() => {});
    this.#setState('closed', { error, code: error?.closeCode });
    this.#events.end();
  }

  // ---- traffic

  #receive(conn, data) {
    if (conn !== this.#conn) {
      return;
    }
    conn.heartbeat.frame();
    const event = decode(data);
    if (!event) {
      return;
    }
    const request = this.#requests.inFlight(event.id);
    if (request) {
      this.#replied(request, event);
    } else if (event.type === 'error') {
      this.#events.emit({ ...event, error: serverError(event) });
    } else if (isRoomEvent(event)) {
      this.#rooms.event(event).forEach((deliver) => this.#events.emit(deliver));
    } else if (event.type !== 'pong') {
      this.#events.emit(event);
    }
  }

  #replied(request, reply) {
    const error = reply.type === 'error' ? serverError(reply) : null;
    if (!request.internal && request.command.type === 'join') {
      if (error) {
        this.#joinFailed(request.command.room, error, false);
      } else {
        this.#joined(reply, request.joinSince);
      }
    }
    this.#requests.settle(request, error, reply);
  }

  /** Applies a `joined` reply: the `joined` event, a `gap` if any, then the messages to deliver. */
  #joined(reply, since) {
    this.#rooms.joined(reply, since).forEach((event) => this.#events.emit(event));
  }

  /** A join was refused: a re-join after a reconnect means the room is lost (`left` event). */
  #joinFailed(room, error, rejoin = true) {
    const release = this.#rooms.joinFailed(room);
    if (rejoin) {
      this.#rooms.left(room);
      this.#events.emit({ type: 'left', room, error });
    } else {
      release.forEach((event) => this.#events.emit(event));
    }
  }

  #setState(state, detail = {}) {
    const previous = this.#state;
    this.#state = state;
    this.#events.emit({ type: 'state', state, previous, ...detail });
  }
}
