import { Heartbeat } from './heartbeat.js';

/** The WebSocket subprotocol of the wire protocol, version 1. */
export const SUBPROTOCOL = 'parley.v1';

export const CLOSE_POLICY = 1008;
export const CLOSE_SESSION_REPLACED = 4009;
/** Our own close code (never sent by a server): the connection was dropped by this client. */
export const CLOSE_DROPPED = 4100;
const CLOSE_NORMAL = 1000;
/** How long close() waits for the server's answer to its close frame. */
const CLOSE_WAIT_MS = 3000;

/**
 * One WebSocket to the server and the timers that live as long as it: the deadline of its
 * current phase, the heartbeat's and the token refresh's. `phase` is where it stands: 'opening',
 * 'hello', 'rejoining' or 'ready'.
 */
export class Connection {
  phase = 'opening';
  deadline = null;
  refresh = null;
  heartbeat = new Heartbeat();

  constructor(socket) {
    this.socket = socket;
  }

  send(command) {
    this.socket.send(JSON.stringify(command));
  }

  /** Replaces the phase's deadline: `expired` runs after `ms` unless another deadline or stop() comes first. */
  setDeadline(ms, expired) {
    clearTimeout(this.deadline);
    this.deadline = setTimeout(expired, ms);
  }

  clearDeadline() {
    clearTimeout(this.deadline);
  }

  stopTimers() {
    clearTimeout(this.deadline);
    clearTimeout(this.refresh);
    this.heartbeat.stop();
  }

  /** Stops listening to the socket: nothing it says from now on reaches the client. */
  detach() {
    this.socket.onopen = this.socket.onmessage = this.socket.onclose = this.socket.onerror = null;
  }

  /** Closes at once, without waiting for the server's answer. */
  drop(reason) {
    this.detach();
    try {
      this.socket.close(CLOSE_DROPPED, String(reason).slice(0, 120));
    } catch (e) {
      // already closing
    }
  }

  /** Closes with 1000 and resolves once the close handshake finished, or after CLOSE_WAIT_MS. */
  close() {
    const socket = this.socket;
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
}

/** `ws://`/`wss://` URL of `url`, which may be http(s) or relative to the page (`/ws`). */
export function socketUrl(url) {
  const base = globalThis.location?.href;
  const parsed = new URL(String(url), base);
  if (parsed.protocol === 'http:') {
    parsed.protocol = 'ws:';
  } else if (parsed.protocol === 'https:') {
    parsed.protocol = 'wss:';
  }
  return parsed.href;
}

/** A frame's event: an object with a string `type`, or null for anything else. */
export function decode(data) {
  let event;
  try {
    event = JSON.parse(data);
  } catch (e) {
    return null;
  }
  return event !== null && typeof event === 'object' && typeof event.type === 'string' ? event : null;
}
