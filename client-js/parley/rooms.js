/** The events of a room's log (version 1.2): each takes the room's next offset. */
export const LOG_EVENTS = new Set(['message', 'edit', 'delete', 'reaction']);

/** Every event type this client knows; an unknown one with a room and an offset is taken for a log event. */
const KNOWN_EVENTS = new Set([...LOG_EVENTS, 'welcome', 'joined', 'left', 'ack', 'presence', 'occupancy', 'dm',
  'typing', 'members', 'rooms', 'history', 'results', 'pong', 'refreshed', 'error', 'read', 'unread']);

/** Room events that are held back while a join of their room is in flight. */
const HELD_EVENTS = new Set([...LOG_EVENTS, 'presence', 'typing', 'occupancy']);

/**
 * Whether `event` is of a room's log: the protocol has a client count the offset of every room
 * event, of a type it does not know too, to re-join `since` the right place.
 */
export function isLogEvent(event) {
  return LOG_EVENTS.has(event.type)
    || (!KNOWN_EVENTS.has(event.type) && typeof event.room === 'string' && Number.isInteger(event.offset));
}

/**
 * Whether `event` goes through the RoomTracker: held while its room is joined, dropped once left;
 * or a `joined` without id, by which the server put the session in a room (the connect hook's `join`).
 */
export function isRoomEvent(event) {
  return HELD_EVENTS.has(event.type) || isLogEvent(event) || (event.type === 'joined' && event.id === undefined);
}

/**
 * The rooms joined and, per room, the position ({epoch, offset}) of the last room event delivered:
 * what a reconnect re-joins `since`, and what makes every message reach the listeners once and in
 * order. While a join of a room is in flight its live events are held back: the server may send
 * a room event both live and inside the `joined` reply. The reply settles the position; the held
 * events follow, minus the room events already seen.
 */
export class RoomTracker {
  /** room → {position: {epoch, offset} | null, joinsInFlight, held: event[]} */
  #rooms = new Map();

  /** Every joined room with the position to re-join it from. */
  positions() {
    return [...this.#rooms].filter(([, room]) => room.position).map(([name, room]) => [name, room.position]);
  }

  names() {
    return this.positions().map(([name]) => name);
  }

  /** A join went out: hold the room's live events until its reply. Returns the `since` to send. */
  joinSent(name, since) {
    let room = this.#rooms.get(name);
    if (!room) {
      room = { position: since ? { epoch: since.epoch, offset: since.offset } : null, joinsInFlight: 0, held: [] };
      this.#rooms.set(name, room);
    }
    room.joinsInFlight++;
    return room.position ?? undefined;
  }

  /**
   * A `joined` reply to a join sent with `since` (or without): the events to deliver, in order:
   * the `joined` event (with the `since` sent), a `gap` if any, then the messages. For a room
   * without a position its messages are history for the caller of join and only set the position;
   * after a join `since` the position, the messages after it are the ones missed, and a gap is
   * reported when the server could not recover them. A join without `since` of a room that has a
   * position meanwhile (two joins at once) leaves the stream as it is. None for a room left meanwhile.
   */
  joined(reply, since) {
    const room = this.#rooms.get(reply.room);
    if (!room) {
      return []; // left while the join was in flight
    }
    room.joinsInFlight = Math.max(0, room.joinsInFlight - 1);
    const seen = room.position;
    let gap = null;
    const deliver = [];
    if (!seen) {
      room.position = { epoch: reply.epoch, offset: reply.offset };
    } else if (since) {
      const sameHistory = seen.epoch === reply.epoch;
      if (!sameHistory || !reply.recovered) {
        gap = {
          type: 'gap', room: reply.room, since: { ...seen }, epoch: reply.epoch, offset: reply.offset,
          historyLost: !sameHistory, ...(reply.missed === undefined ? {} : { missed: reply.missed }),
        };
      }
      let last = sameHistory ? seen.offset : 0;
      for (const message of reply.messages ?? []) {
        if (message.offset > last) {
          deliver.push(message);
          last = message.offset;
        }
      }
      room.position = { epoch: reply.epoch, offset: sameHistory ? Math.max(last, reply.offset) : reply.offset };
    }
    if (room.joinsInFlight === 0) {
      deliver.push(...this.#release(room));
    }
    return [{ ...reply, since }, ...(gap ? [gap] : []), ...deliver];
  }

  /** A join failed: returns the held events that may now be delivered. */
  joinFailed(name) {
    const room = this.#rooms.get(name);
    if (!room) {
      return [];
    }
    room.joinsInFlight = Math.max(0, room.joinsInFlight - 1);
    if (room.joinsInFlight > 0) {
      return [];
    }
    if (!room.position) {
      this.#rooms.delete(name);
      return [];
    }
    return this.#release(room);
  }

  /** A live room event: the events to deliver now (it, or none when held, a duplicate, or of a room not joined). */
  event(event) {
    if (event.type === 'joined') {
      return this.#joinedByServer(event);
    }
    const room = this.#rooms.get(event.room);
    if (!room) {
      return [];
    }
    if (room.joinsInFlight > 0) {
      room.held.push(event);
      return [];
    }
    return this.#advance(room, event) ? [event] : [];
  }

  left(name) {
    this.#rooms.delete(name);
  }

  /** The connection is gone: joins in flight get no reply; held events will be recovered by the re-join. */
  connectionLost() {
    for (const [name, room] of this.#rooms) {
      room.joinsInFlight = 0;
      room.held = [];
      if (!room.position) {
        this.#rooms.delete(name);
      }
    }
  }

  /**
   * The server put the session in a room: tracked from its position like a room the client joined.
   * A room the client is in or joining already (the hook joins it again at a reconnect) is left as
   * it is: the client's own re-join `since` its position recovers what was missed.
   */
  #joinedByServer(joined) {
    if (this.#rooms.has(joined.room)) {
      return [];
    }
    this.#rooms.set(joined.room, { position: { epoch: joined.epoch, offset: joined.offset }, joinsInFlight: 0, held: [] });
    return [joined];
  }

  #release(room) {
    const held = room.held;
    room.held = [];
    return held.filter((event) => this.#advance(room, event));
  }

  #advance(room, event) {
    if (!isLogEvent(event)) {
      return true;
    }
    if (event.offset <= room.position.offset) {
      return false;
    }
    room.position = { epoch: room.position.epoch, offset: event.offset };
    return true;
  }
}
