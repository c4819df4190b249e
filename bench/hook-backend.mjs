// The publish hook's backend for `bench/run.sh hooks`: Node's http server on --port (keep-alive),
// answering every POST {"action":"accept"} at once, without verifying signatures (the cost measured
// is the server's, not the backend's). GET answers 200, so that the script can wait for it to listen.
import http from 'node:http';

const at = process.argv.indexOf('--port');
const port = at > 0 ? Number(process.argv[at + 1]) : 18211;
const accept = Buffer.from('{"action":"accept"}');
let answered = 0;

const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    if (request.method === 'POST') {
      answered++;
    }
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': accept.length });
    response.end(accept);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => console.log(`hook backend on ${port}`));
process.on('SIGTERM', () => {
  console.log(`answered ${answered} publish hook requests`);
  process.exit(0);
});
