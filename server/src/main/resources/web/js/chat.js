import { ParleyClient, ParleyError } from '../parley.js';
import { Incoming } from './incoming.js';
import { Notifier } from './notify.js';
import { Reading } from './reading.js';
import { RoundTrip } from './roundtrip.js';
import { storage } from './storage.js';
import { byName, messageItem } from './store.js';
import { currentToken } from './token.js';

/** Close code of a session taken over by a `hello` that presented its `resume` secret (another tab). */
const SESSION_REPLACED = 4009;

/** Whether a request failed because there was no connection (rather than the server refusing it). */
export function notConnected(error) {
  return error instanceof ParleyError && !error.fromServer;
}

/**
 * The chat's logic between the server and the Store: it turns user actions into requests of the
 * Parley client library (`/parley.js`) and hands its events to Incoming, which changes the Store.
 * Views call its public methods and read the Store; they never talk to the client themselves.
 *
 * The library keeps the connection: it reconnects with backoff, resumes the session, re-joins
 * every room since the last message it delivered, and delivers each message once and in order,
 * after a `gap` event where the server could not give back what was missed. The page shows what
 * it is told. After a close with 4009 (another tab took the session) it waits for "Use this tab",
 * then starts a new client that joins the open rooms `since` what they show.
 *
 * The connection indicator's states: connecting, online, waiting (to reconnect, until retryAt),
 * replaced and stopped.
 */
export class Chat {
  #store;
  #config;
  #incoming;
  #reading;
  #roundTrip;
  /** Room models whose changes the page follows. */
  #followed = new WeakSet();
  /** The ParleyClient of the current nick, or null while signed out. */
  #client = null;
  /** Rooms whose join this page is waiting for. */
  #joining = new Set();
  /** Room → when we last sent `typing` there. */
  #typingSent = new Map();
  #directoryTimer = 0;
  /** The nick the open conversations belong to; another nick starts afresh. */
  #owner = null;

