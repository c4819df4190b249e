// The client's parts on their own, without a server: what each module in parley/ promises.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Backoff } from '../parley/backoff.js';
import { decode } from '../parley/connection.js';
import { EventDispatcher } from '../parley/events.js';
import { Heartbeat } from '../parley/heartbeat.js';
import { Requests, newNonce } from '../parley/requests.js';
import { RoomTracker, isLogEvent, isRoomEvent } from '../parley/rooms.js';
import { tokenExpiry } from '../parley/tokens.js';

/** A stand-in for a Connection that records what is sent. */
const recorder = () => ({ sent: [], send(command) { this.sent.push(command); } });

test('Backoff: jittered delays that grow to maxDelay, then none after maxAttempts; none at all without reconnecting', () => {
  const backoff = new Backoff({ initialDelay: 100, maxDelay: 400, multiplier: 2, jitter: 0.5, maxAttempts: 4 });
  const delays = [0, 1, 2, 3].map(() => backoff.next());
  [100, 200, 400, 400].forEach((ceiling, i) => {
    assert.ok(delays[i] <= ceiling && delays[i] >= ceiling / 2, `attempt ${i + 1}: ${delays[i]} within [${ceiling / 2}, ${ceiling}]`);
  });
  assert.equal(backoff.attempts, 4);
  assert.equal(backoff.next(), -1);
  backoff.reset();
  assert.ok(backoff.next() <= 100);
  assert.equal(new Backoff(false).next(), -1);
});

test('Requests: ids in order, a reply settles once, waiting in line up to the limit, failures by kind', async () => {
  const requests = new Requests(1);
  const connection = recorder();
  const sent = requests.create({ type: 'send', room: 'a', text: 'hi', extra: undefined }, { timeout: 10_000 },
    (request) => requests.transmit(connection, request));
  assert.deepEqual(connection.sent, [{ type: 'send', room: 'a', text: 'hi', id: 1 }]);
  const request = requests.inFlight(1);
  requests.settle(request, null, { type: 'ack', id: 1 });
  requests.settle(request, new Error('late'));
  assert.deepEqual(await sent, { type: 'ack', id: 1 });
  assert.equal(requests.inFlight(1), undefined);

  const full = new Error('full');
  const park = (r) => requests.park(r) || requests.settle(r, full);
  const first = requests.create({ type: 'ping' }, { timeout: 10_000 }, park);
  await assert.rejects(requests.create({ type: 'ping' }, { timeout: 10_000 }, park), full, 'a line of one');
  const closed = new Error('closed');
  requests.failAll(closed);
  await assert.rejects(first, closed);
  assert.deepEqual(requests.unpark(), []);
});

test('Requests: a timeout and an AbortSignal reject, the client\'s own requests resolve with their reply', async () => {
  const requests = new Requests(10);
  const timedOut = requests.create({ type: 'rooms' }, { timeout: 5 }, (r) => requests.park(r));
  await assert.rejects(timedOut, (error) => error.code === 'timeout');
  const abort = new AbortController();
  const aborted = requests.create({ type: 'rooms' }, { timeout: 10_000, signal: abort.signal }, (r) => requests.park(r));
  abort.abort(new Error('stop'));
  await assert.rejects(aborted, /stop/);
  assert.deepEqual(requests.unpark(), []);

  const connection = recorder();
  const hello = requests.internal(connection, { type: 'hello', nick: 'a', token: undefined });
  assert.deepEqual(connection.sent, [{ type: 'hello', nick: 'a', id: 1 }]);
  requests.settle(requests.inFlight(1), null, { type: 'welcome', id: 1 });
  assert.equal((await hello).type, 'welcome');
});

