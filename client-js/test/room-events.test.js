// Room events (version 1.2) against a real server: send with replyTo, edit, delete, react, their
// events in offset order, the client's model of a room, the position across a reconnect, bad input.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { ParleyError } from '../parley.js';
import { Recorder, ServerProcess, SKIP, TcpProxy, client, eventually, nick } from '../support/testing.js';

const FAST = { reconnect: { initialDelay: 50, maxDelay: 200 } };
const ROOM_EVENTS = ['message', 'edit', 'delete', 'reaction'];

describe('room events', { skip: SKIP }, () => {
  let server;
  let proxy;

  before(async () => {
    server = await ServerProcess.start(['--rate-per-sec', '1000', '--burst', '1000', '--max-text-chars', '100',
      '--history-on-join', '3']);
    proxy = await TcpProxy.start(server.port);
  });
  after(async () => {
    await proxy?.close();
    await server?.stop();
  });

  /** alice (through the proxy) and bob in a new room; each client's room events recorded. */
  async function pair(t) {
    const room = nick('room');
    const alice = await client(t, proxy.url, nick('alice'), FAST);
    const bob = await client(t, server.url, nick('bob'));
    await alice.join(room);
    await bob.join(room);
    t.after(() => proxy.resume());
    return { room, alice, bob, alices: new Recorder(alice, [...ROOM_EVENTS, 'state', 'gap', 'joined']), bobs: new Recorder(bob) };
  }

  /** What a client saw of `room`'s log: `offset:type` for each room event, in order. */
  const log = (recorder, room) => recorder.events.filter((e) => ROOM_EVENTS.includes(e.type) && e.room === room)
    .map((e) => `${e.offset}:${e.type}`);

  test('replies, edits, deletes and reactions: acks with their offsets, and every member gets each event once, in order', async (t) => {
    const { room, alice, bob, alices, bobs } = await pair(t);
    const first = await alice.send(room, 'hello @bob');
    const reply = await bob.send(room, 'hi', { replyTo: first.offset });
    const edited = await alice.edit(room, first.offset, 'hello @Bob!');
    const reacted = await bob.react(room, first.offset, '👍');
    const again = await bob.react(room, first.offset, '👍');
    const unreacted = await bob.react(room, first.offset, '👍', false);
    const deleted = await bob.delete(room, reply.offset);
    assert.deepEqual([first, reply, edited, reacted, unreacted, deleted].map((ack) => ack.offset), [1, 2, 3, 4, 5, 6]);
    assert.equal(again.offset, undefined, 'a reaction that changes nothing has no offset');
    assert.equal(again.type, 'ack');

    await bobs.next('delete');
    await alices.next('delete');
    for (const recorder of [alices, bobs]) {
      assert.deepEqual(log(recorder, room), ['1:message', '2:message', '3:edit', '4:reaction', '5:reaction', '6:delete']);
    }
    const [message, answer] = bobs.of('message');
    assert.deepEqual(message.mentions, ['bob']);
    assert.equal(answer.replyTo, 1);
    const [edit] = bobs.of('edit');
    assert.deepEqual({ ...edit, ts: 0 }, { type: 'edit', room, offset: 3, target: 1, from: alice.nick, text: 'hello @Bob!', mentions: ['bob'], ts: 0 });
    const [on, off] = bobs.of('reaction');
    assert.deepEqual([on.target, on.from, on.emoji, on.on, off.on], [1, bob.nick, '👍', true, false]);
    const [gone] = bobs.of('delete');
    assert.deepEqual([gone.target, gone.from], [2, bob.nick]);
  });

  test('the model of a room: the join\'s messages with their state, then every live event applied', async (t) => {
    const { room, alice, bob, alices } = await pair(t);
    for (const text of ['one', 'two', 'three', 'four']) {
      await alice.send(room, text);
    }
    await alice.edit(room, 2, 'two, edited');
    await alice.react(room, 3, '🎉');
    await alice.delete(room, 4);
    await bob.react(room, 3, '🎉');
    await eventually(() => alices.of('reaction').length === 2, 'the reactions');

    const carol = await client(t, server.url, nick('carol'));
    const model = carol.model(room);
    const told = [];
    model.on('reset', (e) => told.push(`reset ${e.messages.map((m) => m.offset)}`));
    model.on('change', (e) => told.push(`${e.event.type} ${e.message.offset}`));
    await carol.join(room);
    assert.deepEqual(model.messages.map((m) => [m.offset, m.text, m.edited !== null, m.deleted]),
      [[2, 'two, edited', true, false], [3, 'three', false, false], [4, null, false, true]],
      'the latest 3 messages with their state');
    assert.deepEqual(model.get(3).reactions, [{ emoji: '🎉', count: 2, nicks: [alice.nick, bob.nick] }]);
    assert.equal(model.offset, 8);
    assert.equal(carol.model(room), model, 'one model per room');

    await bob.send(room, 'five', { replyTo: 2 });
    await alice.edit(room, 2, `two, again @${carol.nick}`);
    await bob.react(room, 3, '🎉', false);
    await alice.delete(room, 3);
    await eventually(() => model.offset === 12, 'the live events in the model');
    assert.deepEqual(model.messages.map((m) => [m.offset, m.text, m.deleted]),
      [[2, `two, again @${carol.nick}`, false], [3, null, true], [4, null, true], [9, 'five', false]]);
    assert.equal(model.get(9).replyTo, 2);
    assert.deepEqual(model.get(2).mentions, [carol.nick.toLowerCase()]);

    const page = await carol.history(room, { before: 2 });
    assert.deepEqual(page.messages.map((m) => m.offset), [1]);
    assert.deepEqual(model.messages.map((m) => m.offset), [1, 2, 3, 4, 9], 'a history page goes into the model');
    assert.deepEqual(told, [`reset 2,3,4`, 'message 9', 'edit 2', 'reaction 3', 'delete 3', 'message 1']);
  });

  test('a reconnect after edits and reactions neither delivers a room event again nor skips one', async (t) => {
    const { room, alice, bob, alices } = await pair(t);
    await bob.send(room, 'before');
    await bob.edit(room, 1, 'before, edited');
    await bob.react(room, 1, '👍');
    await eventually(() => alices.of('reaction').length === 1, 'the reaction');
    const model = alice.model(room);
    assert.equal(model.offset, 3);

    proxy.refuse();
    proxy.cut();
    await alices.next('state', (s) => s.state === 'reconnecting' && s.retryAt);
    await bob.edit(room, 1, 'edited while away');
    await bob.react(room, 1, '👍', false);
    await bob.send(room, 'while away');
    proxy.resume();
    await alices.next('state', (s) => s.state === 'connected' && s.reconnected);
    const [rejoined] = alices.of('joined', (j) => j.since);
    assert.deepEqual(rejoined.since, { epoch: rejoined.epoch, offset: 3 }, 're-joined since the last room event, a reaction');
    assert.equal(rejoined.recovered, true);
    await bob.delete(room, 1);
    await alices.next('delete');
    assert.deepEqual(log(alices, room), ['1:message', '2:edit', '3:reaction', '4:edit', '5:reaction', '6:message', '7:delete']);
    assert.deepEqual(alices.of('gap'), []);
    assert.deepEqual(model.messages.map((m) => [m.offset, m.text, m.reactions.length]), [[1, null, 0], [6, 'while away', 0]]);
  });

  test('bad input is refused with the documented codes, and the connection and the others carry on', async (t) => {
    const { room, alice, bob, bobs } = await pair(t);
    await alice.send(room, 'mine');
    await bob.send(room, 'theirs');
    const edit = (await alice.edit(room, 1, 'mine!')).offset;
    const gone = (await bob.send(room, 'to delete')).offset;
    await bob.delete(room, gone);
    const cases = [
      [() => alice.edit(room, 2, 'not mine'), 'forbidden'],
      [() => alice.delete(room, 2), 'forbidden'],
      [() => alice.edit(room, 99, 'past the latest'), 'not_found'],
      [() => alice.edit(room, gone, 'deleted'), 'not_found'],
      [() => alice.react(room, gone, '👍'), 'not_found'],
      [() => alice.send(room, 'answer', { replyTo: gone }), 'not_found'],
      [() => alice.react(room, edit, '👍'), 'not_found'],
      [() => alice.delete(room, gone), 'not_found'],
      [() => alice.edit(room, 0, 'x'), 'bad_request'],
      [() => alice.edit(room, 1.5, 'x'), 'bad_request'],
      [() => alice.delete(room, '1'), 'bad_request'],
      [() => alice.send(room, 'x', { replyTo: -1 }), 'bad_request'],
      [() => alice.edit(room, 1, ''), 'bad_request'],
      [() => alice.edit(room, 1, 'x'.repeat(101)), 'text_too_long'],
      [() => alice.react(room, 1, 'thumbs up'), 'bad_request'],
      [() => alice.react(room, 1, ''), 'bad_request'],
      [() => alice.react(room, 1, 'x'.repeat(17)), 'bad_request'],
      [() => alice.react(room, 1, '👍', 'yes'), 'bad_request'],
      [() => alice.edit(nick('elsewhere'), 1, 'x'), 'not_member'],
      [() => alice.react('bad room!', 1, '👍'), 'room_invalid'],
    ];
    for (const [request, code] of cases) {
      await assert.rejects(request(), (error) => error instanceof ParleyError && error.fromServer && error.code === code,
        `${request} is refused with ${code}`);
    }
    for (let i = 1; i <= 20; i++) {
      await alice.react(room, 2, `e${i}`);
    }
    await assert.rejects(alice.react(room, 2, 'e21'), { code: 'bad_request' }, 'a 21st emoji');
    assert.equal((await alice.ping()).type, 'pong');
    await alice.send(room, 'still here');
    await bobs.next('message', (m) => m.text === 'still here');
    assert.equal(bobs.of('reaction').length, 20);
  });
});
