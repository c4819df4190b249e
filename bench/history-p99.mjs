// The latency of `history` and `search` pages over WebSocket, for `bench/run.sh durable`.
//
//   node --experimental-websocket bench/history-p99.mjs URL ROOM TOP [requests] [sessions] [report.json]
//   (Node 22 and later have WebSocket without the flag)
//
// SESSIONS sessions join ROOM, then each sends one request at a time (the next when the answer
// came), REQUESTS in all of each kind, one kind after the other: `history` 50 messages before a
// random offset in 1..TOP, `search` 20 results for a frequent word (one message in 100 has it)
// below a random offset, and `search` for a word of every message (the planner's other path).
// The first tenth of each kind warms up and is not counted; a kind stops early after 60 seconds
// (SECONDS_PER_KIND), so a slow one costs a minute, not hours. Prints and writes p50, p90, p99 and
// max in milliseconds.
import { writeFileSync } from 'node:fs';
import { describe, openSession, percentiles } from './ws-session.mjs';

const [url, room, topText, requestsText = '2000', sessionsText = '4', reportFile] = process.argv.slice(2);
if (!url || !room || !topText) {
  console.error('usage: history-p99.mjs URL ROOM TOP [requests] [sessions] [report.json]');
  process.exit(2);
}
const top = Number(topText);
const requests = Number(requestsText);
const sessions = Number(sessionsText);
const secondsPerKind = Number(process.env.SECONDS_PER_KIND ?? 60);

async function open(n) {
  const session = await openSession(url, `reader${n}-${process.pid}`);
  await session.ask({ type: 'join', room });
  return session;
}

const randomOffset = () => 51 + Math.floor(Math.random() * (top - 50)); // a full page below it

async function measure(name, command, check) {
  const latencies = [];
  let next = 0;
  const warmup = Math.floor(requests / 10);
  const deadline = Date.now() + secondsPerKind * 1000;
  await Promise.all(all.map(async (session) => {
    while (next < requests + warmup && Date.now() < deadline) {
      const mine = next++;
      const start = process.hrtime.bigint();
      const answer = await session.ask(command());
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      check(answer);
      if (mine >= warmup) latencies.push(ms);
    }
  }));
  const result = percentiles(name, latencies, { requests: latencies.length, sessions });
  console.log(describe(`${name.padEnd(22)} ${result.requests} requests, ${sessions} sessions:`, result));
  return result;
}

const all = await Promise.all(Array.from({ length: sessions }, (_, n) => open(n)));
const results = [];
results.push(await measure('history 50', () => ({ type: 'history', room, before: randomOffset(), limit: 50 }),
  (a) => { if (a.type !== 'history' || a.messages.length !== 50) throw new Error(`history: ${JSON.stringify(a).slice(0, 200)}`); }));
results.push(await measure('search 20 (1 in 100)', () => ({ type: 'search', room, query: 'w42', before: randomOffset(), limit: 20 }),
  (a) => { if (a.type !== 'results') throw new Error(`search: ${JSON.stringify(a).slice(0, 200)}`); }));
results.push(await measure('search 20 (every one)', () => ({ type: 'search', room, query: 'lorem', before: randomOffset(), limit: 20 }),
  (a) => { if (a.type !== 'results') throw new Error(`search: ${JSON.stringify(a).slice(0, 200)}`); }));
all.forEach((session) => session.close());
if (reportFile) writeFileSync(reportFile, JSON.stringify({ url, room, top, results }, null, 2) + '\n');
