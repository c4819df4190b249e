import { RoomModel } from './model.js';
import { isLogEvent } from './rooms.js';

/**
 * The client's RoomModel of each room, fed with what the client delivers: it stands between the
 * ClientCore and the EventDispatcher, so that a model has applied an event before the client's
 * listeners see it. The replies the client asks for feed them too (`history` pages, `unread`,
 * an acknowledged `read`), as they arrive.
 */
export class RoomModels {
  #models = new Map();
  #events;
  #nick;
  #askUnread;

  /**
   * Events go on to `events` (an EventDispatcher); `nick()` is the user's nick; `askUnread()` asks
   * the server for the read state, whose reply comes to unread().
   */
  constructor(events, nick, askUnread) {
    this.#events = events;
    this.#nick = nick;
    this.#askUnread = askUnread;
  }

  /** The model of `room`, made the first time it is asked for (empty until the room is joined). */
  model(room) {
    let model = this.#models.get(room);
    if (!model) {
      model = new RoomModel(room, { nick: this.#nick() });
      this.#models.set(room, model);
    }
    return model;
  }

  emit(event) {
    if (event.type === 'state' && event.state === 'connected') {
      this.unread(event.welcome.unread);
    } else if (event.type === 'joined') {
      this.model(event.room).apply(event);
    } else if (event.type === 'read') {
      this.read(event.room, event.offset);
    } else if (event.type === 'left' || isLogEvent(event)) {
      this.#models.get(event.room)?.apply(event);
    }
    this.#events.emit(event);
  }

  end() {
    this.#events.end();
  }

  /** A `history` page of message states: added to its room's model when of the model's history. */
  history(page) {
    const model = this.#models.get(page.room);
    if (model && model.epoch === page.epoch) {
      model.load(page.messages);
    }
  }

  /**
   * The user's read state, every room with a marker (welcome.unread, or an `unread` reply's
   * rooms; undefined from a server without it): a model of a room not listed has no marker.
   */
  unread(rooms) {
    if (!rooms) {
      return;
    }
    const listed = new Set(rooms.map((entry) => entry.room));
    [...this.#models].filter(([room, model]) => !listed.has(room) && model.lastRead !== null).forEach(([, model]) => model.setReadState(null));
    rooms.forEach((entry) => this.model(entry.room).setReadState(entry));
  }

  /**
   * The user's marker in `room` moved to `offset` (an acknowledged `read`, or a `read` event of
   * another session): where the model cannot count what is left unread, the server tells.
   */
  read(room, offset) {
    const model = this.model(room);
    model.apply({ type: 'read', room, offset });
    if (!model.counted) {
      this.#askUnread();
    }
  }

  /** The user left `room`; with `forget`, its read state is gone too. */
  left(room, forget) {
    const model = this.#models.get(room);
    model?.apply({ type: 'left', room });
    if (forget) {
      model?.setReadState(null);
    }
  }
}
