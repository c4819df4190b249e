import { storage } from './storage.js';

/**
 * Desktop notifications (the Notification API) when someone mentions the user while the tab is
 * hidden. Off until the user turns them on (the browser then asks for permission); the choice
 * is remembered. Clicking a notification brings the tab back to the room.
 */
export class Notifier {
  #on;

  constructor() {
    this.#on = this.supported && storage.notify() && Notification.permission === 'granted';
  }

  get supported() {
    return 'Notification' in window;
  }

  get on() {
    return this.#on;
  }

  /** Turns notifications on (asking the browser's permission) or off; resolves with whether they are on. */
  async toggle() {
    if (this.#on) {
      this.#on = false;
    } else {
      const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
      this.#on = permission === 'granted';
    }
    storage.saveNotify(this.#on);
    return this.#on;
  }

  /** `message` in `room` (a Conversation) mentions the user; `open()` shows the room. */
  mentioned(room, message, open) {
    if (!this.#on || !document.hidden) {
      return;
    }
    const notification = new Notification(`${message.from} mentioned you in ${room.title}`, {
      body: message.text, tag: `parley-${room.id}`,
    });
    notification.addEventListener('click', () => {
      window.focus();
      open();
      notification.close();
    });
  }
}