  constructor(store, config) {
    this.#store = store;
    this.#config = config;
    this.#roundTrip = new RoundTrip(store, config);
    this.#reading = new Reading(store, (call) => this.#request(call));
    /** Desktop notifications of mentions (the views offer the toggle). */
    this.notifier = new Notifier();
    this.#incoming = new Incoming(store, config, this.notifier);
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && this.#store.active) {
        this.#store.setActive(this.#store.active);
      }
    });
    window.addEventListener('online', () => this.#client?.reconnectNow());
  }

  /** Connects again as this tab's last nick after a reload; false on a tab's first visit. */
  resume() {
    const session = storage.session();
    if (!session) {
      return false;
    }
    this.#start(session.nick, session.resume);
    return true;
  }

  login(nick) {
    const wanted = nick.trim();
    if (this.#owner !== null && this.#owner !== wanted) {
      this.#saveRooms();
      this.#store.clear();
      this.#owner = null;
    }
    this.#store.setLoginError(null);
    const session = storage.session();
    this.#start(wanted, session && session.nick === wanted ? session.resume : null);
  }

  /** Ends the session and goes back to the nickname form; the open rooms stay for the next nick. */
  signOut() {
    this.#saveRooms();
    storage.forgetSession();
    this.#stop();
    this.#setStatus('stopped');
    this.#store.clear();
    this.#owner = null;
    this.#store.setMe(null);
  }

  /** Skips the rest of the backoff delay, or takes the session back after another tab took it. */
  retryNow() {
    if (this.#store.status.state === 'replaced') {
      const session = storage.session();
      this.#start(this.#owner, session?.nick === this.#owner ? session.resume : null);
    } else {
      this.#client?.reconnectNow();
    }
  }

  /** Opens a room (joining, and creating it if it does not exist) and shows it. Rejects with ParleyError. */
  async open(room) {
    const existing = this.#store.conversation('room', room);
    if (existing) {
      this.#store.setActive(existing);
      if (!existing.joined && !this.#joining.has(room)) {
        await this.#join(room);
      }
      return;
    }
    await this.#join(room);
    this.#store.setActive(this.#store.conversation('room', room));
    this.#saveRooms();
    this.refreshDirectory();
  }

  /** Opens the direct-message conversation with `nick`. */
  openDirect(nick) {
    this.#store.setActive(this.#store.ensure('dm', nick));
  }

  /** Loads the next page of a large room's member list (the server sends the first with `joined`). */
  async moreMembers(room) {
    if (room.membersNext === null) {
      return;
    }
    const page = await this.#request((client) => client.who(room.name, { after: room.membersNext }));
    const known = new Set(room.members);
    room.members = [...room.members, ...page.members.filter((nick) => !known.has(nick))].sort(byName);
    room.membersNext = page.next ?? null;
    this.#store.emit('members', room);
  }

  /** Leaves a room, or closes a direct-message conversation. */
  async close(conversation) {
    this.#store.remove(conversation);
    if (conversation.isRoom) {
      this.#saveRooms();
      try {
        const forget = this.#store.features.includes('read');
        await this.#request((client) => client.leave(conversation.name, { forget }));
      } catch (e) {
        // offline: the server dropped the membership already, and we will not re-join
      }
      this.refreshDirectory();
    }
  }

  /** Sends text to the conversation, in a room perhaps as a reply to the message at offset `replyTo`; rejects with ParleyError. */
  async send(conversation, text, replyTo) {
    if (conversation.isRoom) {
      this.#typingSent.delete(conversation.name);
      await this.#request((client) => client.send(conversation.name, text, replyTo ? { replyTo } : undefined));
      return;
    }
    const ack = await this.#request((client) => client.dm(conversation.name, text));
    this.#store.append(conversation, [{ type: 'message', ts: ack.ts, from: this.#store.me, text }]);
  }

  /** Changes the text of our message at `offset` in a room; rejects with ParleyError. */
  edit(room, offset, text) {
    return this.#request((client) => client.edit(room.name, offset, text));
  }

  /** Deletes a message (ours) of a room; rejects with ParleyError. */
  deleteMessage(room, offset) {
    return this.#request((client) => client.delete(room.name, offset));
  }

  /** Adds (`on`) or takes back our reaction `emoji` to a room's message; rejects with ParleyError. */
  react(room, offset, emoji, on) {
    return this.#request((client) => client.react(room.name, offset, emoji, on));
  }

  /** The user sees the room's latest messages (its list is shown at the bottom, the tab visible). */
  seen(room) {
    this.#reading.seen(room);
  }

  /** The user is typing in the conversation: tells the room, at most once per typing interval. */
  typing(conversation) {
    if (!conversation.isRoom || !conversation.joined) {
      return;
    }
    const now = Date.now();
    if (now - (this.#typingSent.get(conversation.name) ?? 0) >= this.#config.typingIntervalMs
        && this.#client?.typing(conversation.name)) {
      this.#typingSent.set(conversation.name, now);
    }
  }

  /** Pages in the messages before the oldest one shown. */
  async loadOlder(conversation) {
    if (conversation.older !== 'more' || this.#store.status.state !== 'online') {
      return;
    }
    this.#store.setOlder(conversation, 'loading');
    let history;
    try {
      history = await this.#request((client) => client.history(conversation.name, {
        before: conversation.oldestOffset, limit: this.#config.historyPageSize,
      }));
    } catch (e) {
      this.#store.setOlder(conversation, 'more');
      return;
    }
    if (history.epoch !== conversation.epoch) {
      this.#store.setOlder(conversation, 'gone');
      return;
    }
    const older = history.messages.filter((message) => message.offset < conversation.oldestOffset);
    if (older.length > 0) {
      conversation.oldestOffset = older[0].offset;
      this.#store.prepend(conversation, older.map(messageItem));
    }
    this.#store.setOlder(conversation, conversation.olderAfter(older.length > 0));
  }

  /** A page of the room's messages with every word of `query`, newest first: `results` (`next` pages on). */
  search(room, query, before) {
    return this.#request((client) => client.search(room, query, { before, limit: this.#config.searchPageSize }));
  }

  async refreshDirectory() {
    try {
      const reply = await this.#request((client) => client.rooms());
      this.#store.setDirectory(reply.rooms.slice().sort((a, b) => b.members - a.members || a.room.localeCompare(b.room)));
    } catch (e) {
      // offline: the list refreshes once connected again
    }
  }

  // ---- the connection

  #start(nick, resume) {
    this.#stop();
    const client = new ParleyClient(this.#config.socketUrl, {
      nick,
      resume: resume || undefined,
      getToken: currentToken,
      retryFirstConnect: true,
      whileReconnecting: 'fail',
      reconnect: { initialDelay: this.#config.backoffInitialMs, maxDelay: this.#config.backoffMaxMs },
      pingInterval: this.#config.pingIntervalMs,
      pongTimeout: this.#config.pongTimeoutMs,
    });
    this.#client = client;
    // a client that was replaced (sign-out, another nick) has nothing more to say to the page
    const on = (type, handle) => client.on(type, (event) => client === this.#client && handle(event));
    on('state', (event) => this.#state(event));
    on('joined', (joined) => {
      this.#incoming.joined(joined);
      this.#follow(client, joined.room);
    });
    on('gap', (gap) => this.#incoming.gap(gap));
    on('left', (left) => this.#incoming.lost(left));
    on('message', (message) => this.#incoming.message(message));
    on('presence', (presence) => this.#incoming.presence(presence));
    on('occupancy', (occupancy) => this.#incoming.occupancy(occupancy));
    on('typing', (typing) => this.#incoming.typing(typing));
    on('dm', (dm) => this.#incoming.direct(dm));
    client.connect().then((welcome) => client === this.#client && this.#welcome(welcome), () => {
      // the `closed` state event says why
    });
  }

  #stop() {
    const client = this.#client;
    this.#client = null;
    client?.close();
    this.#offline();
  }

  /** Runs a request on the current client; rejects with ParleyError `closed` while signed out. */
  #request(call) {
    return this.#client ? call(this.#client) : Promise.reject(new ParleyError('closed', 'not connected'));
  }

  /**
   * Shows the edits, deletes and reactions of a room's messages, and the user's read state in it,
   * through the client's model of the room (which applies the room's events).
   */
  #follow(client, room) {
    const model = client.model(room);
    if (!this.#followed.has(model)) {
      this.#followed.add(model);
      model.on('change', ({ message, event }) => client === this.#client && this.#incoming.changed(room, message, event));
      this.#reading.follow(model);
    }
    this.#reading.show(model);
  }

  /**
   * The first `welcome` of a client: signed in; opens the rooms this tab had open, or on its first
   * visit the rooms where the user has a read marker (from another device) and the default room.
   */
  #welcome(welcome) {
    this.#owner = welcome.nick;
    this.#store.setMe(welcome.nick);
    const rooms = this.#store.list('room');
    const marked = (welcome.unread ?? []).map((entry) => entry.room);
    const names = rooms.length > 0 ? rooms.map((room) => room.name)
      : storage.rooms() ?? [...new Set([this.#config.defaultRoom, ...marked])];
    const joins = names.map((room) => this.#join(room).then(() => {
      this.#saveRooms();
      return room;
    }, () => null));
    this.#showFirst(joins);
  }

  /** Shows the first room, in the order asked, that could be joined (`joins`: promises of the name, or null). */
  async #showFirst(joins) {
    for (const join of joins) {
      const room = await join;
      if (room) {
        if (!this.#store.active) {
          this.#store.setActive(this.#store.conversation('room', room));
        }
        return;
      }
    }
  }

  #state(event) {
    switch (event.state) {
      case 'connected':
        this.#store.limits = event.welcome.limits;
        this.#store.setFeatures(event.welcome.features ?? []);
        storage.saveSession(event.welcome.nick, event.welcome.resume);
        storage.rememberNick(event.welcome.nick);
        this.#setStatus('online');
        this.#roundTrip.start(this.#client);
        this.refreshDirectory();
        clearInterval(this.#directoryTimer);
        this.#directoryTimer = setInterval(() => this.refreshDirectory(), this.#config.directoryRefreshMs);
        return;
      case 'connecting':
      case 'reconnecting':
        this.#offline();
        this.#setStatus(event.retryAt ? 'waiting' : 'connecting', event.retryAt ?? 0);
        return;
      case 'closed':
        this.#offline();
        if (event.error?.fromServer) {
          this.#refused(event.error);
        } else {
          this.#setStatus(event.error?.closeCode === SESSION_REPLACED ? 'replaced' : 'stopped');
        }
        return;
      default:
    }
  }

  /** A `hello` refused (`nick_taken`, `nick_invalid`, `unauthorized`): back to the nickname form with the reason. */
  #refused(error) {
    storage.forgetSession();
    this.#setStatus('stopped');
    this.#store.setMe(null);
    this.#store.setLoginError({ code: error.code, message: error.message });
  }

  #offline() {
    this.#roundTrip.stop();
    clearInterval(this.#directoryTimer);
    this.#store.list('room').forEach((room) => {
      room.joined = false;
    });
  }

  #setStatus(state, retryAt = 0) {
    this.#store.setStatus({ state, rttMs: null, retryAt });
  }

  // ---- rooms

  /** Joins a room, `since` what it shows when it is open already; the `joined` event applies the reply. */
  async #join(room) {
    const known = this.#store.conversation('room', room);
    const since = known?.epoch ? { epoch: known.epoch, offset: known.lastOffset } : undefined;
    this.#joining.add(room);
    try {
      await this.#request((client) => client.join(room, { since }));
    } finally {
      this.#joining.delete(room);
    }
  }

  #saveRooms() {
    storage.saveRooms(this.#store.list('room').map((room) => room.name));
  }
}