test('Requests: a lost connection parks its sends with a nonce ahead of the line, in order, and fails the rest', async () => {
  const requests = new Requests(10);
  const lost = recorder();
  const send = (text, nonce) => requests.create({ type: 'send', room: 'a', text, nonce }, { timeout: 10_000 },
    (r) => requests.transmit(lost, r));
  const first = send('one', newNonce());
  const plain = send('no nonce');
  const rooms = requests.create({ type: 'rooms' }, { timeout: 10_000 }, (r) => requests.transmit(lost, r));
  const second = send('two', newNonce());
  const meanwhile = requests.create({ type: 'ping' }, { timeout: 10_000 }, (r) => requests.park(r));
  const gone = new Error('disconnected');
  requests.connectionLost(gone, true);
  await assert.rejects(plain, gone);
  await assert.rejects(rooms, gone);

  const next = recorder();
  requests.unpark().forEach((r) => requests.transmit(next, r));
  assert.deepEqual(next.sent.map((c) => c.text ?? c.type), ['one', 'two', 'ping']);
  assert.deepEqual(next.sent.slice(0, 2).map((c) => c.nonce), lost.sent.filter((c) => c.nonce).map((c) => c.nonce));
  next.sent.forEach((c) => requests.settle(requests.inFlight(c.id), null, { type: 'ack', id: c.id }));
  assert.equal((await first).type, 'ack');
  assert.equal((await second).type, 'ack');
  await meanwhile;

  const ending = send('three', newNonce());
  requests.connectionLost(gone, false);
  await assert.rejects(ending, gone, 'no reconnect: nothing waits');
  assert.match(newNonce(), /^[0-9a-f]{32}$/);
  assert.notEqual(newNonce(), newNonce());
});

test('EventDispatcher: listeners by type, iterators with a filter that end after the buffered events', async () => {
  const events = new EventDispatcher(10);
  const seen = [];
  const off = events.on('message', (event) => seen.push(event.text));
  const stream = events.stream({ types: ['dm'] }, false);
  events.emit({ type: 'message', text: 'one' });
  events.emit({ type: 'dm', text: 'two' });
  off();
  events.emit({ type: 'message', text: 'three' });
  events.end();
  assert.deepEqual(seen, ['one']);
  const read = [];
  for await (const event of stream) {
    read.push(event.text);
  }
  assert.deepEqual(read, ['two']);
  assert.deepEqual(await events.stream({}, true).next(), { value: undefined, done: true }, 'ended at once when closed');
});

test('EventDispatcher: an iterator too far behind fails with overflow', async () => {
  const events = new EventDispatcher(2);
  const stream = events.stream({}, false);
  [1, 2, 3].forEach((n) => events.emit({ type: 'message', n }));
  await assert.rejects(stream.next(), (error) => error.code === 'overflow');
});

test('Heartbeat: pings after a quiet interval, and calls the connection dead without a frame after it', async () => {
  const heartbeat = new Heartbeat();
  let pings = 0;
  await new Promise((dead) => heartbeat.start(10, 10, () => pings++, dead));
  heartbeat.stop();
  assert.ok(pings >= 1, 'pinged first');
});

test('RoomTracker: a join since a position delivers the joined event, the gap, then the missed messages', () => {
  const rooms = new RoomTracker();
  rooms.joinSent('a', { epoch: 'e1', offset: 2 });
  const reply = {
    type: 'joined', room: 'a', epoch: 'e1', offset: 4, recovered: false,
    messages: [{ type: 'message', room: 'a', offset: 2 }, { type: 'message', room: 'a', offset: 3 }],
  };
  const since = { epoch: 'e1', offset: 2 };
  assert.deepEqual(rooms.joined(reply, since).map((event) => `${event.type}${event.offset ?? ''}`),
    ['joined4', 'gap4', 'message3']);
  assert.deepEqual(rooms.positions(), [['a', { epoch: 'e1', offset: 4 }]]);
  assert.deepEqual(rooms.joined({ ...reply, room: 'b' }, undefined), [], 'nothing for a room not joined');
});

