// Read state (version 1.2) on a server with auth, so that a user has two sessions: markRead, unread,
// welcome.unread, the `read` event of the other session, leave with forget, and the model's counts.
import assert from 'node:assert/strict';
import { describe } from 'node:test';

import { JWT_SECRET, Recorder, SKIP, TcpProxy, client, eventually, nick, optionalServer, token } from '../support/testing.js';

const HISTORY_ON_JOIN = 4;

describe('read state', { skip: SKIP }, () => {
  const { server, test: serverTest } = optionalServer(['--jwt-hmac-secret', JWT_SECRET, '--rate-per-sec', '1000',
    '--burst', '1000', '--history-on-join', String(HISTORY_ON_JOIN)], 'this server has no auth (--jwt-hmac-secret)');

  /** A session of `name`, with a token, at `url` (the server's by default). */
  const session = (t, name, url = server().url, options = {}) => client(t, url, name, { token: token(name, 600), ...options });

  /** Runs `body` where the server offers read state, else skips saying so. */
  const readTest = (name, body) => serverTest(name, async (t) => {
    const probe = await session(t, nick('probe'));
    if (!probe.welcome.features.includes('read')) {
      t.skip('this server does not offer read state');
      return;
    }
    await body(t);
  });

  /** alice and bob in a new room, with bob's messages 1–3 (the 2nd mentions alice). */
  async function room(t) {
    const name = nick('room');
    const alice = await session(t, nick('alice'));
    const bob = await session(t, nick('bob'));
    await alice.join(name);
    await bob.join(name);
    for (const text of ['one', `two @${alice.nick}`, 'three']) {
      await bob.send(name, text);
    }
    await eventually(() => alice.model(name).offset === 3, 'the messages in alice\'s model');
    return { name, alice, bob };
  }

  readTest('markRead moves the marker; unread() lists it with its counts, which the model keeps counting', async (t) => {
    const { name, alice, bob } = await room(t);
    const model = alice.model(name);
    const ack = await alice.markRead(name, 1);
    assert.equal(ack.type, 'ack');
    assert.equal(ack.offset, undefined);
    assert.deepEqual([model.lastRead, model.unread, model.mentions, model.counted], [1, 2, 1, true]);
    const rooms = await alice.unread();
    assert.deepEqual(rooms.find((r) => r.room === name), { room: name, lastRead: 1, unread: 2, mentions: 1 });

    await bob.send(name, `four @${alice.nick}`);
    await alice.send(name, 'mine, never unread');
    await eventually(() => model.offset === 5, 'the live messages');
    assert.deepEqual([model.unread, model.mentions], [3, 2]);
    await bob.delete(name, 2);
    await eventually(() => model.offset === 6, 'the delete');
    assert.deepEqual([model.unread, model.mentions], [2, 1]);
    assert.deepEqual((await alice.unread()).find((r) => r.room === name), { room: name, lastRead: 1, unread: 2, mentions: 1 },
      'the server counts the same');
    await alice.markRead(name, 6);
    assert.deepEqual([model.unread, model.mentions], [0, 0]);
    await assert.rejects(alice.markRead(name, 0), { code: 'bad_request' });
    await assert.rejects(alice.markRead(nick('elsewhere'), 1), { code: 'not_member' });
  });

  readTest('another session of the user gets welcome.unread, then a read event when the first moves the marker', async (t) => {
    const { name, alice } = await room(t);
    await alice.markRead(name, 1);
    const phone = await session(t, alice.nick);
    assert.deepEqual(phone.welcome.unread.find((r) => r.room === name), { room: name, lastRead: 1, unread: 2, mentions: 1 });
    const phoneModel = phone.model(name);
    assert.deepEqual([phoneModel.lastRead, phoneModel.unread, phoneModel.mentions, phoneModel.counted], [1, 2, 1, false],
      'the server\'s figures for a room this session is not in');
    const phones = new Recorder(phone, ['read']);
    const alices = new Recorder(alice, ['read']);

    await alice.markRead(name, 3);
    const read = await phones.next('read');
    assert.deepEqual(read, { type: 'read', room: name, offset: 3 });
    await eventually(() => phoneModel.unread === 0, 'the other session\'s counts, asked of the server');
    assert.deepEqual([phoneModel.lastRead, phoneModel.mentions], [3, 0]);
    await alice.markRead(name, 2);
    assert.equal(alice.model(name).lastRead, 3, 'the marker only moves forward');
    assert.deepEqual(alices.of('read'), [], 'not told of its own');
  });

  readTest('leave with forget removes the marker', async (t) => {
    const { name, alice } = await room(t);
    await alice.markRead(name, 2);
    await alice.leave(name, { forget: true });
    assert.equal(alice.model(name).lastRead, null);
    assert.equal((await alice.unread()).find((r) => r.room === name), undefined);
  });

  readTest('a marker older than the messages held: the server\'s figures, asked again as it moves and told by the welcome after a reconnect', async (t) => {
    const name = nick('room');
    const proxy = await TcpProxy.start(server().port);
    t.after(() => proxy.close());
    const bob = await session(t, nick('bob'));
    await bob.join(name);
    for (let i = 1; i <= 8; i++) {
      await bob.send(name, `m${i}`);
    }
    const alice = await session(t, nick('alice'), proxy.url, { reconnect: { initialDelay: 50, maxDelay: 200 } });
    const alices = new Recorder(alice, ['state', 'message']);
    await alice.join(name);
    const model = alice.model(name);
    assert.deepEqual(model.messages.map((m) => m.offset), [5, 6, 7, 8]);
    await alice.markRead(name, 2);
    await eventually(() => model.unread === 6, 'the count asked of the server');
    assert.equal(model.counted, false);

    proxy.refuse();
    proxy.cut();
    await alices.next('state', (s) => s.state === 'reconnecting' && s.retryAt);
    await bob.send(name, 'm9 while away');
    proxy.resume();
    await alices.next('state', (s) => s.state === 'connected' && s.reconnected);
    assert.deepEqual(alice.welcome.unread.find((r) => r.room === name), { room: name, lastRead: 2, unread: 7, mentions: 0 });
    assert.equal(model.unread, 7, 'the recovered message counted once');
    await bob.send(name, `m10 @${alice.nick}`);
    await eventually(() => model.offset === 10, 'the live message');
    assert.deepEqual([model.unread, model.mentions], [8, 1]);
    await alice.markRead(name, 6);
    assert.deepEqual([model.unread, model.mentions], [4, 1], 'the messages held up to the marker are read');
    assert.equal(model.counted, true);
  });
});
