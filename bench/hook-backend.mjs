// The publish hook's backend for `bench/run.sh hooks`: Node's http server on --port (keep-alive),
// answering every POST {"action":"accept"} at once, without verifying signatures (the cost measured
// is the server's, not the backend's). GET answers 200 once the backend has answered WARM_REQUESTS
// of its own POSTs (default 20,000): a backend in production has run for a while, and a cold V8
// answering Parley's first requests late would be counted as Parley's cold start.
import http from 'node:http';

const at = process.argv.indexOf('--port');
const port = at > 0 ? Number(process.argv[at + 1]) : 18211;
const warmRequests = Number(process.env.WARM_REQUESTS ?? 20_000);
const accept = Buffer.from('{"action":"accept"}');
let answered = 0;
let warm = warmRequests === 0;

const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    if (request.method === 'POST') {
      answered++;
    }
    const status = request.method === 'POST' || warm ? 200 : 503;
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': accept.length });
    response.end(accept);
  });
});
server.keepAliveTimeout = 60_000;

/** Posts {@code count} requests to itself, 8 at a time over keep-alive connections. */
async function warmUp(count) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const body = JSON.stringify({ type: 'message.publish', data: { room: 'warm-up', text: 'x'.repeat(100) } });
  const post = () => new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: '/publish', method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, response => {
      response.resume();
      response.on('end', resolve);
    });
    request.on('error', reject);
    request.end(body);
  });
  let next = 0;
  const lane = async () => {
    while (next++ < count) {
      await post();
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  agent.destroy();
}

server.listen(port, '127.0.0.1', async () => {
  console.log(`hook backend on ${port}`);
  await warmUp(warmRequests);
  answered = 0;
  warm = true;
  console.log(`warmed up with ${warmRequests} requests`);
});
process.on('SIGTERM', () => {
  console.log(`answered ${answered} publish hook requests`);
  process.exit(0);
});
