import { day, el, timeElement } from '../dom.js';
import { messageElement } from './message.js';

/** Consecutive messages of one sender within this time share one header. */
const GROUP_MS = 5 * 60_000;
/** How close to the top (px) scrolling pages in older messages. */
const NEAR_TOP_PX = 150;
/** How close to the bottom (px) counts as reading the latest messages. */
const NEAR_BOTTOM_PX = 48;

/**
 * The scrolling message list of one conversation. It keeps its own scroll position while other
 * conversations are shown, follows new messages while the reader is at the bottom (and offers a
 * "new messages" button otherwise), and asks for older pages near the top. Shown, it puts a
 * "New messages" divider at the read marker and says when the reader sees the latest messages.
 */
export class Thread {
  #conversation;
  #store;
  #onNearTop;
  #onLatestSeen;
  #list = el('ol', { class: 'items' });
  #older = el('button', { type: 'button', class: 'link-button load-older', text: 'Load older messages' });
  #olderNote = el('p', { class: 'thread-note' });
  #jump = el('button', { type: 'button', class: 'jump', hidden: true, text: 'New messages ↓' });
  #divider = el('li', { class: 'unread-divider', role: 'separator' }, el('span', { text: 'New messages' }));
  /** The last item rendered, to decide on grouping the next with it, and the day of the last one with a time. */
  #last = null;
  #lastDay = null;
  /** Whether to keep the newest message in view. */
  #stick = true;

  /**
   * `onNearTop()` is called when the reader scrolls up to the oldest message, `onLatestSeen()` when
   * they see the newest (the list shown at its bottom in a visible tab).
   */
  constructor(conversation, store, { onNearTop, onLatestSeen }) {
    this.#conversation = conversation;
    this.#store = store;
    this.#onNearTop = onNearTop;
    this.#onLatestSeen = onLatestSeen;
    this.element = el('section', {
      class: 'thread', role: 'log', tabindex: '0', hidden: true,
      'aria-label': `Messages in ${conversation.title}`, dataset: { conversation: conversation.id },
    }, el('div', { class: 'thread-top' }, this.#older, this.#olderNote), this.#list, this.#jump);
    this.#older.addEventListener('click', onNearTop);
    this.#jump.addEventListener('click', () => this.scrollToBottom());
    this.element.addEventListener('scroll', () => {
      this.#stick = this.#atBottom();
      if (this.#stick) {
        this.#jump.hidden = true;
        this.#seen();
      }
      if (this.element.scrollTop < NEAR_TOP_PX) {
        onNearTop();
      }
    }, { passive: true });
    this.renderOlder();
    this.rebuild();
  }

  show() {
    this.element.hidden = false;
    this.#placeDivider();
    if (this.#stick) {
      this.scrollToBottom();
      if (this.#divider.isConnected && this.#divider.getBoundingClientRect().top < this.element.getBoundingClientRect().top) {
        this.#divider.scrollIntoView({ block: 'start' }); // the first unread message on top
        this.#stick = this.#atBottom();
      }
    }
    this.#fill();
    this.#seen();
  }

  hide() {
    this.element.hidden = true;
  }

  scrollToBottom() {
    this.element.scrollTop = this.element.scrollHeight;
    this.#stick = true;
    this.#jump.hidden = true;
  }

  /** Shows items added at the end. */
  append(items) {
    const follow = this.#stick || items.some((item) => item.type === 'message' && item.from === this.#store.me);
    for (const item of items) {
      this.#list.append(...this.#render(item));
    }
    if (follow) {
      this.scrollToBottom();
    } else if (items.some((item) => item.type === 'message')) {
      this.#jump.hidden = false;
    }
    this.#fill();
    this.#seen();
  }

  /**
   * Shows a message's new state (edited, deleted, reactions), and the quotes of it in the replies
   * to it (a deleted text leaves none behind), keeping the keyboard focus where it was.
   */
  update(item) {
    this.#conversation.items.filter((reply) => reply.replyTo === item.offset).forEach((reply) => this.#replace(reply));
    this.#replace(item);
    if (this.#stick) {
      this.scrollToBottom();
    }
  }

  #replace(item) {
    const old = this.#element(item.offset);
    if (!old) {
      return;
    }
    const focused = old.contains(document.activeElement) ? document.activeElement.dataset.action ?? '' : null;
    const updated = this.#messageElement(item, old.classList.contains('continued'));
    old.replaceWith(updated);
    if (focused !== null) {
      (updated.querySelector(`[data-action="${focused}"]`) ?? updated).focus({ preventScroll: true });
    }
  }

  /** Scrolls to the message at `offset` and highlights it for a moment; false when it is not shown. */
  reveal(offset) {
    const target = this.#element(offset);
    if (!target) {
      return false;
    }
    target.scrollIntoView({ block: 'center' });
    target.classList.remove('highlight');
    target.getBoundingClientRect(); // restarts the highlight's animation
    target.classList.add('highlight');
    target.addEventListener('animationend', () => target.classList.remove('highlight'), { once: true });
    target.focus({ preventScroll: true });
    return true;
  }

  /** Renders every item again (after older ones were put in front), keeping what the reader sees in place. */
  rebuild() {
    const fromBottom = this.element.scrollHeight - this.element.scrollTop;
    this.#last = null;
    this.#lastDay = null;
    this.#list.replaceChildren(...this.#conversation.items.flatMap((item) => this.#render(item)));
    if (!this.element.hidden) {
      this.#placeDivider();
    }
    this.element.scrollTop = this.element.scrollHeight - fromBottom;
    this.#fill();
  }

  /** Updates the top of the list: a button for older messages, or why there are none. */
  renderOlder() {
    const conversation = this.#conversation;
    const state = conversation.isRoom ? conversation.older : 'direct';
    this.#older.hidden = state !== 'more';
    this.#olderNote.textContent = {
      loading: 'Loading older messages…',
      start: `This is the beginning of ${conversation.title}.`,
      gone: 'Older messages are no longer kept.',
      direct: `Direct messages are not stored: this shows what you and ${conversation.name} wrote while this page was open.`,
    }[state] ?? '';
    this.#olderNote.hidden = state === 'more';
    this.element.setAttribute('aria-busy', String(state === 'loading'));
    this.#fill();
  }

