import { byId, el } from '../dom.js';
import { Thread } from './thread.js';

/**
 * The middle of the page: the shown conversation's title, its message list (one Thread per
 * conversation, kept while others are shown), who is typing, and the button to leave it.
 * Returns {reveal(offset)}: scrolls the shown room to one of its messages (false if not shown).
 */
export function mountConversation(store, chat) {
  const chatRoot = byId('chat');
  const title = byId('conversation-title');
  const closeButton = byId('conversation-close');
  const threadsRoot = byId('threads');
  const typing = byId('typing');
  const empty = el('p', { class: 'empty', text: 'You are not in any room. Join or create one from the list of conversations.' });
  const threads = new Map();

  function threadOf(conversation) {
    let thread = threads.get(conversation.id);
    if (!thread) {
      thread = new Thread(conversation, store, {
        onNearTop: () => chat.loadOlder(conversation),
        onLatestSeen: () => conversation.isRoom && chat.seen(conversation),
      });
      threads.set(conversation.id, thread);
      threadsRoot.append(thread.element);
    }
    return thread;
  }

  function renderTyping() {
    const active = store.active;
    const now = Date.now();
    const nicks = active ? [...active.typing].filter(([, until]) => until > now).map(([nick]) => nick) : [];
    if (nicks.length === 0) {
      typing.textContent = '';
    } else if (nicks.length === 1) {
      typing.textContent = `${nicks[0]} is typing…`;
    } else if (nicks.length === 2) {
      typing.textContent = `${nicks[0]} and ${nicks[1]} are typing…`;
    } else {
      typing.textContent = `${nicks[0]}, ${nicks[1]} and ${nicks.length - 2} more are typing…`;
    }
  }

  store.on('items', ({ conversation, appended }) => {
    if (!threads.has(conversation.id)) {
      threadOf(conversation); // a new thread renders every item there is
    } else if (appended) {
      threads.get(conversation.id).append(appended);
    } else {
      threads.get(conversation.id).rebuild();
    }
  });
  store.on('changed', ({ conversation, item }) => threads.get(conversation.id)?.update(item));
  store.on('older', (conversation) => threadOf(conversation).renderOlder());
  store.on('removed', (conversation) => {
    threads.get(conversation.id)?.element.remove();
    threads.delete(conversation.id);
  });
  store.on('typing', (conversation) => {
    if (conversation === store.active) {
      renderTyping();
    }
  });

  store.on('active', (active) => {
    chatRoot.classList.toggle('no-conversation', !active);
    threads.forEach((thread, id) => {
      if (id !== active?.id) {
        thread.hide();
      }
    });
    if (active) {
      empty.remove();
      threadOf(active).show();
      title.textContent = active.title;
      closeButton.textContent = active.isRoom ? 'Leave room' : 'Close';
      closeButton.setAttribute('aria-label', active.isRoom ? `Leave ${active.title}` : `Close conversation with ${active.name}`);
    } else {
      threadsRoot.append(empty);
      title.textContent = 'No conversation';
    }
    renderTyping();
  });

  closeButton.addEventListener('click', () => {
    if (store.active) {
      chat.close(store.active);
    }
  });

  return {
    reveal(offset) {
      return store.active ? threadOf(store.active).reveal(offset) : false;
    },
  };
}
