// Large rooms (protocol 1.1): occupancy events instead of presence, memberCount, paged who.
import assert from 'node:assert/strict';
import { describe } from 'node:test';

import { Recorder, SKIP, client, nick, optionalServer } from '../support/testing.js';

const PRESENCE_LIMIT = 2;

describe('large rooms', { skip: SKIP }, () => {
  const { server, test: largeRoomTest } = optionalServer(['--presence-limit', String(PRESENCE_LIMIT)],
    'this server has no large rooms (--presence-limit)');
  largeRoomTest('past presenceLimit members get occupancy counts instead of each join', async (t) => {
    const room = nick('big');
    const [first, ...others] = await Promise.all(['a', 'b', 'c', 'd'].map((name) => client(t, server().url, nick(name))));
    assert.equal(first.welcome.limits.presenceLimit, PRESENCE_LIMIT);
    const firsts = new Recorder(first);
    const joined = await first.join(room);
    assert.equal(joined.memberCount, 1);
    for (const other of others) {
      await other.join(room);
    }
    const occupancy = await firsts.next('occupancy', (o) => o.members === 1 + others.length);
    assert.equal(occupancy.room, room);
    assert.ok(firsts.of('presence').length < others.length, 'not every join was told one by one');

    const last = others.at(-1);
    await last.leave(room);
    const again = await last.join(room);
    assert.equal(again.memberCount, 1 + others.length);
    assert.ok(again.members.length <= PRESENCE_LIMIT);
  });

  largeRoomTest('who pages through the members in nick order with after, limit and next', async (t) => {
    const room = nick('paged');
    const members = await Promise.all(['p', 'q', 'r'].map((name) => client(t, server().url, nick(name))));
    for (const member of members) {
      await member.join(room);
    }
    const all = members.map((member) => member.nick).sort();
    const page = await members[0].who(room, { limit: 2 });
    assert.deepEqual(page.members, all.slice(0, 2));
    assert.equal(typeof page.next, 'string');
    const rest = await members[0].who(room, { after: page.next, limit: 2 });
    assert.deepEqual(rest.members, all.slice(2));
    assert.equal(rest.next, undefined);
  });
});
