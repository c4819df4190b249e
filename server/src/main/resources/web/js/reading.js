/**
 * Read markers and unread counts, where the server keeps them (`welcome.features` has 'read').
 * The client's model of each room keeps the counts (from `welcome.unread` at every connect, the
 * room's events, and the user's `read` on this and other devices); this shows them in the room
 * list and moves the marker to a room's latest event as the user sees it. A room without a
 * marker (or a server without read state) is counted by the page as before (Incoming).
 */
export class Reading {
  #store;
  #request;
  /** Room → the offset of the `read` on its way, so that scrolling about sends one. */
  #sending = new Map();

  /** `request(call)` runs `call(client)` on the current client. */
  constructor(store, request) {
    this.#store = store;
    this.#request = request;
  }

  /** Shows the read state that `model` (the client's RoomModel of a room) keeps, as it changes. */
  follow(model) {
    model.on('unread', () => this.show(model));
  }

  /** Shows the user's read state in the room of `model`, where the user has a marker (else the page counts). */
  show(model) {
    const room = this.#store.conversation('room', model.room);
    if (!room || model.lastRead === null) {
      return;
    }
    room.lastRead = model.lastRead;
    room.unread = model.unread;
    room.mentions = model.mentions;
    this.#store.emit('conversations');
  }

  /** The user sees the latest events of `room`: its marker moves there, on every device of the user. */
  seen(room) {
    const offset = room.lastOffset;
    if (!this.#store.features.includes('read') || !room.joined || offset <= Math.max(room.lastRead ?? 0,
      this.#sending.get(room.name) ?? 0)) {
      return;
    }
    this.#sending.set(room.name, offset);
    this.#request((client) => client.markRead(room.name, offset)).catch(() => {
      // not moved on the server: the next look at the room tries again
    }).finally(() => {
      if (this.#sending.get(room.name) === offset) {
        this.#sending.delete(room.name);
      }
    });
  }
}

/** Whether a room message (its `mentions`, lower case) mentions `nick`. */
export function mentions(message, nick) {
  return nick !== null && (message.mentions ?? []).includes(nick.toLowerCase());
}
