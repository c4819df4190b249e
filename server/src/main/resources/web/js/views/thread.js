import { day, el, nickColour, richText, timeElement } from '../dom.js';

/** Consecutive messages of one sender within this time share one header. */
const GROUP_MS = 5 * 60_000;
/** How close to the top (px) scrolling pages in older messages. */
const NEAR_TOP_PX = 150;
/** How close to the bottom (px) counts as reading the latest messages. */
const NEAR_BOTTOM_PX = 48;

/**
 * The scrolling message list of one conversation. It keeps its own scroll position while other
 * conversations are shown, follows new messages while the reader is at the bottom (and offers a
 * "new messages" button otherwise), and asks for older pages near the top.
 */
export class Thread {
  #conversation;
  #me;
  #onNearTop;
  #list = el('ol', { class: 'items' });
  #older = el('button', { type: 'button', class: 'link-button load-older', text: 'Load older messages' });
  #olderNote = el('p', { class: 'thread-note' });
  #jump = el('button', { type: 'button', class: 'jump', hidden: true, text: 'New messages ↓' });
  /** The last item rendered, to decide on grouping the next with it, and the day of the last one with a time. */
  #last = null;
  #lastDay = null;
  /** Whether to keep the newest message in view. */
  #stick = true;

  /** `me()` is our nick; `onNearTop()` is called when the reader scrolls up to the oldest message. */
  constructor(conversation, me, onNearTop) {
    this.#conversation = conversation;
    this.#me = me;
    this.#onNearTop = onNearTop;
    this.element = el('section', {
      class: 'thread', role: 'log', tabindex: '0', hidden: true,
      'aria-label': `Messages in ${conversation.title}`, dataset: { conversation: conversation.id },
    }, el('div', { class: 'thread-top' }, this.#older, this.#olderNote), this.#list, this.#jump);
    this.#older.addEventListener('click', onNearTop);
    this.#jump.addEventListener('click', () => this.scrollToBottom());
    this.element.addEventListener('scroll', () => {
      const { scrollTop, scrollHeight, clientHeight } = this.element;
      this.#stick = scrollHeight - scrollTop - clientHeight < NEAR_BOTTOM_PX;
      if (this.#stick) {
        this.#jump.hidden = true;
      }
      if (scrollTop < NEAR_TOP_PX) {
        onNearTop();
      }
    }, { passive: true });
    this.renderOlder();
    this.rebuild();
  }

  show() {
    this.element.hidden = false;
    if (this.#stick) {
      this.scrollToBottom();
    }
    this.#fill();
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
    const follow = this.#stick || items.some((item) => item.type === 'message' && item.from === this.#me());
    for (const item of items) {
      this.#list.append(...this.#render(item));
    }
    if (follow) {
      this.scrollToBottom();
    } else if (items.some((item) => item.type === 'message')) {
      this.#jump.hidden = false;
    }
    this.#fill();
  }

  /** Renders every item again (after older ones were put in front), keeping what the reader sees in place. */
  rebuild() {
    const fromBottom = this.element.scrollHeight - this.element.scrollTop;
    this.#last = null;
    this.#lastDay = null;
    this.#list.replaceChildren(...this.#conversation.items.flatMap((item) => this.#render(item)));
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
      && item.ts - previous.ts < GROUP_MS;
    return messageElement(item, item.from === this.#me(), continued);
  }
}

/** A message as a list item: sender, time and text; `continued` hides the header under the sender's previous one. */
export function messageElement(item, own, continued) {
  return el('li', {
    class: `msg${own ? ' own' : ''}${continued ? ' continued' : ''}`,
    dataset: { from: item.from, ...(item.offset === undefined ? {} : { offset: String(item.offset) }) },
  },
  el('div', { class: 'meta' },
    el('span', { class: `from ${nickColour(item.from)}`, text: item.from }),
    own ? el('span', { class: 'you', text: 'you' }) : null,
    timeElement(item.ts)),
  el('div', { class: 'text' }, richText(item.text)));
}
