// Reconnecting: through a proxy that drops or stalls the connection and through a server
// restart; resume, recovery with `since`, gaps, and requests made meanwhile.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { ParleyClient, connect } from '../parley.js';
import { Recorder, ServerProcess, SKIP, TcpProxy, client, eventually, nick } from '../support/testing.js';

const HISTORY_SIZE = 12;
const HISTORY_ON_JOIN = 4;
const FAST = { reconnect: { initialDelay: 50, maxDelay: 200 } };

describe('reconnect', { skip: SKIP }, () => {
  let server;
  let proxy;

  before(async () => {
    server = await ServerProcess.start(['--history-size', String(HISTORY_SIZE),
      '--history-on-join', String(HISTORY_ON_JOIN), '--rate-per-sec', '1000', '--burst', '1000']);
    proxy = await TcpProxy.start(server.port);
  });
  after(async () => {
    await proxy?.close();
    await server?.stop();
  });

  /** `nick` through the proxy and `other` straight to the server, both in a new room with one message. */
  async function pair(t, options = {}) {
    const room = nick('room');
    const alice = await client(t, proxy.url, nick('alice'), { ...FAST, ...options });
    const bob = await client(t, server.url, nick('bob'));
    const alices = new Recorder(alice);
    const bobs = new Recorder(bob);
    await alice.join(room);
    await bob.join(room);
    await bob.send(room, 'before');
    await alices.next('message');
    t.after(() => proxy.resume());
    return { room, alice, bob, alices, bobs };
  }

  async function sendAll(sender, room, texts) {
    for (const text of texts) {
      await sender.send(room, text);
    }
  }

  test('a dropped connection comes back by itself and delivers every missed message once, in order', async (t) => {
    const { room, alice, bob, alices, bobs } = await pair(t);
    proxy.refuse();
    proxy.cut();
    await alices.next('state', (s) => s.state === 'reconnecting' && s.retryAt);
    await bobs.next('presence', (p) => p.event === 'leave' && p.nick === alice.nick);
    const missed = Array.from({ length: HISTORY_ON_JOIN + 3 }, (_, i) => `missed ${i + 1}`);
    await sendAll(bob, room, missed);
    proxy.resume();
    const back = await alices.next('state', (s) => s.state === 'connected' && s.reconnected);
    assert.equal(back.welcome, alice.welcome);
    await bob.send(room, 'after');
    await eventually(() => alices.texts(room).includes('after'), 'the message after the reconnect');
    assert.deepEqual(alices.texts(room), ['before', ...missed, 'after']);
    assert.deepEqual(alices.of('message').map((m) => m.offset), Array.from({ length: missed.length + 2 }, (_, i) => i + 1));
    assert.deepEqual(alices.of('gap'), []);
    const rejoined = alices.of('joined', (j) => j.since);
    assert.equal(rejoined.length, 1);
    assert.deepEqual(rejoined[0].since, { epoch: rejoined[0].epoch, offset: 1 });
    assert.equal(rejoined[0].recovered, true);
  });

  test('a stalled connection is found dead by its ping and resumed while the server still holds the nick', async (t) => {
    const { room, alice, bob, alices, bobs } = await pair(t, { pingInterval: 300, pongTimeout: 300 });
    const session = alice.welcome.session;
    proxy.stall();
    await alices.next('state', (s) => s.state === 'reconnecting');
    // the server's idle timeout is a minute: only the resume secret can take the nick over now
    await alices.next('state', (s) => s.state === 'connected' && s.reconnected);
    assert.notEqual(alice.welcome.session, session);
    const presence = bobs.of('presence', (p) => p.nick === alice.nick).map((p) => p.event);
    assert.deepEqual(presence.slice(-2), ['leave', 'join']);
    await bob.send(room, 'still here?');
    await eventually(() => alices.texts(room).includes('still here?'), 'the message');
    assert.deepEqual(alices.texts(room), ['before', 'still here?']);
  });

  test('when the server no longer has what was missed, a gap comes first, then the latest messages', async (t) => {
    const { room, bob, alices } = await pair(t);
    proxy.refuse();
    proxy.cut();
    await alices.next('state', (s) => s.state === 'reconnecting' && s.retryAt);
    const missed = Array.from({ length: HISTORY_SIZE + 3 }, (_, i) => `missed ${i + 1}`);
    await sendAll(bob, room, missed);
    proxy.resume();
    const gap = await alices.next('gap');
    assert.equal(gap.room, room);
    assert.equal(gap.historyLost, false);
    assert.deepEqual(gap.since, { epoch: gap.epoch, offset: 1 });
    assert.equal(gap.offset, missed.length + 1);
    await eventually(() => alices.texts(room).length === 1 + HISTORY_ON_JOIN, 'the latest messages');
    assert.deepEqual(alices.texts(room), ['before', ...missed.slice(-HISTORY_ON_JOIN)]);
    const types = alices.events.filter((e) => e.room === room).map((e) => e.type);
    assert.deepEqual(types.slice(-(HISTORY_ON_JOIN + 2)), ['joined', 'gap', ...missed.slice(-HISTORY_ON_JOIN).map(() => 'message')]);
  });

  test('requests made while reconnecting wait for the connection, or fail at once with whileReconnecting fail', async (t) => {
    const { room, alice, alices, bobs } = await pair(t);
    const failing = await client(t, proxy.url, nick('impatient'), { ...FAST, whileReconnecting: 'fail' });
    const failings = new Recorder(failing, ['state']);
    proxy.refuse();
    proxy.cut();
    await alices.next('state', (s) => s.state === 'reconnecting');
    await failings.next('state', (s) => s.state === 'reconnecting');
    const waiting = alice.send(room, 'sent once back');
    await assert.rejects(failing.rooms(), { code: 'disconnected' });
    proxy.resume();
    const ack = await waiting;
    assert.equal(ack.offset, 2);
    const message = await bobs.next('message', (m) => m.from === alice.nick);
    assert.equal(message.text, 'sent once back');
  });

  test('a request in flight when the connection drops rejects with disconnected', async (t) => {
    const { alice, alices } = await pair(t);
    proxy.stall();
    const pending = alice.rooms();
    proxy.cut();
    await assert.rejects(pending, (error) => error.code === 'disconnected' && error.closeCode !== undefined);
    await alices.next('state', (s) => s.state === 'connected' && s.reconnected);
  });

  test('a send whose ack was lost goes again with its nonce after the resume and is stored once', async (t) => {
    const { room, alice, bob, alices, bobs } = await pair(t);
    proxy.stall({ only: 'toClient' });
    const sent = alice.send(room, 'once');
    await bobs.next('message', (m) => m.text === 'once');
    proxy.cut();
    const ack = await sent;
    assert.equal(ack.offset, 2);
    await bob.send(room, 'after');
    await eventually(() => alices.texts(room).includes('after'), 'the message after the reconnect');
    assert.deepEqual(alices.texts(room), ['before', 'once', 'after']);
    assert.deepEqual(bobs.texts(room), ['before', 'once', 'after']);
    const history = await alice.history(room);
    assert.deepEqual(history.messages.map((m) => m.text), ['before', 'once', 'after']);
  });

  test('sends lost on the way go again after the resume, in their order, and are stored once', async (t) => {
    const { room, alice, alices } = await pair(t);
    proxy.stall({ only: 'toServer' });
    const first = alice.send(room, 'first');
    const second = alice.send(room, 'second');
    proxy.cut();
    assert.equal((await first).offset, 2);
    assert.equal((await second).offset, 3);
    await eventually(() => alices.texts(room).includes('second'), 'the sends after the reconnect');
    assert.deepEqual(alices.texts(room), ['before', 'first', 'second']);
    const history = await alice.history(room);
    assert.deepEqual(history.messages.map((m) => m.text), ['before', 'first', 'second']);
  });

  test('a room left while offline is not re-joined', async (t) => {
    const { room, alice, alices, bobs } = await pair(t);
    proxy.refuse();
    proxy.cut();
    await alices.next('state', (s) => s.state === 'reconnecting' && s.retryAt);
    const leaving = alice.leave(room);
    assert.deepEqual(alice.joinedRooms, []);
    proxy.resume();
    await assert.rejects(leaving, { code: 'not_member' }, 'sent once back, to a server that had dropped it');
    assert.deepEqual(alices.of('joined', (j) => j.since), []);
    const members = await alice.who(room);
    assert.ok(!members.members.includes(alice.nick));
    assert.equal(bobs.of('presence', (p) => p.nick === alice.nick && p.event === 'join').length, 0);
  });

  test('reconnectNow skips the backoff wait', async (t) => {
    const { alice, alices } = await pair(t, { reconnect: { initialDelay: 60_000, maxDelay: 60_000, jitter: 0 } });
    proxy.cut();
    const waiting = await alices.next('state', (s) => s.state === 'reconnecting' && s.retryAt);
    assert.ok(waiting.retryAt - Date.now() > 30_000);
    alice.reconnectNow();
    await alices.next('state', (s) => s.state === 'connected' && s.reconnected);
  });

  test('reconnecting gives up after maxAttempts and closes with the last error', async (t) => {
    const { alice, alices } = await pair(t, { reconnect: { initialDelay: 20, maxDelay: 20, maxAttempts: 2 } });
    proxy.refuse();
    proxy.cut();
    const closed = await alices.next('state', (s) => s.state === 'closed');
    assert.equal(closed.error.code, 'disconnected');
    assert.equal(alice.state, 'closed');
    assert.equal(alices.of('state', (s) => s.state === 'reconnecting' && s.retryAt).length, 2);
    await assert.rejects(alice.ping(), { code: 'closed' });
  });

  test('retryFirstConnect keeps trying until the server can be reached', async (t) => {
    proxy.refuse();
    const late = new ParleyClient(proxy.url, { nick: nick('late'), retryFirstConnect: true, ...FAST });
    t.after(() => late.close());
    const states = new Recorder(late, ['state']);
    const connecting = late.connect();
    await states.next('state', (s) => s.state === 'connecting' && s.retryAt, 2);
    proxy.resume();
    const welcome = await connecting;
    assert.equal(welcome.nick, late.nick);
    assert.equal(states.of('state', (s) => s.state === 'reconnecting').length, 0);
  });

  test('a session taken over with its resume secret ends with 4009, and the taker gets the nick', async (t) => {
    const first = await client(t, server.url, nick('tab'));
    const firsts = new Recorder(first, ['state']);
    const second = await client(t, server.url, first.nick, { resume: first.welcome.resume });
    const closed = await firsts.next('state', (s) => s.state === 'closed');
    assert.equal(closed.code, 4009);
    assert.equal(closed.error.closeCode, 4009);
    assert.equal(second.nick, first.nick);
  });

  test('join with since delivers what came after it as message events, on a new client', async (t) => {
    const room = nick('room');
    const writer = await client(t, server.url, nick('writer'));
    await writer.join(room);
    await sendAll(writer, room, ['one', 'two']);
    const reader = await client(t, server.url, nick('reader'));
    const joined = await reader.join(room);
    await reader.close();
    await sendAll(writer, room, ['three', 'four']);
    const again = await client(t, server.url, reader.nick);
    const agains = new Recorder(again);
    const rejoined = await again.join(room, { since: { epoch: joined.epoch, offset: joined.offset } });
    assert.equal(rejoined.recovered, true);
    assert.deepEqual(agains.texts(room), ['three', 'four']);
    assert.deepEqual(agains.of('gap'), []);
    await writer.send(room, 'five');
    await eventually(() => agains.texts(room).length === 3, 'the live message');
    assert.deepEqual(agains.texts(room), ['three', 'four', 'five']);
  });
});

