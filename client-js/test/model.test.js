// RoomModel on its own, without a server: the room's events applied to its messages, and the read state.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { RoomModel } from '../parley.js';

const ROOM = 'general';
const message = (offset, from, text, extra = {}) => ({ type: 'message', room: ROOM, offset, ts: 1000 + offset, from, text, ...extra });
const joined = (offset, messages, extra = {}) => ({ type: 'joined', room: ROOM, epoch: 'e1', offset, members: [], recovered: false, messages, ...extra });
const edit = (offset, target, from, text, extra = {}) => ({ type: 'edit', room: ROOM, offset, target, from, text, ts: 1000 + offset, ...extra });
const del = (offset, target, from) => ({ type: 'delete', room: ROOM, offset, target, from, ts: 1000 + offset });
const reaction = (offset, target, from, emoji, on = true) => ({ type: 'reaction', room: ROOM, offset, target, from, emoji, on, ts: 1000 + offset });

/** A model of ROOM for `nick`, recording what it tells its listeners. */
function recorded(nick = 'alice') {
  const model = new RoomModel(ROOM, { nick });
  const told = [];
  ['change', 'reset', 'unread'].forEach((type) => model.on(type, (event) => told.push(event)));
  return { model, told };
}

test('a join resets the messages to its own, with their state', () => {
  const { model, told } = recorded();
  model.apply(joined(3, [
    message(1, 'bob', 'hi @Alice', { mentions: ['alice'], reactions: [{ emoji: '👍', count: 2, nicks: ['carol', 'dave'] }] }),
    message(3, 'carol', undefined, { deleted: true, replyTo: 1 }),
  ]));
  assert.equal(model.epoch, 'e1');
  assert.equal(model.offset, 3);
  assert.deepEqual(model.messages.map((m) => [m.offset, m.text, m.deleted]), [[1, 'hi @Alice', false], [3, null, true]]);
  assert.deepEqual(model.get(1), {
    room: ROOM, offset: 1, ts: 1001, from: 'bob', text: 'hi @Alice', replyTo: null, edited: null, deleted: false,
    reactions: [{ emoji: '👍', count: 2, nicks: ['carol', 'dave'] }], mentions: ['alice'],
  });
  assert.equal(model.get(3).replyTo, 1);
  assert.deepEqual(told.map((e) => e.type), ['reset']);
  assert.equal(told[0].epoch, 'e1');
  assert.throws(() => {
    model.get(1).text = 'changed';
  }, TypeError, 'states are frozen: a change is a new state');
});

test('message, edit, delete and reaction events change the messages, each once, in offset order', () => {
  const { model, told } = recorded();
  model.apply(joined(1, [message(1, 'alice', 'first')]));
  model.apply(message(2, 'bob', 'second', { replyTo: 1 }));
  model.apply(edit(3, 1, 'alice', 'first, @bob', { mentions: ['bob'] }));
  model.apply(reaction(4, 2, 'alice', '👍'));
  model.apply(reaction(5, 2, 'carol', '👍'));
  model.apply(reaction(6, 2, 'carol', '🎉'));
  model.apply(reaction(7, 2, 'alice', '👍', false));
  model.apply(edit(3, 1, 'alice', 'a repeat of offset 3'));
  assert.equal(model.offset, 7);
  assert.deepEqual(model.get(1), {
    room: ROOM, offset: 1, ts: 1001, from: 'alice', text: 'first, @bob', replyTo: null, edited: 1003, deleted: false,
    reactions: [], mentions: ['bob'],
  });
  assert.deepEqual(model.get(2).reactions, [{ emoji: '👍', count: 1, nicks: ['carol'] }, { emoji: '🎉', count: 1, nicks: ['carol'] }]);
  assert.equal(model.get(2).replyTo, 1);

  model.apply(del(8, 2, 'bob'));
  assert.deepEqual(model.get(2), {
    room: ROOM, offset: 2, ts: 1002, from: 'bob', text: null, replyTo: 1, edited: null, deleted: true, reactions: [], mentions: [],
  });
  model.apply(reaction(9, 99, 'bob', '👍'));
  assert.equal(model.offset, 9, 'an event about a message it does not hold still counts');
  const changes = told.filter((e) => e.type === 'change');
  assert.deepEqual(changes.map((e) => `${e.event.type}${e.event.offset}→${e.message.offset}`),
    ['message2→2', 'edit3→1', 'reaction4→2', 'reaction5→2', 'reaction6→2', 'reaction7→2', 'delete8→2']);
  assert.equal(changes.at(-1).message, model.get(2));
});

