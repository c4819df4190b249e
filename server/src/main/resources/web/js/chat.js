import { Connection } from './connection.js';
import { storage } from './storage.js';

/**
 * The chat's logic between the server and the Store: it turns user actions into commands and
 * server events into changes of the Store. Views call its public methods and read the Store;
 * they never talk to the Connection themselves.
 *
 * Rooms are recovered across reconnects: each room remembers the epoch and last offset it saw,
 * and every `welcome` re-joins every open room with that as `since`. Live messages of a room
 * whose `join` is in flight wait until its `joined` has been applied, so that every message is
 * shown once and in offset order.
 */
export class Chat {
  #store;
  #config;
  #connection;
  /** Room → live events held back while its `join` is in flight. */
  #joining = new Map();
  /** Room → when we last sent `typing` there. */
  #typingSent = new Map();
  #directoryTimer = 0;
  /** The nick the open conversations belong to; another nick starts afresh. */
  #owner = null;

  constructor(store, config) {
    this.#store = store;
    this.#config = config;
    this.#connection = new Connection(config, {
      welcome: (welcome) => this.#welcome(welcome),
      refused: (error) => this.#refused(error),
      event: (event) => this.#event(event),
      status: (status) => this.#status(status),
    });
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && this.#store.active) {
        this.#store.setActive(this.#store.active);
      }
    });
  }

  /** Connects again as this tab's last nick after a reload; false on a tab's first visit. */
  resume() {
    const session = storage.session();
    if (!session) {
      return false;
    }
    this.#connection.start(session.nick, session.resume);
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
    this.#connection.start(wanted, session && session.nick === wanted ? session.resume : null);
  }

  /** Ends the session and goes back to the nickname form; the open rooms stay for the next nick. */
  signOut() {
    this.#saveRooms();
    storage.forgetSession();
    this.#connection.stop();
    this.#store.clear();
    this.#owner = null;
    this.#store.setMe(null);
  }

  retryNow() {
    this.#connection.retryNow();
  }

  /** Opens a room (joining, and creating it if it does not exist) and shows it. Rejects with ProtocolError or Disconnected. */
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
    const page = await this.#connection.request({ type: 'who', room: room.name, after: room.membersNext });
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
        await this.#connection.request({ type: 'leave', room: conversation.name });
      } catch (e) {
        // offline: the server dropped the membership already, and we will not re-join
      }
      this.refreshDirectory();
    }
  }

  /** Sends text to the conversation; rejects with ProtocolError or Disconnected. */
  async send(conversation, text) {
    if (conversation.isRoom) {
      this.#typingSent.delete(conversation.name);
      await this.#connection.request({ type: 'send', room: conversation.name, text });
      return;
    }
    const ack = await this.#connection.request({ type: 'dm', to: conversation.name, text });
    this.#store.append(conversation, [{ type: 'message', ts: ack.ts, from: this.#store.me, text }]);
  }

  /** The user is typing in the conversation: tells the room, at most once per typing interval. */
  typing(conversation) {
    if (!conversation.isRoom || !conversation.joined) {
      return;
    }
    const now = Date.now();
    if (now - (this.#typingSent.get(conversation.name) ?? 0) >= this.#config.typingIntervalMs
        && this.#connection.send({ type: 'typing', room: conversation.name })) {
      this.#typingSent.set(conversation.name, now);
    }
  }

  /** Pages in the messages before the oldest one shown. */
  async loadOlder(conversation) {
    if (conversation.older !== 'more' || !this.#connection.online) {
      return;
    }
    this.#setOlder(conversation, 'loading');
    let history;
    try {
      history = await this.#connection.request({
        type: 'history', room: conversation.name, before: conversation.oldestOffset,
        limit: this.#config.historyPageSize,
      });
    } catch (e) {
      this.#setOlder(conversation, 'more');
      return;
    }
    if (history.epoch !== conversation.epoch) {
      this.#setOlder(conversation, 'gone');
      return;
    }
    const older = history.messages.filter((message) => message.offset < conversation.oldestOffset);
    if (older.length > 0) {
      conversation.oldestOffset = older[0].offset;
      this.#store.prepend(conversation, older.map((message) => this.#item(message)));
    }
    this.#setOlder(conversation, this.#olderAfter(conversation, older.length > 0));
  }

  async refreshDirectory() {
    try {
      const reply = await this.#connection.request({ type: 'rooms' });
      this.#store.setDirectory(reply.rooms.slice().sort((a, b) => b.members - a.members || a.room.localeCompare(b.room)));
    } catch (e) {
      // offline: the list refreshes on the next welcome
    }
  }

  #welcome(welcome) {
    this.#store.limits = welcome.limits;
    storage.saveSession(welcome.nick, welcome.resume);
    storage.rememberNick(welcome.nick);
    this.#owner = welcome.nick;
    this.#store.setMe(welcome.nick);
    const rooms = this.#store.list('room');
    const names = rooms.length > 0 ? rooms.map((room) => room.name) : storage.rooms() ?? [this.#config.defaultRoom];
    names.forEach((room) => this.#join(room).then(() => {
      if (!this.#store.active) {
        this.#store.setActive(this.#store.conversation('room', room));
      }
      this.#saveRooms();
    }, () => {}));
    this.refreshDirectory();
    clearInterval(this.#directoryTimer);
    this.#directoryTimer = setInterval(() => this.refreshDirectory(), this.#config.directoryRefreshMs);
  }

  #refused(error) {
    clearInterval(this.#directoryTimer);
    storage.forgetSession();
    this.#store.setMe(null);
    this.#store.setLoginError({ code: error.code, message: error.message });
  }

  #status(status) {
    if (status.state !== 'online') {
      this.#store.list('room').forEach((room) => {
        room.joined = false;
      });
      clearInterval(this.#directoryTimer);
    }
    this.#store.setStatus(status);
  }

  /** Joins (or re-joins with `since`) a room and applies the reply; rejects with ProtocolError or Disconnected. */
  async #join(room) {
    const known = this.#store.conversation('room', room);
    const since = known?.epoch ? { epoch: known.epoch, offset: known.lastOffset } : undefined;
    this.#joining.set(room, []);
    try {
      const joined = await this.#connection.request({ type: 'join', room, since });
      const conversation = this.#store.ensure('room', room);
      this.#applyJoined(conversation, joined, since !== undefined);
      this.#joining.get(room).forEach((event) => this.#event(event, true));
    } finally {
      this.#joining.delete(room);
    }
  }

  #applyJoined(conversation, joined, rejoined) {
    const newEpoch = joined.epoch !== conversation.epoch;
    if (rejoined && !joined.recovered) {
      this.#store.append(conversation, [{
        type: 'gap',
        text: newEpoch ? 'The room’s history was reset: messages may be missing here'
          : 'You were disconnected: messages may be missing here',
      }]);
    }
    if (newEpoch) {
      conversation.lastOffset = 0;
    }
    const fresh = joined.messages.filter((message) => message.offset > conversation.lastOffset);
    if (newEpoch) {
      conversation.epoch = joined.epoch;
      conversation.oldestOffset = fresh.length > 0 ? fresh[0].offset : joined.offset + 1;
      // after a reset, older pages of the new history would land above the old one's messages
      this.#setOlder(conversation, rejoined ? 'gone' : this.#olderAfter(conversation, true));
    }
    conversation.lastOffset = Math.max(conversation.lastOffset, joined.offset);
    conversation.joined = true;
    conversation.members = joined.members.slice().sort(byName);
    conversation.memberCount = joined.memberCount ?? joined.members.length;
    // members come in the server's nick order: the last one is where the next page starts
    conversation.membersNext = joined.members.length < conversation.memberCount ? joined.members.at(-1) : null;
    if (fresh.length > 0) {
      this.#store.append(conversation, fresh.map((message) => this.#item(message)));
    }
    this.#store.emit('members', conversation);
    this.#store.emit('conversations');
  }

  #event(event, replayed = false) {
    if (!replayed && this.#joining.has(event.room)) {
      this.#joining.get(event.room).push(event);
      return;
    }
    const room = event.room === undefined ? null : this.#store.conversation('room', event.room);
    switch (event.type) {
      case 'message':
        if (room?.joined) {
          this.#message(room, event);
        }
        break;
      case 'presence':
        if (room?.joined) {
          this.#presence(room, event);
        }
        break;
      case 'occupancy':
        if (room?.joined) {
          room.memberCount = event.members;
          this.#store.emit('members', room);
        }
        break;
      case 'typing':
        if (room?.joined && event.nick !== this.#store.me) {
          this.#typing(room, event.nick);
        }
        break;
      case 'dm':
        this.#direct(event);
        break;
      default:
        // events this page does not know are ignored, as the protocol asks
    }
  }

  #message(room, message) {
    if (message.offset <= room.lastOffset) {
      return;
    }
    const items = [];
    if (message.offset > room.lastOffset + 1) {
      items.push({ type: 'gap', text: 'Messages may be missing here' });
    }
    room.lastOffset = message.offset;
    items.push(this.#item(message));
    this.#store.append(room, items);
    if (room.typing.delete(message.from)) {
      this.#store.emit('typing', room);
    }
    this.#countUnread(room, message.from);
  }

  #presence(room, presence) {
    const present = room.members.includes(presence.nick);
    room.memberCount = Math.max(0, room.memberCount + (presence.event === 'join' ? 1 : -1));
    // a joiner past the pages loaded so far shows up when they are loaded
    const loaded = room.membersNext === null || presence.nick < room.membersNext;
    if (presence.event === 'join' && !present && loaded) {
      room.members = [...room.members, presence.nick].sort(byName);
    } else if (presence.event === 'leave' && present) {
      room.members = room.members.filter((member) => member !== presence.nick);
    }
    room.typing.delete(presence.nick);
    this.#store.append(room, [{
      type: 'notice', ts: presence.ts, text: `${presence.nick} ${presence.event === 'join' ? 'joined' : 'left'}`,
    }]);
    this.#store.emit('members', room);
    this.#store.emit('typing', room);
  }

  #typing(room, nick) {
    room.typing.set(nick, Date.now() + this.#config.typingShownMs);
    this.#store.emit('typing', room);
    setTimeout(() => {
      if ((room.typing.get(nick) ?? Infinity) <= Date.now()) {
        room.typing.delete(nick);
        this.#store.emit('typing', room);
      }
    }, this.#config.typingShownMs + 50);
  }

  #direct(dm) {
    const conversation = this.#store.ensure('dm', dm.from);
    this.#store.append(conversation, [{ type: 'message', ts: dm.ts, from: dm.from, text: dm.text }]);
    this.#countUnread(conversation, dm.from);
  }

  #countUnread(conversation, from) {
    if (from !== this.#store.me && (conversation !== this.#store.active || document.hidden)) {
      conversation.unread++;
      this.#store.emit('conversations');
    }
  }

  #item(message) {
    return { type: 'message', offset: message.offset, ts: message.ts, from: message.from, text: message.text };
  }

  #olderAfter(conversation, foundSome) {
    if (conversation.oldestOffset <= 1) {
      return 'start';
    }
    return foundSome ? 'more' : 'gone';
  }

  #setOlder(conversation, older) {
    conversation.older = older;
    this.#store.emit('older', conversation);
  }

  #saveRooms() {
    storage.saveRooms(this.#store.list('room').map((room) => room.name));
  }
}

function byName(a, b) {
  return a.localeCompare(b, undefined, { sensitivity: 'base' });
}
