// Requests, replies and errors, events, ordering, abort and timeouts, against a real server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { ParleyClient, ParleyError, connect } from '../parley.js';
import { Recorder, ServerProcess, SKIP, TcpProxy, client, eventually, nick } from '../support/testing.js';

describe('requests', { skip: SKIP }, () => {
  let server;

  before(async () => {
    server = await ServerProcess.start(['--rate-per-sec', '1000', '--burst', '1000', '--max-text-chars', '100',
      '--max-rooms', '3']);
  });
  after(() => server?.stop());

  test('connect resolves once welcomed, with the server limits', async (t) => {
    const alice = await client(t, server.url, nick('alice'));
    assert.equal(alice.state, 'connected');
    assert.match(alice.welcome.session, /^s-/);
    assert.equal(alice.welcome.limits.maxTextChars, 100);
    assert.equal(alice.nick, alice.welcome.nick);
  });

  test('an http URL is taken for its WebSocket', async (t) => {
    const alice = await client(t, `${server.httpUrl}/ws`, nick('alice'));
    assert.equal(alice.state, 'connected');
  });

  test('join, send and the message event: the ack has the offset the members see', async (t) => {
    const room = nick('room');
    const alice = await client(t, server.url, nick('alice'));
    const bob = await client(t, server.url, nick('bob'));
    const bobs = new Recorder(bob);
    const joined = await alice.join(room);
    assert.equal(joined.type, 'joined');
    assert.equal(joined.offset, 0);
    assert.deepEqual(joined.members, [alice.nick]);
    await bob.join(room);
    const presence = new Recorder(alice);
    const ack = await alice.send(room, 'hello');
    assert.equal(ack.type, 'ack');
    assert.equal(ack.offset, 1);
    const message = await bobs.next('message');
    assert.deepEqual({ ...message, ts: 0 }, { type: 'message', room, offset: 1, ts: 0, from: alice.nick, text: 'hello' });
    assert.equal(message.ts, ack.ts);
    assert.deepEqual(bob.joinedRooms, [room]);

    await bob.leave(room);
    const left = await presence.next('presence', (p) => p.event === 'leave');
    assert.equal(left.nick, bob.nick);
    assert.deepEqual(bob.joinedRooms, []);
  });

  test('a joined reply holds the latest messages as history, and they are not repeated as events', async (t) => {
    const room = nick('room');
    const alice = await client(t, server.url, nick('alice'));
    await alice.join(room);
    for (const text of ['one', 'two']) {
      await alice.send(room, text);
    }
    const bob = await client(t, server.url, nick('bob'));
    const bobs = new Recorder(bob);
    const joined = await bob.join(room);
    assert.deepEqual(joined.messages.map((m) => m.text), ['one', 'two']);
    await alice.send(room, 'three');
    await bobs.next('message');
    assert.deepEqual(bobs.texts(room), ['three']);
    const [event] = bobs.of('joined');
    assert.equal(event.since, undefined, 'a first join has no since');
  });

  test('two joins of a room at once: one stream, no gap', async (t) => {
    const room = nick('room');
    const alice = await client(t, server.url, nick('alice'));
    const bob = await client(t, server.url, nick('bob'));
    const bobs = new Recorder(bob);
    await alice.join(room);
    await alice.send(room, 'before');
    const [first, second] = await Promise.all([bob.join(room), bob.join(room)]);
    assert.deepEqual([first.messages.length, second.messages.length], [1, 1]);
    await alice.send(room, 'after');
    await bobs.next('message');
    assert.deepEqual(bobs.texts(room), ['after']);
    assert.deepEqual(bobs.of('gap'), []);
  });

  test('every message reaches every member once, in offset order', async (t) => {
    const room = nick('busy');
    const senders = await Promise.all([1, 2, 3].map((i) => client(t, server.url, nick(`s${i}`))));
    const reader = await client(t, server.url, nick('reader'));
    const readers = new Recorder(reader);
    await reader.join(room);
    await Promise.all(senders.map((sender) => sender.join(room)));
    const acks = await Promise.all(senders.flatMap((sender) => Array.from({ length: 30 },
      (_, i) => sender.send(room, `${sender.nick} ${i}`))));
    await readers.next('message', () => true, 90);
    const offsets = readers.of('message').map((m) => m.offset);
    assert.deepEqual(offsets, Array.from({ length: 90 }, (_, i) => i + 1));
    assert.deepEqual(acks.map((ack) => ack.offset).sort((a, b) => a - b), offsets);
    for (const sender of senders) {
      const own = readers.of('message', (m) => m.from === sender.nick).map((m) => m.text);
      assert.deepEqual(own, Array.from({ length: 30 }, (_, i) => `${sender.nick} ${i}`), 'one sender’s messages in sending order');
    }
  });

  test('errors reject with ParleyError carrying the protocol code, and the connection stays usable', async (t) => {
    const alice = await client(t, server.url, nick('alice'));
    const cases = [
      [() => alice.send('not-joined', 'x'), 'not_member'],
      [() => alice.join('bad room!'), 'room_invalid'],
      [() => alice.dm('nobody-here', 'x'), 'no_such_user'],
      [() => alice.history('anything', { limit: 500 }), 'bad_request'],
    ];
    for (const [request, code] of cases) {
      await assert.rejects(request(), (error) => error instanceof ParleyError && error.code === code
        && error.fromServer === true && error.message.length > 0);
    }
    const room = nick('room');
    await alice.join(room);
    await assert.rejects(alice.send(room, 'x'.repeat(101)), { code: 'text_too_long' });
    await Promise.all([nick('r'), nick('r')].map((r) => alice.join(r)));
    await assert.rejects(alice.join(nick('r')), { code: 'too_many_rooms' });
    assert.equal((await alice.ping()).type, 'pong');
    assert.equal(alice.joinedRooms.length, 3, 'a refused join tracks nothing');
    await assert.rejects(alice.join('x', { since: { offset: 1 } }), TypeError);
  });

  test('a refused hello rejects connect with its code and closes the client', async (t) => {
    const name = nick('taken');
    await client(t, server.url, name);
    await assert.rejects(connect(server.url, { nick: name }), { code: 'nick_taken', fromServer: true });
    await assert.rejects(connect(server.url, { nick: 'no spaces' }), { code: 'nick_invalid' });
    const refused = new ParleyClient(server.url, { nick: name.toUpperCase() });
    const states = new Recorder(refused, ['state']);
    await assert.rejects(refused.connect(), { code: 'nick_taken' });
    assert.equal(refused.state, 'closed');
    assert.deepEqual(states.events.map((e) => e.state), ['connecting', 'closed']);
    assert.equal(states.events[1].error.code, 'nick_taken');
    await assert.rejects(refused.rooms(), { code: 'closed' });
  });

  test('direct messages, typing, who, rooms and history', async (t) => {
    const room = nick('room');
    const alice = await client(t, server.url, nick('alice'));
    const bob = await client(t, server.url, nick('bob'));
    const bobs = new Recorder(bob);
    const ack = await alice.dm(bob.nick, 'psst');
    assert.equal(ack.offset, undefined);
    const dm = await bobs.next('dm');
    assert.equal(dm.from, alice.nick);
    assert.equal(dm.text, 'psst');

    await alice.join(room);
    await bob.join(room);
    assert.equal(alice.typing(room), true);
    const typing = await bobs.next('typing');
    assert.equal(typing.nick, alice.nick);

    const members = await bob.who(room);
    assert.deepEqual([...members.members].sort(), [alice.nick, bob.nick].sort());
    const rooms = await bob.rooms();
    assert.deepEqual(rooms.rooms.find((r) => r.room === room), { room, members: 2 });

    for (let i = 1; i <= 5; i++) {
      await alice.send(room, `m${i}`);
    }
    const page = await bob.history(room, { before: 5, limit: 2 });
    assert.deepEqual(page.messages.map((m) => m.offset), [3, 4]);
    assert.equal(page.epoch, (await bob.history(room)).epoch);
    const forward = await bob.history(room, { after: 2, limit: 2 });
    assert.deepEqual(forward.messages.map((m) => m.offset), [3, 4]);
  });

  test('welcome lists the room events and read state in memory but not search, which is unsupported', async (t) => {
    const room = nick('room');
    const alice = await client(t, server.url, nick('alice'));
    assert.deepEqual(alice.welcome.features, ['delete', 'edit', 'reactions', 'read', 'replies']);
    assert.deepEqual(alice.welcome.unread, [], 'no read marker yet');
    assert.equal(alice.welcome.limits.recoverMax, 1000);
    await alice.join(room);
    await assert.rejects(alice.search(room, 'anything'), { code: 'unsupported' });
  });

  test('an error without a request comes as an error event', async (t) => {
    const alice = await client(t, server.url, nick('alice'));
    const errors = new Recorder(alice, ['error']);
    alice.typing('not-a-member-room');
    // typing in a room one is not in is refused; the connection carries on
    const error = await errors.next('error');
    assert.ok(error.error instanceof ParleyError);
    assert.equal(error.code, error.error.code);
    assert.equal((await alice.ping()).type, 'pong');
  });

  test('events() is an async iterator of everything, ending when the client closes', async (t) => {
    const room = nick('room');
    const alice = await client(t, server.url, nick('alice'));
    const bob = await client(t, server.url, nick('bob'));
    const seen = [];
    const reading = (async () => {
      for await (const event of bob.events({ types: ['message', 'state'] })) {
        seen.push(event.type === 'state' ? `state:${event.state}` : event.text);
      }
    })();
    await alice.join(room);
    await bob.join(room);
    await alice.send(room, 'a');
    await alice.send(room, 'b');
    await eventually(() => seen.length === 2, 'two messages');
    await bob.close();
    await reading;
    assert.deepEqual(seen, ['a', 'b', 'state:closed']);
  });

  test('events() that falls more than maxBufferedEvents behind fails with overflow', async (t) => {
    const room = nick('room');
    const alice = await client(t, server.url, nick('alice'), { maxBufferedEvents: 2 });
    const stream = alice.events({ types: ['message'] });
    const seen = new Recorder(alice, ['message']);
    await alice.join(room);
    for (const text of ['a', 'b', 'c']) {
      await alice.send(room, text);
    }
    await seen.next('message', () => true, 3);
    await assert.rejects(stream.next(), { code: 'overflow' });
    assert.deepEqual(await stream.next(), { value: undefined, done: true });
  });

  test('events() ends early on its signal', async (t) => {
    const alice = await client(t, server.url, nick('alice'));
    const controller = new AbortController();
    const stream = alice.events({ signal: controller.signal });
    controller.abort();
    await assert.rejects(stream.next(), { name: 'AbortError' });
  });

  test('a request takes an AbortSignal: aborted before, it is never sent; after, it rejects with the reason', async (t) => {
    const room = nick('room');
    const alice = await client(t, server.url, nick('alice'));
    const bob = await client(t, server.url, nick('bob'));
    const bobs = new Recorder(bob);
    await alice.join(room);
    await bob.join(room);
    await assert.rejects(alice.send(room, 'never', { signal: AbortSignal.abort() }), { name: 'AbortError' });
    const controller = new AbortController();
    const pending = alice.history(room, { signal: controller.signal });
    controller.abort(new Error('changed my mind'));
    await assert.rejects(pending, { message: 'changed my mind' });
    await alice.send(room, 'sent');
    await bobs.next('message');
    assert.deepEqual(bobs.texts(room), ['sent']);
  });

  test('listeners can be removed, and a throwing listener does not break the others', async (t) => {
    const room = nick('room');
    const alice = await client(t, server.url, nick('alice'));
    const got = [];
    const off = alice.on('message', (m) => got.push(`removed ${m.text}`));
    off();
    const reported = [];
    globalThis.reportError = (error) => reported.push(error.message);
    t.after(() => delete globalThis.reportError);
    alice.on('message', () => {
      throw new Error('listener bug');
    });
    alice.on('message', (m) => got.push(m.text));
    await alice.join(room);
    await alice.send(room, 'x');
    await eventually(() => got.length === 1, 'the message');
    assert.deepEqual(got, ['x']);
    assert.deepEqual(reported, ['listener bug']);
  });

  test('options.WebSocket is the constructor used', async (t) => {
    const made = [];
    class CountingWebSocket extends WebSocket {
      constructor(url, protocols) {
        super(url, protocols);
        made.push({ url, protocols });
      }
    }
    await client(t, server.url, nick('alice'), { WebSocket: CountingWebSocket });
    assert.deepEqual(made, [{ url: server.url, protocols: 'parley.v1' }]);
  });

  test('without a WebSocket constructor the client says what to do', () => {
    assert.throws(() => new ParleyClient(server.url, { nick: 'x', WebSocket: null }), TypeError);
    assert.throws(() => new ParleyClient(server.url, {}), /nick/);
  });

  test('close() rejects what waits with closed and is idempotent', async () => {
    const alice = await connect(server.url, { nick: nick('alice') });
    const states = new Recorder(alice, ['state']);
    const pending = assert.rejects(alice.history(nick('r')), { code: 'closed' });
    await Promise.all([alice.close(), alice.close()]);
    await pending;
    await assert.rejects(alice.ping(), { code: 'closed' });
    assert.equal(alice.typing('r'), false);
    assert.deepEqual(states.events.map((e) => e.state), ['closed']);
    assert.equal(states.events[0].error, null);
    const closed = new ParleyClient(server.url, { nick: nick('never') });
    await closed.close();
    await assert.rejects(closed.connect(), { code: 'closed' });
  });
});