test('a reaction counts everyone but lists at most 20 nicks, and a nick once however often it is told', () => {
  const { model } = recorded();
  model.apply(joined(1, [message(1, 'alice', 'vote')]));
  for (let i = 1; i <= 22; i++) {
    model.apply(reaction(1 + i, 1, `n${i}`, '👍'));
  }
  let [thumbs] = model.get(1).reactions;
  assert.equal(thumbs.count, 22);
  assert.equal(thumbs.nicks.length, 20);
  assert.deepEqual(thumbs.nicks.slice(0, 2), ['n1', 'n2']);
  model.apply(reaction(30, 1, 'N1', '👍'));
  assert.equal(model.get(1).reactions[0].count, 22, 'n1 is on already (nicks compare without case)');
  model.apply(reaction(31, 1, 'n1', '👍', false));
  model.apply(reaction(32, 1, 'n22', '👍', false));
  [thumbs] = model.get(1).reactions;
  assert.equal(thumbs.count, 20);
  assert.equal(thumbs.nicks.length, 19, 'n21, unlisted, does not take the freed place: the client does not know who is next');
  assert.ok(!thumbs.nicks.includes('n1'));
});

test('an edit of a deleted message changes nothing; an older edit than the state is ignored', () => {
  const { model } = recorded();
  model.apply(joined(5, [message(1, 'bob', 'now', { edited: 1004 }), message(2, 'bob', 'x')]));
  model.apply(edit(6, 1, 'bob', 'old news', { ts: 1003 }));
  assert.equal(model.get(1).text, 'now');
  model.apply(del(7, 2, 'bob'));
  model.apply(edit(8, 2, 'bob', 'too late'));
  assert.equal(model.get(2).text, null);
  assert.equal(model.get(2).deleted, true);
});

test('load adds older messages in their place and keeps the ones it holds', () => {
  const { model, told } = recorded();
  model.apply(joined(10, [message(9, 'bob', 'nine', { reactions: [{ emoji: '👍', count: 1, nicks: ['alice'] }] }), message(10, 'bob', 'ten')]));
  model.load([message(5, 'bob', 'five'), message(7, 'carol', 'seven'), message(9, 'bob', 'nine, stale'),
    { type: 'edit', room: ROOM, offset: 8, target: 7, from: 'carol', text: 'not a message', ts: 1 }]);
  assert.deepEqual(model.messages.map((m) => m.offset), [5, 7, 9, 10]);
  assert.equal(model.get(9).reactions.length, 1);
  assert.equal(model.offset, 10, 'older pages do not move the position');
  assert.deepEqual(told.filter((e) => e.type === 'change').map((e) => e.message.offset), [5, 7]);
});

test('joins: recovered ones let the log follow, one that did not recover resets, a second join adds', () => {
  const { model, told } = recorded();
  model.apply(joined(2, [message(1, 'bob', 'one'), message(2, 'bob', 'two')]));
  model.apply(joined(4, [edit(3, 1, 'bob', 'one!'), message(4, 'bob', 'four')], { since: { epoch: 'e1', offset: 2 }, recovered: true }));
  assert.deepEqual(model.messages.map((m) => m.text), ['one', 'two'], 'the recovered log comes as events');
  model.apply(edit(3, 1, 'bob', 'one!'));
  model.apply(message(4, 'bob', 'four'));
  assert.deepEqual(model.messages.map((m) => m.text), ['one!', 'two', 'four']);

  model.apply(joined(4, [message(2, 'bob', 'two'), message(4, 'bob', 'four')]));
  assert.deepEqual(model.messages.map((m) => m.text), ['one!', 'two', 'four'], 'joined again while in the room');

  model.apply(joined(40, [message(39, 'bob', 'latest')], { since: { epoch: 'e1', offset: 4 }, recovered: false }));
  assert.deepEqual(model.messages.map((m) => m.offset), [39]);
  model.apply({ type: 'left', room: ROOM });
  model.apply(joined(41, [message(41, 'bob', 'back')]));
  assert.deepEqual(model.messages.map((m) => m.offset), [41], 'a join after leaving starts over');
  model.apply(joined(0, [], { epoch: 'e2', since: { epoch: 'e1', offset: 41 }, recovered: false }));
  assert.equal(model.epoch, 'e2');
  assert.equal(model.offset, 0);
  assert.deepEqual(told.filter((e) => e.type === 'reset').map((e) => e.messages.length), [2, 1, 1, 0]);
});

