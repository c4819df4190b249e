// A clustered server whose Redis goes away: `unavailable` answers make the client try again
// later instead of giving up, and it comes back once Redis does.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';

import { Recorder, ServerProcess, SKIP, TcpProxy, client, eventually, nick } from '../support/testing.js';

const REDIS = spawnSync('redis-server', ['--version']).status === 0;

/** A redis-server on `port` that keeps nothing on disk. */
async function startRedis(port) {
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  redis.stdout.setEncoding('utf8').on('data', (chunk) => {
    output += chunk;
  });
  await eventually(() => output.includes('Ready to accept connections'), 'redis-server to start');
  return redis;
}

async function stopRedis(redis) {
  if (redis && redis.exitCode === null && redis.signalCode === null) {
    const exited = new Promise((resolve) => redis.once('exit', resolve));
    redis.kill('SIGKILL');
    await exited;
  }
}

describe('cluster', { skip: SKIP || (!REDIS && 'redis-server is not installed') }, () => {
  let redis;
  let redisPort;
  let server;
  let proxy;

  before(async () => {
    const probe = await TcpProxy.start(1);
    redisPort = probe.port;
    await probe.close();
    redis = await startRedis(redisPort);
    server = await ServerProcess.start(['--redis-uri', `redis://127.0.0.1:${redisPort}`]);
    proxy = await TcpProxy.start(server.port);
  });
  after(async () => {
    await proxy?.close();
    await server?.stop();
    await stopRedis(redis);
  });

  test('while Redis is away the client keeps trying, and re-joins its room once it is back', async (t) => {
    const room = nick('room');
    const alice = await client(t, proxy.url, nick('alice'), { reconnect: { initialDelay: 100, maxDelay: 400 } });
    const alices = new Recorder(alice);
    await alice.join(room);
    await alice.send(room, 'before');

    await stopRedis(redis);
    proxy.cut();
    await alices.next('state', (s) => s.state === 'reconnecting' && s.retryAt, 3);
    assert.notEqual(alice.state, 'closed');

    redis = await startRedis(redisPort);
    await eventually(() => alices.of('state', (s) => s.state === 'connected' && s.reconnected)[0], 'the reconnect', 30_000);
    assert.deepEqual(alice.joinedRooms, [room]);
    assert.equal(alices.of('state', (s) => s.state === 'closed').length, 0);
    const rejoined = alices.of('joined', (j) => j.since);
    assert.equal(rejoined.at(-1).room, room);
    await alice.send(room, 'after');
  });
});