describe('timeouts', { skip: SKIP }, () => {
  let server;
  let proxy;

  before(async () => {
    server = await ServerProcess.start();
    proxy = await TcpProxy.start(server.port);
  });
  after(async () => {
    await proxy?.close();
    await server?.stop();
  });

  test('a request with no reply rejects with timeout after its own timeout', async (t) => {
    const alice = await client(t, proxy.url, nick('alice'), { requestTimeout: 5000 });
    proxy.stall({ newOnes: true });
    t.after(() => proxy.resume());
    const started = Date.now();
    await assert.rejects(alice.rooms({ timeout: 300 }), (error) => error.code === 'timeout' && !error.fromServer);
    assert.ok(Date.now() - started < 3000);
    proxy.resume();
  });

  test('connect rejects when no server answers: refused at once, or after connectTimeout', async () => {
    const closed = await TcpProxy.start(1);
    const url = closed.url;
    await closed.close();
    let started = Date.now();
    await assert.rejects(connect(url, { nick: 'nobody' }), { code: 'disconnected' });
    assert.ok(Date.now() - started < 4000);

    proxy.stall({ newOnes: true });
    try {
      started = Date.now();
      await assert.rejects(connect(proxy.url, { nick: 'stalled', connectTimeout: 400 }), { code: 'disconnected' });
      assert.ok(Date.now() - started < 4000);
    } finally {
      proxy.resume();
    }
  });

  test('connect takes an AbortSignal', async () => {
    proxy.stall({ newOnes: true });
    try {
      const controller = new AbortController();
      const connecting = connect(proxy.url, { nick: 'aborted', signal: controller.signal });
      controller.abort();
      await assert.rejects(connecting, { name: 'AbortError' });
    } finally {
      proxy.resume();
    }
  });
});