test('read state: the server\'s figures, then counted from the messages held once they reach back to the marker', () => {
  const { model, told } = recorded('alice');
  model.setReadState({ lastRead: 2, unread: 7, mentions: 1 });
  assert.deepEqual([model.lastRead, model.unread, model.mentions], [2, 7, 1]);
  model.apply(joined(8, [message(5, 'bob', 'a'), message(6, 'Alice', 'mine'), message(7, 'bob', 'hi @alice', { mentions: ['alice'] }), message(8, 'carol', 'b')]));
  assert.deepEqual([model.unread, model.mentions], [7, 1], 'the messages held start after the marker: the server knows better');
  model.apply(message(9, 'bob', 'new'));
  model.apply(message(10, 'alice', 'my own'));
  model.apply(message(11, 'carol', '@alice look', { mentions: ['alice'] }));
  assert.deepEqual([model.unread, model.mentions], [9, 2]);
  model.apply(del(12, 9, 'bob'));
  model.apply(edit(13, 11, 'carol', 'never mind'));
  assert.deepEqual([model.unread, model.mentions], [8, 1]);

  model.apply({ type: 'read', room: ROOM, offset: 7 });
  assert.deepEqual([model.lastRead, model.unread, model.mentions], [7, 2, 0], 'now counted: 8 and 11 are unread');
  model.apply({ type: 'read', room: ROOM, offset: 3 });
  assert.equal(model.lastRead, 7, 'the marker only moves forward');
  model.apply(message(14, 'bob', '@alice again', { mentions: ['alice'] }));
  assert.deepEqual([model.unread, model.mentions], [3, 1]);
  model.apply({ type: 'read', room: ROOM, offset: 14 });
  assert.deepEqual([model.unread, model.mentions], [0, 0]);
  model.setReadState(null);
  assert.deepEqual([model.lastRead, model.unread, model.mentions], [null, 0, 0]);
  model.apply(message(15, 'bob', 'no marker: nothing counts'));
  assert.equal(model.unread, 0);
  const last = told.filter((e) => e.type === 'unread').at(-1);
  assert.deepEqual(last, { type: 'unread', lastRead: null, unread: 0, mentions: 0 });
});

test('read state: a marker before the messages held keeps the server\'s figures less the ones known read', () => {
  const { model } = recorded('alice');
  model.apply(joined(20, [message(19, 'bob', 'x'), message(20, 'bob', 'y')]));
  model.setReadState({ lastRead: 3, unread: 10, mentions: 0 });
  model.apply({ type: 'read', room: ROOM, offset: 10 });
  assert.deepEqual([model.lastRead, model.unread], [10, 10], 'nothing held between 3 and 10');
  model.apply({ type: 'read', room: ROOM, offset: 19 });
  assert.deepEqual([model.lastRead, model.unread], [19, 1], 'counted');
});

test('read state: a reconnect\'s figures, told after its recovery, stand; live messages count on from them', () => {
  const { model } = recorded('alice');
  model.apply(joined(20, [message(19, 'bob', 'x'), message(20, 'bob', 'y')]));
  model.setReadState({ lastRead: 3, unread: 10, mentions: 0 });
  model.apply(joined(22, [], { since: { epoch: 'e1', offset: 20 }, recovered: true }));
  model.apply(message(21, 'bob', 'recovered'));
  model.apply(message(22, 'bob', 'recovered', { mentions: ['alice'] }));
  assert.deepEqual([model.unread, model.mentions], [12, 1]);
  model.setReadState({ lastRead: 3, unread: 12, mentions: 1 });
  model.apply(message(23, 'bob', 'live'));
  assert.deepEqual([model.unread, model.mentions, model.counted], [13, 1, false]);
});
