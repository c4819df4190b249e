import { Backoff } from './backoff.js';
import { currentToken, refreshDelayMs } from './token.js';

/** The WebSocket subprotocol of Parley's wire protocol version 1. */
const SUBPROTOCOL = 'parley.v1';
/** Close code of a session taken over by a `hello` that presented its `resume` secret (another tab). */
const SESSION_REPLACED = 4009;
/** `hello` errors that another attempt with the same nick would only repeat. */
const REFUSALS = new Set(['nick_taken', 'nick_invalid', 'unauthorized']);
/** How soon to ask for a token again when the last refresh did not push the expiry back. */
const REFRESH_RETRY_MS = 1000;
/** The first round trip is measured once the page has settled after `welcome` (joins, first render). */
const FIRST_PING_DELAY_MS = 1000;

/** A command the server answered with `error`; `code` is the protocol's error code. */
export class ProtocolError extends Error {
  constructor(event) {
    super(event.message || event.code);
    this.name = 'ProtocolError';
    this.code = event.code;
  }
}

/** A command that could not be answered because there is no open session. */
export class Disconnected extends Error {
  constructor() {
    super('not connected');
    this.name = 'Disconnected';
  }
}

/**
 * The page's one connection to the server: a WebSocket that says `hello`, keeps measuring the
 * round trip, and comes back on its own after it is lost.
 *
 * Lifecycle, as reported to `listener.status({state, rttMs, retryAt})`:
 *
 *     start(nick) → connecting → (socket open, hello) → welcome → online   listener.welcome(welcome)
 *     hello refused (nick_taken, nick_invalid, unauthorized)   → stopped   listener.refused(error)
 *     socket lost or no pong in time → waiting (backoff with jitter) → connecting → …
 *     closed with 4009 (the session was resumed elsewhere)     → replaced  (retryNow() starts again)
 *     stop()                                                   → stopped
 *
 * Every `hello` after the first carries the `resume` secret of the last `welcome`, so the server
 * hands the nick over even if it has not noticed yet that the old connection is gone. On servers
 * with auth, every `hello` carries a token from token.js, and before the session's token expires
 * (`welcome.exp`) a `refresh` sends a new one. Server events that answer no request go to
 * `listener.event(event)`.
 */
export class Connection {
  #config;
  #listener;
  #backoff;
  #socket = null;
  #nick = null;
  #resume = null;
  #state = 'stopped';
  #nextId = 1;
  /** Request id → {resolve, reject} of the command waiting for its reply. */
  #pending = new Map();
  #retryTimer = 0;
  #retryAt = 0;
  #pingTimer = 0;
  #refreshTimer = 0;
  #rttMs = null;

  constructor(config, listener) {
    this.#config = config;
    this.#listener = listener;
    this.#backoff = new Backoff(config.backoffInitialMs, config.backoffMaxMs);
    window.addEventListener('online', () => this.retryNow());
  }

  get online() {
    return this.#state === 'online';
  }

  /** Connects as `nick`, presenting `resume` (the secret of an earlier session of this tab) if there is one. */
  start(nick, resume) {
    this.stop();
    this.#nick = nick;
    this.#resume = resume || null;
    this.#backoff.reset();
    this.#connect();
  }

