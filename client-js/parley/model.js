import { EventDispatcher } from './events.js';
import { isLogEvent } from './rooms.js';

/**
 * A room as an app shows it: its messages in offset order, each with its current state (text,
 * edited, deleted, reactions, mentions), and the user's read state in it. It applies the room's
 * events to its messages, so that the app renders state instead of replaying the log itself.
 *
 * `apply(event)` takes the room's events in offset order: `joined` (its messages, unless it
 * recovered: the room events that follow are the log), `message`, `edit`, `delete`, `reaction`,
 * `read` (the marker moved) and `left`; a room event at or below `offset`, the last one applied,
 * is one it has already. `load(messages)` adds message states it lacks (older pages, from
 * `history`). Listeners: 'change' ({message, event}: a message added or changed), 'reset'
 * ({messages, epoch}: the history replaced) and 'unread' ({lastRead, unread, mentions}).
 *
 * Unread counts: with the marker at or after the first message of an unbroken run that reaches
 * the latest (the latest messages of a join, and every event since), they are counted from the
 * messages held; otherwise they are the server's figures (setReadState) plus the messages of
 * others that arrived since, less the ones held that a new marker passes.
 */
export class RoomModel {
  #room;
  #me;
  #events = new EventDispatcher(0);
  /** Message states in offset order, and by offset. */
  #messages = [];
  #byOffset = new Map();
  #epoch = null;
  #offset = 0;
  /** Whether the room is joined: a join without `since` then adds to the messages instead of replacing them. */
  #live = false;
  /** Every message after this offset is held (Infinity: not known). */
  #completeAfter = Infinity;
  #lastRead = null;
  #unread = 0;
  #mentions = 0;

  /** The model of `room`; `nick` is the user, whose own messages are never unread. */
  constructor(room, { nick } = {}) {
    this.#room = room;
    this.#me = nick?.toLowerCase() ?? null;
  }

  get room() {
    return this.#room;
  }

  /** The room's history these offsets belong to (the `joined` reply's), or null before one. */
  get epoch() {
    return this.#epoch;
  }

  /** The offset of the last room event applied. */
  get offset() {
    return this.#offset;
  }

  /** The message states held, in offset order (a copy). */
  get messages() {
    return this.#messages.slice();
  }

  get lastRead() {
    return this.#lastRead;
  }

  get unread() {
    return this.#unread;
  }

  get mentions() {
    return this.#mentions;
  }

  /** Whether `unread` and `mentions` are counted from the messages held (else they are the server's figures, adjusted). */
  get counted() {
    return this.#countable();
  }

  /** The message state at `offset`, or undefined. */
  get(offset) {
    return this.#byOffset.get(offset);
  }

  on(type, listener) {
    return this.#events.on(type, listener);
  }

  off(type, listener) {
    this.#events.off(type, listener);
  }

  /** Applies one event of the room; others, and room events already applied, change nothing. */
  apply(event) {
    if (event.type === 'joined') {
      this.#joined(event);
    } else if (event.type === 'left') {
      this.#live = false;
    } else if (event.type === 'read') {
      this.#markRead(event.offset);
    } else if (isLogEvent(event) && event.offset > this.#offset) {
      this.#offset = event.offset;
      this.#logEvent(event);
    }
  }

  /** Adds the message states it does not hold yet (`history` pages); the ones it holds are kept, being live. */
  load(messages) {
    const added = messages.filter((message) => isMessage(message) && !this.#byOffset.has(message.offset));
    added.forEach((message) => this.#put(stateOf(this.#room, message), message));
  }

  /** The server's read state of the room ({lastRead, unread, mentions}, as `unread` lists it), or null for none. */
  setReadState(entry) {
    this.#lastRead = entry?.lastRead ?? null;
    this.#unread = entry?.unread ?? 0;
    this.#mentions = entry?.mentions ?? 0;
    this.#countUnread(true);
  }

  #joined(joined) {
    const sameHistory = joined.epoch === this.#epoch && this.#live;
    if (sameHistory && joined.since && joined.recovered) {
      return; // the log follows as events
    }
    if (sameHistory && !joined.since) {
      this.load(joined.messages ?? []); // joined again while in it
      return;
    }
    const messages = (joined.messages ?? []).filter(isMessage).map((message) => stateOf(this.#room, message));
    this.#messages = messages;
    this.#byOffset = new Map(messages.map((message) => [message.offset, message]));
    this.#epoch = joined.epoch;
    this.#offset = joined.offset;
    this.#completeAfter = messages.length > 0 ? messages[0].offset - 1 : joined.offset;
    this.#live = true;
    this.#events.emit({ type: 'reset', messages: this.messages, epoch: joined.epoch });
    this.#countUnread();
  }

  #logEvent(event) {
    if (event.type === 'message') {
      const message = stateOf(this.#room, event);
      this.#put(message, event);
      if (this.#isUnread(message)) {
        this.#setCounts(this.#unread + 1, this.#mentions + (this.#mentionsMe(message) ? 1 : 0));
      }
      return;
    }
    const target = this.#byOffset.get(event.target);
    if (!target) {
      return; // a message this model does not hold
    }
    const changed = changedBy(target, event);
    this.#put(changed, event);
    if (this.#isUnread(target)) {
      const unread = this.#isUnread(changed) ? 0 : -1;
      const mentions = (this.#isUnread(changed) && this.#mentionsMe(changed) ? 1 : 0) - (this.#mentionsMe(target) ? 1 : 0);
      this.#setCounts(this.#unread + unread, this.#mentions + mentions);
    }
  }

  #markRead(offset) {
    if (this.#lastRead !== null && offset <= this.#lastRead) {
      return;
    }
    const read = this.#messages.filter((message) => message.offset <= offset && this.#isUnread(message));
    this.#lastRead = offset;
    // where the messages held do not reach back to the marker, the ones read that it holds no longer count
    this.#unread -= read.length;
    this.#mentions -= read.filter((message) => this.#mentionsMe(message)).length;
    this.#countUnread(true);
  }

  /** Whether the messages held reach back to the marker: then they are what the counts count. */
  #countable() {
    return this.#lastRead !== null && this.#lastRead >= this.#completeAfter;
  }

  /** Counts from the messages held where they reach back to the marker; `always` tells the listeners even when unchanged. */
  #countUnread(always = false) {
    if (!this.#countable()) {
      this.#setCounts(this.#unread, this.#mentions, always);
      return;
    }
    const unread = this.#messages.filter((message) => this.#isUnread(message));
    this.#setCounts(unread.length, unread.filter((message) => this.#mentionsMe(message)).length, always);
  }

  #setCounts(unread, mentions, always = false) {
    const changed = unread !== this.#unread || mentions !== this.#mentions;
    this.#unread = Math.max(0, unread);
    this.#mentions = Math.max(0, mentions);
    if (changed || always) {
      this.#events.emit({ type: 'unread', lastRead: this.#lastRead, unread: this.#unread, mentions: this.#mentions });
    }
  }

