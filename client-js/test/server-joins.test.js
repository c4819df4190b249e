// Rooms the server joins the client to: a connect hook that answers `join`. The client tracks
// such a room like its own (its model, its room events, a re-join `since` after a reconnect) and
// tells the application with a `joined` event.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';

import { Recorder, ServerProcess, SKIP, TcpProxy, client, eventually, nick } from '../support/testing.js';

const FAST = { reconnect: { initialDelay: 50, maxDelay: 200 } };

/** A connect hook backend on a free loopback port that accepts everyone into `lobby`. */
async function lobbyHook() {
  const backend = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ action: 'accept', join: ['lobby'] }));
    });
  });
  await new Promise((resolve) => backend.listen(0, '127.0.0.1', resolve));
  return backend;
}

describe('rooms the server joins', { skip: SKIP }, () => {
  let backend;
  let server;
  let proxy;

  before(async () => {
    backend = await lobbyHook();
    server = await ServerProcess.start(['--hook-secret', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      '--connect-hook-url', `http://127.0.0.1:${backend.address().port}/connect`,
      '--connect-hook-timeout-ms', '5000', '--rate-per-sec', '1000', '--burst', '1000']);
    proxy = await TcpProxy.start(server.port);
  });
  after(async () => {
    await proxy?.close();
    await server?.stop();
    await new Promise((resolve) => backend?.close(resolve));
  });

  test('a room the server joins is told, tracked and modelled, and its messages arrive', async (t) => {
    const bob = await client(t, server.url, nick('bob'));
    await bob.send('lobby', 'before alice');
    const alice = await client(t, server.url, nick('alice'));
    const alices = new Recorder(alice);
    const joined = await alices.next('joined', (j) => j.room === 'lobby');
    assert.equal(joined.id, undefined);
    assert.ok(joined.messages.some((m) => m.text === 'before alice'));
    assert.deepEqual(alice.joinedRooms, ['lobby']);

    await bob.send('lobby', 'after alice');
    await eventually(() => alices.texts('lobby').includes('after alice'), 'the message after the join');
    assert.deepEqual(alices.texts('lobby'), ['after alice']);
    const texts = alice.model('lobby').messages.map((m) => m.text);
    assert.deepEqual(texts.slice(-2), ['before alice', 'after alice']);
  });

  test('a reconnect re-joins it since what was seen, and the hook joining it again is no duplicate', async (t) => {
    const alice = await client(t, proxy.url, nick('alice'), FAST);
    const alices = new Recorder(alice);
    const bob = await client(t, server.url, nick('bob'));
    await eventually(() => alice.joinedRooms.includes('lobby'), 'the server join');
    await bob.send('lobby', 'm1');
    await eventually(() => alices.texts('lobby').includes('m1'), 'm1');
    t.after(() => proxy.resume());

    proxy.refuse();
    proxy.cut();
    await alices.next('state', (s) => s.state === 'reconnecting');
    await bob.send('lobby', 'while away');
    proxy.resume();
    await alices.next('state', (s) => s.state === 'connected' && s.reconnected);
    await bob.send('lobby', 'm2');

    await eventually(() => alices.texts('lobby').includes('m2'), 'm2');
    assert.deepEqual(alices.texts('lobby').filter((text) => ['m1', 'while away', 'm2'].includes(text)), ['m1', 'while away', 'm2']);
    assert.equal(alices.of('gap').length, 0);
    const joins = alices.of('joined');
    assert.equal(joins.filter((j) => j.since === undefined).length, 1, 'the hook\'s join again is not told again');
    assert.ok(joins.some((j) => j.since), 'the client re-joined since its position');
    assert.deepEqual(alice.model('lobby').messages.map((m) => m.text).filter((text) => ['m1', 'while away', 'm2'].includes(text)),
      ['m1', 'while away', 'm2']);
  });
});
