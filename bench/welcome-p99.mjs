// The latency of `welcome` for a user with read state in many rooms, for `bench/run.sh welcome`.
//
//   node --experimental-websocket bench/welcome-p99.mjs URL [rooms] [connects] [report.json]
//   (Node 22 and later have WebSocket without the flag)
//
// A writer fills ROOMS rooms (default 200) with 30 messages each, every third mentioning the reader;
// the reader joins each, marks it read at its 10th message and leaves it again (a plain leave keeps the
// marker, and a session may be in fewer rooms than 200), so every room has 20 unread
// messages and 7 mentions of the reader. Then, CONNECTS times (default 500), the reader connects,
// says hello and closes once `welcome` came: the time from `hello` sent to `welcome` read, with the
// welcome's `unread` checked (ROOMS rooms, 20 unread and 7 mentions each). The same number of
// connects of a user without read state, interleaved one for one, is the baseline. The first tenth
// of each warms up and is not counted. Prints and writes p50, p90, p99 and max in milliseconds.
import { writeFileSync } from 'node:fs';
import { describe, openSession, percentiles } from './ws-session.mjs';

const [url, roomsText = '200', connectsText = '500', reportFile] = process.argv.slice(2);
if (!url) {
  console.error('usage: welcome-p99.mjs URL [rooms] [connects] [report.json]');
  process.exit(2);
}
const roomCount = Number(roomsText);
const connects = Number(connectsText);
const PER_ROOM = 30;
const READ_AT = 10;
const reader = `reader${process.pid}`;
const rooms = Array.from({ length: roomCount }, (_, i) => `welcome-${process.pid}-${i}`);

const open = (nick) => openSession(url, nick);

/** Opens a session of `nick`, trying again while the server still holds the nick of the last one. */
async function openAgain(nick) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await open(nick);
    } catch (e) {
      if (!String(e.message).includes('nick_taken') || attempt > 50) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

async function fill() {
  const writer = await open(`writer${process.pid}`);
  const first = await open(reader);
  if (!first.welcome.features?.includes('read')) throw new Error('the server does not offer "read"');
  for (const room of rooms) {
    await writer.ask({ type: 'join', room });
    await first.ask({ type: 'join', room });
    for (let i = 1; i <= PER_ROOM; i++) {
      const text = i % 3 === 0 ? `message ${i} for @${reader}` : `message ${i}`;
      await writer.ask({ type: 'send', room, text });
    }
    const joined = await first.ask({ type: 'history', room, limit: PER_ROOM });
    await first.ask({ type: 'read', room, offset: joined.messages[READ_AT - 1].offset });
    // A plain leave keeps the marker, so the reader holds read state in more rooms than it may join.
    await Promise.all([writer.ask({ type: 'leave', room }), first.ask({ type: 'leave', room })]);
  }
  await Promise.all([writer.close(), first.close()]);
}

function check(welcome) {
  const unread = welcome.unread ?? [];
  const mine = unread.filter((r) => rooms.includes(r.room));
  const wrong = mine.find((r) => r.unread !== PER_ROOM - READ_AT || r.mentions !== 7);
  if (mine.length !== roomCount || wrong) {
    throw new Error(`welcome.unread: ${mine.length} rooms, e.g. ${JSON.stringify(wrong ?? unread[0])}`);
  }
}

const summary = (name, latencies) => {
  const result = percentiles(name, latencies, { connects: latencies.length });
  console.log(describe(`${name.padEnd(34)} ${result.connects} connects:`, result));
  return result;
};

await fill();
const withState = [];
const baseline = [];
const warmup = Math.floor(connects / 10);
for (let n = 0; n < connects + warmup; n++) {
  const session = await openAgain(reader);
  check(session.welcome);
  await session.close();
  const none = await open(`fresh${process.pid}-${n}`);
  await none.close();
  if (n >= warmup) {
    withState.push(session.welcomeMs);
    baseline.push(none.welcomeMs);
  }
}
const results = [summary(`welcome, ${roomCount} rooms of unread state`, withState),
  summary('welcome, no read state (baseline)', baseline)];
console.log(`ratio of p99s: ${(results[0].p99 / results[1].p99).toFixed(2)}`);
if (reportFile) writeFileSync(reportFile, JSON.stringify({ url, rooms: roomCount, results }, null, 2) + '\n');