describe('server restart', { skip: SKIP }, () => {
  test('a client comes back after its server restarts, and reports the lost history as a gap', async (t) => {
    const server = await ServerProcess.start(['--shutdown-grace-ms', '1000']);
    t.after(() => server.stop());
    const room = nick('room');
    const alice = await connect(server.url, { nick: nick('alice'), ...FAST, reconnect: { initialDelay: 100, maxDelay: 500 } });
    t.after(() => alice.close());
    const alices = new Recorder(alice);
    await alice.join(room);
    await alice.send(room, 'before the restart');
    await alices.next('message');

    await server.restart();
    const lost = alices.of('state', (s) => s.state === 'reconnecting')[0];
    assert.equal(lost.code, 1001, 'a graceful stop says going away');
    await alices.next('state', (s) => s.state === 'connected' && s.reconnected);
    const gap = await alices.next('gap');
    assert.equal(gap.historyLost, true);
    assert.notEqual(gap.epoch, gap.since.epoch);
    assert.equal(gap.offset, 0);

    const bob = await client(t, server.url, nick('bob'));
    await bob.join(room);
    await bob.send(room, 'after the restart');
    await eventually(() => alices.texts(room).length === 2, 'the new message');
    assert.deepEqual(alices.of('message').map((m) => [m.offset, m.text]), [[1, 'before the restart'], [1, 'after the restart']]);
    assert.deepEqual(alice.joinedRooms, [room]);
  });
});
