import { ParleyError } from './errors.js';

/**
 * The client's requests: each a promise settled exactly once, by its reply, its timeout, its
 * AbortSignal or the connection's end. Those sent are in flight by id; those made while not
 * connected wait in line, in order, to be sent once the rooms are re-joined. The client's own
 * requests (`hello`, re-joins, pings) are in flight too but never wait and never time out.
 */
export class Requests {
  #nextId = 1;
  /** id → request sent on the current connection. */
  #inFlight = new Map();
  /** Requests made while not connected, in order. */
  #waiting = [];
  #maxWaiting;

  constructor(maxWaiting) {
    this.#maxWaiting = maxWaiting;
  }

  /**
   * A request for `command`: a promise of its reply, failed by the `timeout` (ms) and by `signal`.
   * `onReply(reply)` sees a successful reply synchronously, in wire order, before the promise
   * resolves. `route(request)` then sends it, parks it or settles it.
   */
  create(command, { signal, timeout, onReply }, route) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const request = { command: withoutUndefined(command), resolve, reject, timer: null, unsubscribe: null, onReply };
      request.timer = setTimeout(() => this.settle(request, new ParleyError('timeout',
        `no reply to ${command.type} within ${timeout} ms`)), timeout);
      if (signal) {
        const abort = () => this.settle(request, signal.reason);
        signal.addEventListener('abort', abort, { once: true });
        request.unsubscribe = () => signal.removeEventListener('abort', abort);
      }
      route(request);
    });
  }

  /**
   * Sends a request on `connection` under a new id; its reply settles it. `amend(command)` may change
   * the command that goes out (a join's `since`).
   */
  transmit(connection, request, amend = (command) => command) {
    const id = this.#nextId++;
    request.id = id;
    const command = amend({ ...request.command, id });
    this.#inFlight.set(id, request);
    connection.send(withoutUndefined(command));
  }

  /** A request of the client itself on `connection`, outside the waiting line: resolves with the reply. */
  internal(connection, command) {
    return new Promise((resolve, reject) => {
      const request = { command, resolve, reject, timer: null, internal: true };
      request.id = this.#nextId++;
      this.#inFlight.set(request.id, request);
      connection.send(withoutUndefined({ ...command, id: request.id }));
    });
  }

  /** The request in flight that a reply with `id` answers, or undefined. */
  inFlight(id) {
    return id === undefined ? undefined : this.#inFlight.get(id);
  }

  /** Puts a request in the waiting line; false when the line is full. */
  park(request) {
    if (this.#waiting.length >= this.#maxWaiting) {
      return false;
    }
    this.#waiting.push(request);
    return true;
  }

  /** Empties the waiting line: its requests, in order. */
  unpark() {
    const waiting = this.#waiting;
    this.#waiting = [];
    return waiting;
  }

  /** Settles a request exactly once, with `error` or else `reply`. */
  settle(request, error, reply) {
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
      request.onReply?.(reply);
      request.resolve(reply);
    }
  }

  /**
   * The connection is gone, and with it every reply still due. With `resend`, a `send` with a nonce
   * waits to go again, ahead of the line and in the order it was first sent: the server answers a
   * repeated nonce with the first message's `ack` and stores nothing new. Every other request sent
   * fails with `error`.
   */
  connectionLost(error, resend) {
    const again = [];
    [...this.#inFlight.values()].forEach((request) => {
      if (resend && !request.internal && request.command.nonce !== undefined) {
        this.#inFlight.delete(request.id);
        request.id = undefined;
        again.push(request);
      } else {
        this.settle(request, error);
      }
    });
    const room = Math.max(0, this.#maxWaiting - this.#waiting.length);
    again.slice(room).forEach((request) => this.settle(request, error));
    this.#waiting.unshift(...again.slice(0, room));
  }

  /** Fails every request waiting in line. */
  failWaiting(error) {
    [...this.#waiting].forEach((request) => this.settle(request, error));
  }

  /** Fails every request, sent or waiting (the client is closed). */
  failAll(error) {
    [...this.#inFlight.values(), ...this.#waiting].forEach((request) => this.settle(request, error));
  }
}

/** A send's nonce: 128 random bits as 32 hex digits (crypto.getRandomValues works on plain http pages too). */
export function newNonce() {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function withoutUndefined(object) {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}