  #atBottom() {
    const { scrollTop, scrollHeight, clientHeight } = this.element;
    return scrollHeight - scrollTop - clientHeight < NEAR_BOTTOM_PX;
  }

  /** The reader sees the latest messages if the list is shown at its bottom in a visible tab. */
  #seen() {
    if (!this.element.hidden && !document.hidden && this.#stick) {
      this.#onLatestSeen();
    }
  }

  /** Puts the "New messages" divider above the first message from others after the read marker, if any. */
  #placeDivider() {
    this.#divider.remove();
    const { lastRead } = this.#conversation;
    const first = lastRead === null ? undefined : this.#conversation.items.find((item) => item.type === 'message'
      && item.offset > lastRead && item.from !== this.#store.me && !item.deleted);
    this.#element(first?.offset)?.before(this.#divider);
  }

  #element(offset) {
    return offset === undefined ? null : this.#list.querySelector(`li.msg[data-offset="${offset}"]`);
  }

  /** Pages in older messages while the shown ones do not even fill the list: there is nothing to scroll yet. */
  #fill() {
    if (!this.element.hidden && this.#conversation.older === 'more'
        && this.element.scrollHeight <= this.element.clientHeight) {
      this.#onNearTop();
    }
  }

  #render(item) {
    const previous = this.#last;
    this.#last = item;
    const nodes = [];
    if (item.ts !== undefined) {
      const itemDay = day(item.ts);
      if (itemDay.key !== this.#lastDay) {
        nodes.push(el('li', { class: 'day' }, el('span', { text: itemDay.label })));
        this.#lastDay = itemDay.key;
      }
    }
    if (item.type === 'gap') {
      nodes.push(el('li', { class: 'gap', role: 'note' }, el('span', { text: item.text })));
    } else if (item.type === 'notice') {
      nodes.push(el('li', { class: 'notice' }, el('span', { text: item.text }), ' ', timeElement(item.ts)));
    } else {
      nodes.push(this.#message(item, previous, nodes.length > 0));
    }
    return nodes;
  }

  #message(item, previous, newDay) {
    const continued = !newDay && previous?.type === 'message' && previous.from === item.from
      && item.ts - previous.ts < GROUP_MS && !item.replyTo;
    return this.#messageElement(item, continued);
  }

  #messageElement(item, continued) {
    const conversation = this.#conversation;
    return messageElement(item, {
      me: this.#store.me, continued, quoted: item.replyTo ? conversation.message(item.replyTo) : undefined,
      actions: conversation.isRoom ? this.#store.features : null,
    });
  }
}