test('decode and tokenExpiry: only events with a type; a JWT\'s exp or null', () => {
  assert.deepEqual(decode('{"type":"pong"}'), { type: 'pong' });
  ['nope', 'null', '[]', '{"type":1}'].forEach((frame) => assert.equal(decode(frame), null, frame));
  const claims = Buffer.from(JSON.stringify({ sub: 'a', exp: 1234 })).toString('base64url');
  assert.equal(tokenExpiry(`x.${claims}.y`), 1234);
  assert.equal(tokenExpiry('not a token'), null);
});

test('RoomTracker: every room event moves the position, an unknown type with an offset too; a repeat is dropped', () => {
  const rooms = new RoomTracker();
  rooms.joinSent('a');
  rooms.joined({ type: 'joined', room: 'a', epoch: 'e1', offset: 1, recovered: false, messages: [] }, undefined);
  const events = [
    { type: 'edit', room: 'a', offset: 2, target: 1 },
    { type: 'reaction', room: 'a', offset: 3, target: 1 },
    { type: 'read', room: 'a', offset: 40 },
    { type: 'poll', room: 'a', offset: 4 },
    { type: 'delete', room: 'a', offset: 3, target: 1 },
    { type: 'typing', room: 'a', nick: 'bob' },
    { type: 'delete', room: 'a', offset: 5, target: 1 },
  ];
  const delivered = events.filter((event) => isRoomEvent(event)).flatMap((event) => rooms.event(event));
  assert.deepEqual(delivered.map((event) => `${event.type}${event.offset ?? ''}`), ['edit2', 'reaction3', 'poll4', 'typing', 'delete5']);
  assert.deepEqual(rooms.positions(), [['a', { epoch: 'e1', offset: 5 }]]);
  assert.equal(isRoomEvent({ type: 'read', room: 'a', offset: 40 }), false, 'a read marker is no room event');
  assert.equal(isLogEvent({ type: 'joined', room: 'a', offset: 4 }), false);
});

test('Requests: onReply sees a reply before the promise resolves, and never an error', async () => {
  const requests = new Requests(10);
  const connection = recorder();
  const seen = [];
  const read = requests.create({ type: 'read' }, { timeout: 10_000, onReply: (reply) => seen.push(reply.type) },
    (r) => requests.transmit(connection, r));
  const refused = requests.create({ type: 'read' }, { timeout: 10_000, onReply: (reply) => seen.push(reply) },
    (r) => requests.transmit(connection, r));
  requests.settle(requests.inFlight(1), null, { type: 'ack', id: 1 });
  assert.deepEqual(seen, ['ack'], 'at once, before any await');
  requests.settle(requests.inFlight(2), new Error('unsupported'));
  await read;
  await assert.rejects(refused, /unsupported/);
  assert.deepEqual(seen, ['ack']);
});

test('RoomTracker: a joined without id tracks a new room from its position, and a room already tracked is no duplicate', () => {
  const rooms = new RoomTracker();
  const byServer = { type: 'joined', room: 'lobby', epoch: 'e1', offset: 3, members: [], recovered: false, messages: [] };
  assert.equal(isRoomEvent(byServer), true);
  assert.equal(isRoomEvent({ ...byServer, id: 7 }), false, 'a reply to a join of the client');
  assert.deepEqual(rooms.event(byServer), [byServer]);
  assert.deepEqual(rooms.positions(), [['lobby', { epoch: 'e1', offset: 3 }]]);
  assert.deepEqual(rooms.event({ type: 'message', room: 'lobby', offset: 4, text: 'hi' }).map((e) => e.offset), [4]);
  assert.deepEqual(rooms.event({ ...byServer, offset: 9 }), [], 'the hook joins it again after a reconnect');
  rooms.joinSent('lobby');
  assert.deepEqual(rooms.event({ ...byServer, offset: 9 }), [], 'while the re-join since is in flight');
  assert.deepEqual(rooms.positions(), [['lobby', { epoch: 'e1', offset: 4 }]]);
});
