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
 * No dependencies, no build step: this file is the entry point, its parts are the modules in
 * `parley/` beside it (imported relatively, so they load from wherever this file does). The
 * wire contract is the server's docs/protocol.md.
 */

export { ParleyClient, connect } from './parley/client.js';
export { SUBPROTOCOL } from './parley/connection.js';
export { ParleyError } from './parley/errors.js';
export { RoomModel } from './parley/model.js';
