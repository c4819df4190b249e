import { mentions } from './reading.js';
import { byName, messageItem } from './store.js';

/** The room events that change a message. */
const CHANGES = new Set(['edit', 'delete', 'reaction']);

/**
 * What the Parley client library tells the page, applied to the Store: joins and re-joins,
 * gaps, rooms lost, messages and their changes (edits, deletes, reactions), presence, occupancy,
 * typing and direct messages. The Chat controller hands each event of its current client here.
 */
export class Incoming {
  #store;
  #config;
  #notifier;

  constructor(store, config, notifier) {
    this.#store = store;
    this.#config = config;
    this.#notifier = notifier;
  }

  /**
   * Every `joined`, ours and the library's re-joins. A first join's messages are the room's latest:
   * shown here. A join `since` what is shown gets what was missed as `message` events (after a
   * `gap` event if need be); it only brings the members and, after a reset, the new history's name.
   */
  joined(joined) {
    const conversation = this.#store.ensure('room', joined.room);
    if (joined.since === undefined || joined.epoch !== conversation.epoch) {
      const fresh = joined.since === undefined ? joined.messages : [];
      conversation.epoch = joined.epoch;
      conversation.lastOffset = joined.since === undefined ? joined.offset : 0;
      conversation.oldestOffset = fresh.length > 0 ? fresh[0].offset : joined.offset + 1;
      // after a reset, older pages of the new history would land above the old one's messages
      this.#store.setOlder(conversation, joined.since === undefined ? conversation.olderAfter(true) : 'gone');
      if (fresh.length > 0) {
        this.#store.append(conversation, fresh.map(messageItem));
      }
    }
    conversation.joined = true;
    conversation.members = joined.members.slice().sort(byName);
    conversation.memberCount = joined.memberCount ?? joined.members.length;
    // members come in the server's nick order: the last one is where the next page starts
    conversation.membersNext = joined.members.length < conversation.memberCount ? joined.members.at(-1) : null;
    this.#store.emit('members', conversation);
    this.#store.emit('conversations');
  }

  gap(gap) {
    const conversation = this.#store.conversation('room', gap.room);
    if (conversation) {
      this.#store.append(conversation, [{
        type: 'gap',
        text: gap.historyLost ? 'The room’s history was reset: messages may be missing here'
          : 'You were disconnected: messages may be missing here',
      }]);
    }
  }

  /** A room the library could not re-join after a reconnect. */
  lost(left) {
    const conversation = this.#store.conversation('room', left.room);
    if (conversation) {
      conversation.joined = false;
      this.#store.append(conversation, [{ type: 'notice', ts: Date.now(), text: `You are no longer in ${conversation.title}: ${left.error.message}` }]);
      this.#store.emit('conversations');
    }
  }

  message(message) {
    const room = this.#store.conversation('room', message.room);
    if (!room) {
      return;
    }
    room.lastOffset = message.offset;
    this.#store.append(room, [messageItem(message)]);
    if (room.typing.delete(message.from)) {
      this.#store.emit('typing', room);
    }
    const mentioned = message.from !== this.#store.me && mentions(message, this.#store.me);
    if (room.lastRead === null) {
      this.#countUnread(room, message.from, mentioned); // else the room's model counts
    }
    if (mentioned) {
      this.#notifier.mentioned(room, message, () => this.#store.setActive(room));
    }
  }

  /**
   * The room's model applied an event to a message (`message`: its state now). Messages arrive
   * as `message` events; this shows the changes to them: an `edit`, `delete` or `reaction`.
   */
  changed(name, message, event) {
    const room = this.#store.conversation('room', name);
    if (!room || !CHANGES.has(event.type)) {
      return;
    }
    room.lastOffset = Math.max(room.lastOffset, event.offset);
    const item = room.message(message.offset);
    if (item) {
      Object.assign(item, messageItem(message));
      this.#store.changed(room, item);
    }
  }

  presence(presence) {
    const room = this.#store.conversation('room', presence.room);
    if (!room?.joined) {
      return;
    }
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

  /** A large room's member count changed (it sends counts instead of each join and leave). */
  occupancy(occupancy) {
    const room = this.#store.conversation('room', occupancy.room);
    if (room?.joined) {
      room.memberCount = occupancy.members;
      this.#store.emit('members', room);
    }
  }

  typing({ room: name, nick }) {
    const room = this.#store.conversation('room', name);
    if (!room?.joined || nick === this.#store.me) {
      return;
    }
    room.typing.set(nick, Date.now() + this.#config.typingShownMs);
    this.#store.emit('typing', room);
    setTimeout(() => {
      if ((room.typing.get(nick) ?? Infinity) <= Date.now()) {
        room.typing.delete(nick);
        this.#store.emit('typing', room);
      }
    }, this.#config.typingShownMs + 50);
  }

  direct(dm) {
    const conversation = this.#store.ensure('dm', dm.from);
    this.#store.append(conversation, [{ type: 'message', ts: dm.ts, from: dm.from, text: dm.text }]);
    this.#countUnread(conversation, dm.from);
  }

  #countUnread(conversation, from, mentioned = false) {
    if (from !== this.#store.me && (conversation !== this.#store.active || document.hidden)) {
      conversation.unread++;
      conversation.mentions += mentioned ? 1 : 0;
      this.#store.emit('conversations');
    }
  }
}
