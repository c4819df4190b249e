import { notConnected } from '../chat.js';
import { byId } from '../dom.js';
import { messageItem } from '../store.js';
import { messageElement } from './message.js';

const SEARCH_ERRORS = {
  not_member: (title) => `You are not in ${title} right now.`,
  rate_limited: () => 'Slow down: you are searching faster than the server allows.',
};

/**
 * Searching the shown room where the server offers it (`welcome.features` has 'search'): Enter in
 * the box shows the room's messages with every word of the query, newest first, in place of the
 * conversation; "More results" fetches the next page (`next` as `before`). Escape or "Back to
 * conversation" returns to the conversation. A failed search says why under the box.
 */
export function mountSearch(store, chat, focusComposer) {
  const conversationRoot = byId('conversation');
  const form = byId('search-form');
  const input = byId('search-query');
  const label = byId('search-label');
  const error = byId('search-error');
  const panel = byId('search-results');
  const summary = byId('search-summary');
  const list = byId('search-list');
  const more = byId('search-more');
  const back = byId('search-close');
  /** The search shown: {id, room, title, query, next, found, loading}, or null. An answer to another one is dropped. */
  let shown = null;

  function renderForm() {
    const room = store.active?.isRoom ? store.active : null;
    form.hidden = !room || !store.features.includes('search');
    label.textContent = room ? `Search ${room.title}` : 'Search this room';
    input.placeholder = label.textContent;
  }

  function close() {
    shown = null;
    error.textContent = '';
    panel.hidden = true;
    conversationRoot.classList.remove('searching');
    list.replaceChildren();
  }

  function describe(search) {
    const words = `“${search.query}” in ${search.title}`;
    if (search.found === 0) {
      return `No messages match ${words}.`;
    }
    const one = search.found === 1 && search.next === null;
    return `${search.found}${search.next === null ? '' : '+'} ${one ? 'message matches' : 'messages match'} ${words}, newest first.`;
  }

  async function fetchPage(search) {
    // not `disabled`: a disabled button would drop the keyboard focus
    search.loading = true;
    error.textContent = '';
    try {
      const results = await chat.search(search.room, search.query, search.next ?? undefined);
      if (search !== shown) {
        return;
      }
      search.next = results.next ?? null;
      search.found += results.messages.length;
      list.append(...results.messages.map((message) => messageElement(messageItem(message), { me: store.me })));
      summary.textContent = describe(search);
      if (search.next === null && document.activeElement === more) {
        panel.focus(); // the button goes away: the keyboard stays with the results
      }
      more.hidden = search.next === null;
    } catch (failure) {
      if (search === shown) {
        const explain = SEARCH_ERRORS[failure.code];
        error.textContent = notConnected(failure) ? 'Not connected: search again once connected.'
          : explain ? explain(search.title) : failure.message;
        summary.textContent = search.found === 0 ? 'The search failed.' : describe(search);
      }
    } finally {
      search.loading = false;
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const room = store.active;
    const query = input.value.trim();
    if (!room?.isRoom || !query) {
      return;
    }
    close();
    shown = { id: room.id, room: room.name, title: room.title, query, next: null, found: 0, loading: false };
    summary.textContent = `Searching ${room.title} for “${query}”…`;
    more.hidden = true;
    panel.hidden = false;
    conversationRoot.classList.add('searching');
    fetchPage(shown);
  });

  more.addEventListener('click', () => {
    if (shown && shown.next !== null && !shown.loading) {
      fetchPage(shown);
    }
  });

  function backToConversation() {
    close();
    focusComposer();
  }
  back.addEventListener('click', backToConversation);
  for (const area of [form, panel]) {
    area.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && shown) {
        event.preventDefault();
        backToConversation();
      }
    });
  }
  input.addEventListener('input', () => {
    error.textContent = '';
  });

  store.on('features', renderForm);
  store.on('active', (active) => {
    if (shown && active?.id !== shown.id) {
      close();
    }
    renderForm();
  });
}
