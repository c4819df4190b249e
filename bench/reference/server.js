// A baseline that is not Parley: a plain Node `ws` server speaking just enough of the Parley
// protocol for the harness's connect and broadcast scenarios (hello, join, leave, send, ping).
// No presence, history, rate limit, heartbeat or validation beyond what the harness needs.
//
//   npm install --prefix bench/reference && node bench/reference/server.js --port 18181
'use strict';
const http = require('http');
const { WebSocketServer } = require('ws');

const port = Number(process.argv[process.argv.indexOf('--port') + 1] || 18181);
const epoch = 'e-ref';
const rooms = new Map(); // name -> { offset, members: Set<WebSocket> }
const nicks = new Set();

const server = http.createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
  } else {
    res.writeHead(404);
    res.end();
  }
});
const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false });

wss.on('connection', (socket) => {
  let nick = null;
  const joined = new Set();
  const reply = (event) => socket.send(JSON.stringify(event));
  socket.on('message', (data) => {
    let c;
    try {
      c = JSON.parse(data);
    } catch (e) {
      reply({ type: 'error', code: 'bad_json', message: 'not JSON' });
      return;
    }
    switch (c.type) {
      case 'hello':
        if (nicks.has(c.nick)) {
          reply({ type: 'error', id: c.id, code: 'nick_taken', message: 'taken' });
          return;
        }
        nick = c.nick;
        nicks.add(nick);
        reply({ type: 'welcome', id: c.id, session: 's-' + nick, nick, resume: 'none', heartbeatMs: 25000,
          idleTimeoutMs: 60000, limits: { maxFrameBytes: 65536, maxTextChars: 4000, maxRooms: 50,
            ratePerSec: 100000, burst: 100000, presenceLimit: 1000 }, server: 'reference-ws/1' });
        break;
      case 'join': {
        let room = rooms.get(c.room);
        if (!room) {
          room = { offset: 0, members: new Set() };
          rooms.set(c.room, room);
        }
        room.members.add(socket);
        joined.add(c.room);
        reply({ type: 'joined', id: c.id, room: c.room, epoch, offset: room.offset, members: [],
          memberCount: room.members.size, recovered: false, messages: [] });
        break;
      }
      case 'leave':
        rooms.get(c.room)?.members.delete(socket);
        joined.delete(c.room);
        reply({ type: 'left', id: c.id, room: c.room });
        break;
      case 'send': {
        const room = rooms.get(c.room);
        if (!room || !joined.has(c.room)) {
          reply({ type: 'error', id: c.id, code: 'not_member', message: 'not a member' });
          return;
        }
        const offset = ++room.offset;
        const ts = Date.now();
        reply({ type: 'ack', id: c.id, room: c.room, offset, ts });
        const message = JSON.stringify({ type: 'message', room: c.room, offset, ts, from: nick, text: c.text });
        for (const member of room.members) {
          member.send(message);
        }
        break;
      }
      case 'ping':
        reply({ type: 'pong', id: c.id, ts: Date.now() });
        break;
      default:
        reply({ type: 'error', id: c.id, code: 'unknown_type', message: 'unknown type' });
    }
  });
  socket.on('close', () => {
    joined.forEach((name) => rooms.get(name)?.members.delete(socket));
    if (nick !== null) {
      nicks.delete(nick);
    }
  });
});

server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
