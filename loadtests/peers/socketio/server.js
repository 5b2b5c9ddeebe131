'use strict';
// The Socket.IO peer of the Community load tests: the live-room chat relayed in memory, nothing else. It speaks the
// same names and payloads as Community's hub (JoinLive / SendChat / LeaveLive with acknowledgements, ChatReceived
// broadcast to the room), numbers each room's messages seq = 1, 2, 3 …, dedupes by (author, clientId), and answers
// the few REST calls the driver's setup makes with trivial stubs. No storage, no auth beyond reading the user from
// the dev token. Usage: node server.js [--port 5092] [--host 127.0.0.1]

const http = require('node:http');
const crypto = require('node:crypto');
const { Server } = require('socket.io');

const args = process.argv.slice(2);
function arg(name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}

const port = Number(arg('--port', process.env.PORT || '5092'));
const host = arg('--host', '127.0.0.1');
const maxText = 2000;
const maxClientId = 64;
// Dedupe memory per room: a client retries within seconds, so the most recent ids are enough.
const maxRememberedClientIds = 100000;

/** liveId -> { liveId, title, host, status, lastSeq, byClientId: Map } */
const rooms = new Map();

function userOf(token) {
  return typeof token === 'string' && token.startsWith('dev-') ? token.slice(4) : 'anonymous';
}

function newId() {
  return crypto.randomBytes(6).toString('hex');
}

function sendJson(res, status, body) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function problem(res, status, detail) {
  sendJson(res, status, { status, title: http.STATUS_CODES[status], detail });
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', c => {
      size += c.length;
      if (size > 65536) {
        reject(new Error('body over 64 KiB'));
        req.destroy();
      } else {
        chunks.push(c);
      }
    });
    req.on('end', () => {
      try {
        resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {});
      } catch (e) {
        reject(e);
      }
    });
    req.on('error', reject);
  });
}

function roomView(room) {
  return { liveId: room.liveId, title: room.title, status: room.status, hosts: [room.host], viewers: room.viewers, lastSeq: room.lastSeq };
}

async function handleRest(req, res) {
  const url = new URL(req.url, 'http://peer');
  const path = url.pathname;
  const auth = req.headers.authorization || '';
  const user = userOf(auth.startsWith('Bearer ') ? auth.slice(7) : '');
  try {
    if (req.method === 'GET' && (path === '/health/live' || path === '/health/ready')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('Healthy');
      return;
    }
    if (req.method === 'POST' && path === '/api/dev/token') {
      const body = await readBody(req);
      if (typeof body.user !== 'string' || !/^[a-z0-9_]{3,30}$/.test(body.user)) {
        problem(res, 400, 'user must be a handle');
        return;
      }
      sendJson(res, 200, { token: `dev-${body.user}`, expiresAt: new Date(Date.now() + 86400000).toISOString() });
      return;
    }
    let m = /^\/api\/creators\/([a-z0-9_]{3,30})$/.exec(path);
    if (req.method === 'PUT' && m) {
      const body = await readBody(req);
      sendJson(res, 200, { handle: m[1], displayName: body.displayName || m[1], niches: body.niches || [], bio: body.bio || null });
      return;
    }
    if (req.method === 'POST' && path === '/api/livestreams') {
      const body = await readBody(req);
      const room = { liveId: `l${newId()}`, title: String(body.title || ''), host: user, status: 'scheduled', lastSeq: 0, viewers: 0, byClientId: new Map() };
      rooms.set(room.liveId, room);
      res.setHeader('location', `/api/livestreams/${room.liveId}`);
      sendJson(res, 201, roomView(room));
      return;
    }
    m = /^\/api\/livestreams\/([^/]+)(\/start)?$/.exec(path);
    if (m) {
      const room = rooms.get(m[1]);
      if (!room) {
        problem(res, 404, `There is no livestream '${m[1]}'.`);
        return;
      }
      if (req.method === 'POST' && m[2]) {
        room.status = 'live';
      }
      sendJson(res, 200, roomView(room));
      return;
    }
    problem(res, 404, `No route for ${req.method} ${path}.`);
  } catch (e) {
    problem(res, 400, String(e && e.message ? e.message : e));
  }
}

