// Test support: a real Parley server process, a TCP proxy that can cut or stall connections,
// and waits on conditions (never fixed sleeps).
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { connect } from '../parley.js';

const DEFAULT_JAR = fileURLToPath(new URL('../../server/target/parley-server.jar', import.meta.url));

/**
 * The server jar the tests run: PARLEY_SERVER_JAR, else the one `./mvnw package` builds. Null
 * (the suites skip, saying why) only when neither is set nor built; a PARLEY_SERVER_JAR that
 * does not exist is an error.
 */
export const SERVER_JAR = (() => {
  const jar = process.env.PARLEY_SERVER_JAR;
  if (jar && !existsSync(jar)) {
    throw new Error(`PARLEY_SERVER_JAR=${jar} does not exist`);
  }
  return jar ?? (existsSync(DEFAULT_JAR) ? DEFAULT_JAR : null);
})();

export const SKIP = SERVER_JAR ? false : `no server jar: build it with ./mvnw -B package -pl server -am -DskipTests, or set PARLEY_SERVER_JAR`;

const LISTENING = /listening on \/[^:]+:(\d+) /;

/** A Parley server in its own JVM, started from the jar with `args`. */
export class ServerProcess {
  #args;
  #process = null;
  #output = '';
  port = 0;

  constructor(args = []) {
    this.#args = args;
  }

  /** Starts the server (on `port`, 0 for a free one) and resolves once it listens. */
  static async start(args = [], port = 0) {
    const server = new ServerProcess(args);
    await server.#start(port);
    return server;
  }

  get url() {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  get httpUrl() {
    return `http://127.0.0.1:${this.port}`;
  }

  #start(port) {
    const java = process.env.PARLEY_JAVA ?? 'java';
    this.#output = '';
    const child = spawn(java, ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-jar', SERVER_JAR,
      '--host', '127.0.0.1', '--port', String(port), '--io-threads', '2', ...this.#args],
    { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#process = child;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('the server did not start within 30 s')), 30_000);
      const fail = (error) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`${error.message}; output:\n${this.#output}`));
      };
      const read = (chunk) => {
        this.#output += chunk;
        const match = LISTENING.exec(this.#output);
        if (match && !this.port) {
          this.port = Number(match[1]);
        }
        if (match) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.setEncoding('utf8').on('data', read);
      child.stderr.setEncoding('utf8').on('data', read);
      child.on('error', fail);
      child.on('exit', (code) => {
        if (!LISTENING.test(this.#output)) {
          fail(new Error(`the server exited with ${code}`));
        }
      });
    });
  }

  /** Stops the server gracefully (SIGTERM: clients get 1001) and waits for the process to end. */
  async stop() {
    const child = this.#process;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  /** Stops the server and starts a new one on the same port: every room gets a new epoch. */
  async restart() {
    await this.stop();
    await this.#start(this.port);
  }
}

/**
 * For suites of a server feature that older server jars lack: starts a server with `args` before
 * the suite and stops it after; `test(name, body)` runs `body` against it, or skips saying
 * `missing` when the jar does not know the options. Returns {server(), test}.
 */
export function optionalServer(args, missing) {
  let server = null;
  before(async () => {
    try {
      server = await ServerProcess.start(args);
    } catch (error) {
      if (!/Unknown option/.test(error.message)) {
        throw error;
      }
    }
  });
  after(() => server?.stop());
  return {
    server: () => server,
    test: (name, body) => test(name, (t) => (server ? body(t) : t.skip(missing))),
  };
}

/**
 * A TCP proxy on a free port in front of `target`: cut() drops every connection at once (both
 * sides see a TCP close); stall() stops forwarding on the open connections without closing them
 * (a network that vanished), stall({ newOnes: true }) on connections made from now on too;
 * refuse() closes every new connection at once; resume() undoes stall and refuse.
 */
export class TcpProxy {
  #server;
  #pairs = new Set();
  #stallNew = false;
  #refuse = false;
  port = 0;

  static async start(targetPort) {
    const proxy = new TcpProxy();
    proxy.#server = net.createServer((client) => proxy.#accept(client, targetPort));
    await new Promise((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    proxy.port = proxy.#server.address().port;
    return proxy;
  }

  get url() {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  #accept(client, targetPort) {
    if (this.#refuse) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair = { client, upstream, toServer: this.#stallNew, toClient: this.#stallNew };
    this.#pairs.add(pair);
    const forward = (from, to, stalled) => from.on('data', (data) => {
      if (!pair[stalled]) {
        to.write(data);
      }
    });
    forward(client, upstream, 'toServer');
    forward(upstream, client, 'toClient');
    const close = () => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  }

  cut() {
    [...this.#pairs].forEach(({ client, upstream }) => {
      client.resetAndDestroy();
      upstream.destroy();
    });
  }

  /**
   * Drops what the open connections carry from now on (`only`: 'toServer' or 'toClient', one
   * direction); with `newOnes`, new connections carry nothing either, both ways.
   */
  stall({ newOnes = false, only } = {}) {
    this.#pairs.forEach((pair) => {
      pair.toServer ||= only !== 'toClient';
      pair.toClient ||= only !== 'toServer';
    });
    this.#stallNew = newOnes;
  }

  refuse() {
    this.#refuse = true;
  }

  resume() {
    this.#pairs.forEach((pair) => {
      pair.toServer = false;
      pair.toClient = false;
    });
    this.#stallNew = false;
    this.#refuse = false;
  }

  async close() {
    this.cut();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

/** Waits until `condition()` is truthy (returns its value), polling; fails after `timeout` ms with `what`. */
export async function eventually(condition, what = 'condition', timeout = 10_000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await condition();
      if (value) {
        return value;
      }
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Records a client's events of every type, in order, to wait on and inspect. */
export class Recorder {
  events = [];

  constructor(client, types = ['message', 'edit', 'delete', 'reaction', 'read', 'presence', 'occupancy', 'dm', 'typing', 'gap',
    'joined', 'left', 'error', 'state']) {
    types.forEach((type) => client.on(type, (event) => this.events.push(event)));
  }

  of(type, filter = () => true) {
    return this.events.filter((event) => event.type === type && filter(event));
  }

  /** Waits for the `count`-th event of `type` that passes `filter`; returns it. */
  next(type, filter = () => true, count = 1) {
    return eventually(() => this.of(type, filter)[count - 1], `${count} ${type} event(s)`);
  }

  texts(room) {
    return this.of('message', (m) => m.room === room).map((m) => m.text);
  }
}

let nicks = 0;

/** A unique nick per call, so that tests sharing a server never collide. */
export function nick(base) {
  return `${base}${++nicks}-${process.pid % 1000}`;
}

/** Connects `name` to `url`; the client is closed after the test `t`. */
export async function client(t, url, name, options = {}) {
  const connected = await connect(url, { nick: name, ...options });
  t.after(() => connected.close());
  return connected;
}

/** The HS256 secret of the test servers with auth (`--jwt-hmac-secret`). */
export const JWT_SECRET = 'a-test-secret-of-at-least-32-bytes!';

/** An HS256 JWT for `sub` that expires `seconds` from now, signed with JWT_SECRET. */
export function token(sub, seconds, claims = {}) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const exp = Math.floor(Date.now() / 1000) + seconds;
  const signed = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub, exp, ...claims })}`;
  return `${signed}.${createHmac('sha256', JWT_SECRET).update(signed).digest('base64url')}`;
}

/** A PostgreSQL for servers with durable history (ClientJsIT makes one); null where none was given. */
export const DATABASE_URL = process.env.PARLEY_TEST_DATABASE_URL ?? null;
