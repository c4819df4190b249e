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

/** The ParleyError of a server's `error` event. */
export function serverError(event) {
  return new ParleyError(event.code, event.message, { fromServer: true });
}