  /** Closes the connection for good; nothing reconnects until the next start(). */
  stop() {
    this.#setState('stopped');
    clearTimeout(this.#retryTimer);
    this.#drop();
  }

  /** Skips the rest of the backoff delay, or comes back after the session was replaced. */
  retryNow() {
    if (this.#state === 'waiting' || this.#state === 'replaced') {
      clearTimeout(this.#retryTimer);
      this.#backoff.reset();
      this.#connect();
    }
  }

  /** Sends a command and resolves with its reply; rejects with ProtocolError or Disconnected. */
  request(command) {
    return this.online ? this.#call(command) : Promise.reject(new Disconnected());
  }

  /** Sends a command that has no reply (`typing`); false when there is no session. */
  send(command) {
    if (!this.online) {
      return false;
    }
    this.#socket.send(JSON.stringify(command));
    return true;
  }

  #call(command) {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#socket.send(JSON.stringify({ ...command, id }));
    });
  }

  #connect() {
    this.#setState('connecting');
    let socket;
    try {
      socket = new WebSocket(this.#config.socketUrl, SUBPROTOCOL);
    } catch (e) {
      this.#lost();
      return;
    }
    this.#socket = socket;
    socket.onopen = () => this.#hello();
    socket.onmessage = (message) => this.#receive(message.data);
    socket.onclose = (close) => this.#lost(close.code);
  }

  async #hello() {
    const socket = this.#socket;
    const hello = { type: 'hello', nick: this.#nick };
    if (this.#resume) {
      hello.resume = this.#resume;
    }
    let welcome;
    try {
      const token = await currentToken();
      if (token) {
        hello.token = token;
      }
      if (socket !== this.#socket) {
        return;
      }
      welcome = await this.#call(hello);
    } catch (error) {
      if (error instanceof ProtocolError && REFUSALS.has(error.code)) {
        this.stop();
        this.#listener.refused(error);
      } else if (error instanceof ProtocolError || !(error instanceof Disconnected)) {
        this.#lost();
      }
      return;
    }
    this.#resume = welcome.resume;
    this.#backoff.reset();
    this.#setState('online');
    this.#schedulePing(FIRST_PING_DELAY_MS);
    this.#scheduleRefresh(welcome.exp);
    this.#listener.welcome(welcome);
  }

  /** Sends `refresh` with a new token ahead of `exp` (seconds); nothing for a token without expiry. */
  #scheduleRefresh(exp, delay = exp && refreshDelayMs(exp)) {
    clearTimeout(this.#refreshTimer);
    if (!exp) {
      return;
    }
    this.#refreshTimer = setTimeout(async () => {
      try {
        const refreshed = await this.#call({ type: 'refresh', token: await currentToken() });
        this.#scheduleRefresh(refreshed.exp > exp ? refreshed.exp : exp,
          refreshed.exp > exp ? undefined : REFRESH_RETRY_MS);
      } catch (error) {
        // Refused: the server closes with 1008. Lost: the reconnect says hello with a new token.
      }
    }, delay);
  }

  #receive(data) {
    let event;
    try {
      event = JSON.parse(data);
    } catch (e) {
      return;
    }
    const waiting = event.id === undefined ? undefined : this.#pending.get(event.id);
    if (waiting) {
      this.#pending.delete(event.id);
      if (event.type === 'error') {
        waiting.reject(new ProtocolError(event));
      } else {
        waiting.resolve(event);
      }
    } else {
      this.#listener.event(event);
    }
  }

  #schedulePing(delay) {
    this.#pingTimer = setTimeout(() => {
      this.#ping();
      this.#schedulePing(this.#config.pingIntervalMs);
    }, delay);
  }

  /** Measures the round trip; a pong that does not come means a dead link the browser has not noticed. */
  #ping() {
    const started = performance.now();
    const deadline = setTimeout(() => this.#lost(), this.#config.pongTimeoutMs);
    this.#call({ type: 'ping' }).then(() => {
      this.#rttMs = Math.round(performance.now() - started);
      this.#report();
    }, () => {}).finally(() => clearTimeout(deadline));
  }

  /** The socket is gone: fail what waits on it and come back after a backoff delay. */
  #lost(code) {
    this.#drop();
    if (this.#state === 'stopped') {
      return;
    }
    if (code === SESSION_REPLACED) {
      this.#setState('replaced');
      return;
    }
    const delay = this.#backoff.next();
    this.#retryAt = Date.now() + delay;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
    this.#setState('waiting');
  }

  /** Forgets the current socket (closing it if still open) and fails every request waiting on it. */
  #drop() {
    clearTimeout(this.#pingTimer);
    clearTimeout(this.#refreshTimer);
    this.#rttMs = null;
    const socket = this.#socket;
    this.#socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = null;
      if (socket.readyState === WebSocket.CONNECTING || socket.readyState === WebSocket.OPEN) {
        socket.close(1000);
      }
    }
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    pending.forEach((waiting) => waiting.reject(new Disconnected()));
  }

  #setState(state) {
    this.#state = state;
    this.#report();
  }

  #report() {
    this.#listener.status({ state: this.#state, rttMs: this.#rttMs, retryAt: this.#retryAt });
  }
}