  /** A message the read state counts: after the marker, by someone else, not deleted. */
  #isUnread(message) {
    return this.#lastRead !== null && message.offset > this.#lastRead && !message.deleted
      && message.from.toLowerCase() !== this.#me;
  }

  #mentionsMe(message) {
    return this.#me !== null && message.mentions.includes(this.#me);
  }

  /** Puts `message` in its place (added, or replacing the state at its offset) and says so. */
  #put(message, event) {
    if (this.#byOffset.has(message.offset)) {
      this.#messages[this.#indexOf(message.offset)] = message;
    } else {
      this.#messages.splice(this.#indexOf(message.offset), 0, message);
    }
    this.#byOffset.set(message.offset, message);
    this.#events.emit({ type: 'change', message, event });
  }

  /** Where `offset` is, or would go, in the messages (a binary search; live messages go last). */
  #indexOf(offset) {
    let low = 0;
    let high = this.#messages.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#messages[middle].offset < offset) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low;
  }
}

/** Whether an entry of an answer's `messages` is a message (the log has other room events too). */
function isMessage(entry) {
  return (entry.type ?? 'message') === 'message';
}

/** The state of a message as the model keeps it, from a `message` event or a message of an answer (with state). */
function stateOf(room, message) {
  const deleted = message.deleted === true;
  return freeze({
    room,
    offset: message.offset,
    ts: message.ts,
    from: message.from,
    text: deleted ? null : message.text ?? null,
    replyTo: message.replyTo ?? null,
    edited: deleted ? null : message.edited ?? null,
    deleted,
    reactions: deleted ? [] : (message.reactions ?? []).map((reaction) => ({
      emoji: reaction.emoji, count: reaction.count, nicks: [...(reaction.nicks ?? [])],
    })),
    mentions: deleted ? [] : [...(message.mentions ?? [])],
  });
}

/** Most nicks a reaction lists (the protocol's). */
const REACTION_NICKS = 20;

/**
 * `message` after an `edit`, `delete` or `reaction` of it. A reaction counts a nick once however
 * often it arrives (an answer's state may hold it already); an edit older than the state is ignored.
 */
function changedBy(message, event) {
  if (event.type === 'delete') {
    return stateOf(message.room, { ...message, deleted: true });
  }
  if (message.deleted) {
    return message;
  }
  if (event.type === 'edit') {
    return message.edited !== null && event.ts < message.edited ? message
      : freeze({ ...message, text: event.text ?? null, edited: event.ts, mentions: [...(event.mentions ?? [])] });
  }
  if (event.type === 'reaction') {
    return freeze({ ...message, reactions: reacted(message.reactions, event) });
  }
  return message;
}

function reacted(reactions, { from, emoji, on }) {
  const index = reactions.findIndex((reaction) => reaction.emoji === emoji);
  const reaction = reactions[index] ?? { emoji, count: 0, nicks: [] };
  const listed = reaction.nicks.some((nick) => nick.toLowerCase() === from.toLowerCase());
  let next;
  if (on) {
    next = listed ? reaction : {
      emoji, count: reaction.count + 1,
      nicks: reaction.nicks.length < REACTION_NICKS ? [...reaction.nicks, from] : reaction.nicks,
    };
  } else {
    const unlisted = reaction.nicks.filter((nick) => nick.toLowerCase() !== from.toLowerCase());
    next = listed || reaction.count > reaction.nicks.length ? { emoji, count: reaction.count - 1, nicks: unlisted } : reaction;
  }
  if (next.count <= 0) {
    return reactions.filter((_, i) => i !== index);
  }
  return index < 0 ? [...reactions, next] : reactions.map((old, i) => (i === index ? next : old));
}

function freeze(message) {
  message.reactions.forEach((reaction) => Object.freeze(reaction.nicks) && Object.freeze(reaction));
  Object.freeze(message.reactions);
  Object.freeze(message.mentions);
  return Object.freeze(message);
}
