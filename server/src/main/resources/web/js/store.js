/**
 * One conversation: a room, or direct messages with one person (`dm`). `items` is what the
 * conversation shows, oldest first: `message` {offset?, ts, from, text}, `notice` {ts, text} and
 * `gap` {text} (the place where messages may be missing).
 */
export class Conversation {
  constructor(kind, name) {
    this.kind = kind;
    this.name = name;
    this.id = `${kind}:${name}`;
    this.items = [];
    /** Rooms: members by nick, sorted: all of them, or the pages loaded so far of a large room. */
    this.members = [];
    /** Rooms: how many members the room has, and where the next page of `members` starts (null: none). */
    this.memberCount = 0;
    this.membersNext = null;
    /** Rooms: nick → time (ms) until which "… is typing" shows. */
    this.typing = new Map();
    /** Messages from others not read yet, and how many of them mention us. */
    this.unread = 0;
    this.mentions = 0;
    /** Rooms: the user's read marker (the offset read up to, on every device), null where none is known. */
    this.lastRead = null;
    /** What was typed and not sent yet while another conversation is shown. */
    this.draft = '';
    /** Rooms: whether the server has us as a member right now. */
    this.joined = false;
    /** Rooms: the history the offsets belong to, the highest offset seen and the lowest one shown. */
    this.epoch = null;
    this.lastOffset = 0;
    this.oldestOffset = null;
    /** Rooms: whether older messages can be paged in: 'more', 'loading', 'start' (offset 1 shown) or 'gone'. */
    this.older = 'gone';
  }

  get isRoom() {
    return this.kind === 'room';
  }

  /** How the conversation is named on screen: `#room` or `@nick`. */
  get title() {
    return (this.isRoom ? '#' : '@') + this.name;
  }

  /** The shown `message` item of the room message at `offset`, or undefined. */
  message(offset) {
    return this.items.find((item) => item.type === 'message' && item.offset === offset);
  }

  /** What `older` becomes once the messages down to `oldestOffset` are shown, and the last page `foundSome`. */
  olderAfter(foundSome) {
    if (this.oldestOffset <= 1) {
      return 'start';
    }
    return foundSome ? 'more' : 'gone';
  }
}

/**
 * The `message` item that shows a room's message in its current state: `replyTo` (an offset),
 * `edited` (ts of the last edit), `deleted`, `reactions` [{emoji, count, nicks}] and `mentions`.
 */
export function messageItem(message) {
  return {
    type: 'message', offset: message.offset, ts: message.ts, from: message.from, text: message.text ?? '',
    replyTo: message.replyTo, edited: message.edited, deleted: message.deleted === true,
    reactions: message.reactions ?? [], mentions: message.mentions ?? [],
  };
}

/** The order of member lists: by nick, ignoring case and accents. */
export function byName(a, b) {
  return a.localeCompare(b, undefined, { sensitivity: 'base' });
}

/**
 * Everything the page shows, and who to tell when it changes. Views subscribe with on(type, fn)
 * to: 'me', 'login', 'status', 'conversations' (added, removed, unread, joined), 'removed',
 * 'active', 'items' ({conversation, appended} or {conversation, replaced: true}), 'changed'
 * ({conversation, item}: a message was edited, deleted or reacted to), 'members', 'typing',
 * 'older', 'directory' and 'features'. The Chat controller makes every change but one: views pick
 * the conversation shown (setActive).
 */
export class Store {
  /** Our nick once welcomed, else null. */
  me = null;
  /** The last refusal of our `hello`: {code, message}, or null. */
  loginError = null;
  /** Connection status: {state, rttMs, retryAt}. */
  status = { state: 'stopped', rttMs: null, retryAt: 0 };
  /** The server's limits from `welcome`. */
  limits = null;
  /** The optional parts of the protocol the server offers (`welcome.features`), such as 'search'. */
  features = [];
  /** Every room on the server: [{room, members}]. */
  directory = [];
  #conversations = new Map();
  #activeId = null;
  #listeners = new Map();

  on(type, listener) {
    if (!this.#listeners.has(type)) {
      this.#listeners.set(type, new Set());
    }
    this.#listeners.get(type).add(listener);
  }

  emit(type, detail) {
    this.#listeners.get(type)?.forEach((listener) => listener(detail));
  }

  get active() {
    return this.#conversations.get(this.#activeId) ?? null;
  }

  conversation(kind, name) {
    return this.get(`${kind}:${name}`);
  }

  /** The conversation with this id (`room:general`, `dm:bob`), or null. */
  get(id) {
    return this.#conversations.get(id) ?? null;
  }

  /** The conversation, created (and shown in the sidebar) if it did not exist. */
  ensure(kind, name) {
    let conversation = this.conversation(kind, name);
    if (!conversation) {
      conversation = new Conversation(kind, name);
      this.#conversations.set(conversation.id, conversation);
      this.emit('conversations');
    }
    return conversation;
  }

  /** Rooms in the order they were opened, then direct messages. */
  list(kind) {
    return [...this.#conversations.values()].filter((conversation) => conversation.kind === kind);
  }

  remove(conversation) {
    const all = [...this.#conversations.values()];
    const index = all.indexOf(conversation);
    this.#conversations.delete(conversation.id);
    this.emit('conversations');
    this.emit('removed', conversation);
    if (this.#activeId === conversation.id) {
      const rest = all.filter((other) => other !== conversation);
      this.setActive(rest[Math.min(index, rest.length - 1)] ?? null);
    }
  }

  /** Forgets every conversation (a new nick starts afresh). */
  clear() {
    [...this.#conversations.values()].forEach((conversation) => this.remove(conversation));
  }

  setActive(conversation) {
    this.#activeId = conversation?.id ?? null;
    if (conversation) {
      conversation.unread = 0;
      conversation.mentions = 0;
    }
    this.emit('active', conversation);
    this.emit('conversations');
  }

  append(conversation, items) {
    conversation.items.push(...items);
    this.emit('items', { conversation, appended: items });
  }

  /** Puts older items in front of the ones shown. */
  prepend(conversation, items) {
    conversation.items.unshift(...items);
    this.emit('items', { conversation, replaced: true });
  }

  /** Shows a message's new state: `item` was updated in place. */
  changed(conversation, item) {
    this.emit('changed', { conversation, item });
  }

  setOlder(conversation, older) {
    conversation.older = older;
    this.emit('older', conversation);
  }

  setMe(nick) {
    this.me = nick;
    this.emit('me', nick);
  }

  setLoginError(error) {
    this.loginError = error;
    this.emit('login', error);
  }

  setStatus(status) {
    this.status = status;
    this.emit('status', status);
  }

  setFeatures(features) {
    this.features = features;
    this.emit('features', features);
  }

  setDirectory(rooms) {
    this.directory = rooms;
    this.emit('directory', rooms);
  }
}
