/**
 * What the page remembers. The nickname and the choice of desktop notifications are kept in
 * localStorage (every tab has them); the session's resume secret and its open rooms in
 * sessionStorage, so that reloading a tab brings that tab back where it was while two tabs can
 * still be two different people. Storage that is full or forbidden (private modes) is treated
 * as empty.
 */
const NICK = 'parley.nick';
const SESSION = 'parley.session';
const ROOMS = 'parley.rooms';
const NOTIFY = 'parley.notify';

function read(store, key) {
  try {
    const raw = store.getItem(key);
    return raw === null ? null : JSON.parse(raw);
  } catch (e) {
    return null;
  }
}

function write(store, key, value) {
  try {
    if (value === null) {
      store.removeItem(key);
    } else {
      store.setItem(key, JSON.stringify(value));
    }
  } catch (e) {
    // storage unavailable: the page works, it just forgets on reload
  }
}

export const storage = {
  /** The nickname last used in any tab, or ''. */
  nick() {
    const nick = read(localStorage, NICK);
    return typeof nick === 'string' ? nick : '';
  },

  rememberNick(nick) {
    write(localStorage, NICK, nick);
  },

  /** This tab's session: {nick, resume}, or null. */
  session() {
    const session = read(sessionStorage, SESSION);
    return session && typeof session.nick === 'string' ? session : null;
  },

  saveSession(nick, resume) {
    write(sessionStorage, SESSION, { nick, resume });
  },

  forgetSession() {
    write(sessionStorage, SESSION, null);
  },

  /** The rooms this tab had open, or null on its first visit. */
  rooms() {
    const rooms = read(sessionStorage, ROOMS);
    return Array.isArray(rooms) ? rooms.filter((room) => typeof room === 'string') : null;
  },

  saveRooms(rooms) {
    write(sessionStorage, ROOMS, rooms);
  },

  /** Whether the user asked for desktop notifications of mentions (in any tab). */
  notify() {
    return read(localStorage, NOTIFY) === true;
  },

  saveNotify(on) {
    write(localStorage, NOTIFY, on);
  },
};
