// Direct messages on a server that stores them (durable history and auth): those sent while the
// recipient was away arrive after its welcome with `stored: true`, every dm carries its `seq`, and
// historyWith pages a conversation.
import assert from 'node:assert/strict';
import { describe } from 'node:test';

import { ParleyClient } from '../parley.js';
import { DATABASE_URL, JWT_SECRET, Recorder, SKIP, client, nick, optionalServer, token } from '../support/testing.js';

describe('stored direct messages', { skip: SKIP || (!DATABASE_URL && 'no PostgreSQL: set PARLEY_TEST_DATABASE_URL') }, () => {
  const { server, test: storedTest } = optionalServer(['--jwt-hmac-secret', JWT_SECRET, '--database-url', DATABASE_URL],
    'this server does not know --database-url');

  storedTest('a dm to a user who is away waits for its next connection, and historyWith pages the conversation', async (t) => {
    const aliceNick = nick('alice');
    const bobNick = nick('bob');
    const alice = await client(t, server().url, aliceNick, { token: token(aliceNick, 300) });
    const aliceEvents = new Recorder(alice, ['dm']);
    assert.equal((await alice.dm(bobNick, 'while you were out')).type, 'ack');
    await alice.dm(bobNick, 'and again');

    // listening before connect: stored dms come right after welcome
    const bob = new ParleyClient(server().url, { nick: bobNick, token: token(bobNick, 300) });
    t.after(() => bob.close());
    const bobEvents = new Recorder(bob, ['dm']);
    await bob.connect();
    await bobEvents.next('dm', () => true, 2);
    assert.deepEqual(bobEvents.of('dm').map(({ text, seq, stored }) => ({ text, seq, stored })), [
      { text: 'while you were out', seq: 1, stored: true },
      { text: 'and again', seq: 2, stored: true },
    ]);

    await bob.dm(aliceNick, 'back now');
    const live = await aliceEvents.next('dm');
    assert.equal(live.seq, 3);
    assert.equal(live.stored, undefined);

    const latest = await alice.historyWith(bobNick, { limit: 2 });
    assert.equal(latest.with, bobNick);
    assert.deepEqual(latest.messages.map((dm) => dm.seq), [2, 3]);
    const older = await bob.historyWith(aliceNick, { before: 2 });
    assert.deepEqual(older.messages.map((dm) => dm.text), ['while you were out']);
  });
});