const server = http.createServer((req, res) => {
  // socket.io answers its own path; everything else is the REST stub.
  if (!req.url.startsWith('/socket.io/')) {
    handleRest(req, res);
  }
});

const io = new Server(server, {
  // Same limit on incoming messages as SignalR's default (32 KB), and no HTTP long-polling fallback to measure.
  maxHttpBufferSize: 32 * 1024,
  transports: ['websocket'],
  serveClient: false,
  cors: { origin: false },
});

function fail(ack, status, detail) {
  if (typeof ack === 'function') {
    ack({ error: `${status} ${http.STATUS_CODES[status]}: ${detail}` });
  }
}

io.on('connection', socket => {
  const token = (socket.handshake.auth && socket.handshake.auth.token) || socket.handshake.query.access_token;
  const me = userOf(token);

  // Arguments arrive as one object { liveId, via, afterSeq } / { liveId, text, clientId }: Socket.IO has no
  // positional binding of several arguments to an ack the way SignalR does, so the driver sends one object.
  socket.on('JoinLive', (req, ack) => {
    const room = req && rooms.get(req.liveId);
    if (!room) {
      fail(ack, 404, `There is no livestream '${req && req.liveId}'.`);
      return;
    }
    socket.join(room.liveId);
    room.viewers++;
    // This relay keeps no history: a (re)join learns the last seq and nothing before it, as documented.
    if (typeof ack === 'function') {
      ack({ result: { lastSeq: room.lastSeq, missed: [], live: roomView(room), hasMore: false, via: room.host } });
    }
  });

  socket.on('LeaveLive', (req, ack) => {
    const room = req && rooms.get(req.liveId);
    if (room && socket.rooms.has(room.liveId)) {
      socket.leave(room.liveId);
      room.viewers--;
    }
    if (typeof ack === 'function') {
      ack({ result: null });
    }
  });

  socket.on('SendChat', (req, ack) => {
    const room = req && rooms.get(req.liveId);
    if (!room) {
      fail(ack, 404, `There is no livestream '${req && req.liveId}'.`);
      return;
    }
    const text = typeof req.text === 'string' ? req.text.trim() : '';
    if (text.length === 0 || text.length > maxText) {
      fail(ack, text.length === 0 ? 400 : 413, `A chat message has 1 to ${maxText} characters.`);
      return;
    }
    const clientId = typeof req.clientId === 'string' && req.clientId.length > 0 ? req.clientId : null;
    if (clientId !== null && clientId.length > maxClientId) {
      fail(ack, 400, `clientId has at most ${maxClientId} characters.`);
      return;
    }
    const key = clientId === null ? null : `${me}\n${clientId}`;
    const existing = key === null ? undefined : room.byClientId.get(key);
    if (existing) {
      ack({ result: existing });
      return;
    }
    const seq = ++room.lastSeq;
    const message = {
      liveId: room.liveId,
      seq,
      id: `${room.liveId}-${seq}`,
      author: me,
      text,
      at: new Date().toISOString(),
      via: room.host,
      removed: false,
    };
    if (key !== null) {
      if (room.byClientId.size >= maxRememberedClientIds) {
        room.byClientId.delete(room.byClientId.keys().next().value);
      }
      room.byClientId.set(key, message);
    }
    // Broadcast before the ack, as the SignalR peer does: one serialization for the whole room.
    io.to(room.liveId).emit('ChatReceived', message);
    if (typeof ack === 'function') {
      ack({ result: message });
    }
  });

  socket.on('disconnecting', () => {
    for (const id of socket.rooms) {
      const room = rooms.get(id);
      if (room) {
        room.viewers--;
      }
    }
  });
});

server.listen(port, host, () => {
  console.log(`socket.io peer listening on http://${host}:${port} (pid ${process.pid})`);
});

function shutdown() {
  io.close();
  server.close(() => process.exit(0));
  // Bounded: open sockets are dropped after a second.
  setTimeout(() => process.exit(0), 1000).unref();
}

process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
