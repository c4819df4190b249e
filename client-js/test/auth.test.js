// Tokens against a server with auth on (HS256): hello with a token, refresh before expiry,
// 4003 for a token nobody refreshed, the rooms claim.
import assert from 'node:assert/strict';
import { describe } from 'node:test';

import { ParleyClient, connect } from '../parley.js';
import { JWT_SECRET, Recorder, SKIP, client, eventually, nick, optionalServer, token } from '../support/testing.js';

/** The server accepts tokens this long past `exp` (its clock-skew leeway) before it closes with 4003. */
const LEEWAY_MS = 5000;

describe('auth', { skip: SKIP }, () => {
  const { server, test: authTest } = optionalServer(['--jwt-hmac-secret', JWT_SECRET],
    'this server has no auth (--jwt-hmac-secret)');
  authTest('a bad token is refused with unauthorized', async () => {
    const name = nick('mallory');
    await assert.rejects(connect(server().url, { nick: name }), { code: 'unauthorized', fromServer: true });
    await assert.rejects(connect(server().url, { nick: name, token: token('someone-else', 60) }), { code: 'unauthorized' });
  });

  authTest('getToken gives every hello a token and keeps the connection past its expiry with refresh', async (t) => {
    const name = nick('alice');
    const issued = [];
    const alice = await client(t, server().url, name, {
      getToken: async () => {
        issued.push(token(name, 2));
        return issued.at(-1);
      },
    });
    const states = new Recorder(alice, ['state', 'error']);
    const firstExpiry = JSON.parse(Buffer.from(issued[0].split('.')[1], 'base64url')).exp * 1000;
    // past the first token's expiry and the server's leeway: only refreshed tokens keep it open
    await eventually(() => Date.now() > firstExpiry + LEEWAY_MS + 500, 'the first token to run out', 15_000);
    assert.equal((await alice.ping()).type, 'pong');
    assert.deepEqual(states.events, [], 'no reconnect, no failed refresh');
    assert.ok(issued.length >= 4, `refreshed ${issued.length - 1} times`);
  });

  authTest('refresh(token) presents a new token and resolves with its expiry', async (t) => {
    const name = nick('bob');
    const bob = await client(t, server().url, name, { token: token(name, 60) });
    const fresh = token(name, 120);
    const refreshed = await bob.refresh(fresh);
    assert.equal(refreshed.type, 'refreshed');
    assert.equal(refreshed.exp, JSON.parse(Buffer.from(fresh.split('.')[1], 'base64url')).exp);
  });

  authTest('a token nobody refreshes ends with 4003, and the reconnect with it is refused', async (t) => {
    const name = nick('carol');
    const carol = new ParleyClient(server().url, { nick: name, token: token(name, 1), reconnect: { initialDelay: 100 } });
    t.after(() => carol.close());
    const states = new Recorder(carol, ['state']);
    await carol.connect();
    const closed = await eventually(() => states.of('state', (s) => s.state === 'closed')[0], 'the end', 15_000);
    assert.equal(closed.error.code, 'unauthorized');
    assert.ok(states.of('state', (s) => s.state === 'reconnecting' && s.code === 4003).length > 0, 'closed with 4003 first');
  });

  authTest('the rooms claim: a join outside it is forbidden', async (t) => {
    const name = nick('dave');
    const dave = await client(t, server().url, name, { token: token(name, 60, { rooms: ['team-*'] }) });
    await dave.join('team-red');
    await assert.rejects(dave.join('general'), { code: 'forbidden', fromServer: true });
    assert.deepEqual(dave.joinedRooms, ['team-red']);
  });
});
