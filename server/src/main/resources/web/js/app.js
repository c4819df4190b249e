import { Chat } from './chat.js';
import { config } from './config.js';
import { Store } from './store.js';
import { mountMessageActions } from './views/actions.js';
import { mountComposer } from './views/composer.js';
import { mountConversation } from './views/conversation.js';
import { mountLogin } from './views/login.js';
import { mountMembers } from './views/members.js';
import { mountNotifyToggle } from './views/notify-toggle.js';
import { mountSearch } from './views/search.js';
import { mountSidebar } from './views/sidebar.js';
import { mountStatus } from './views/status.js';

/**
 * The browser client's entry point: builds the Store and the Chat controller, mounts the views on
 * the page's markup and starts, either back in this tab's last session or at the nickname form.
 */
const store = new Store();
const chat = new Chat(store, config);

const composer = mountComposer(store, chat);
const focusComposer = () => composer.focus();
mountLogin(store, chat);
mountStatus(store, chat);
mountSidebar(store, chat, focusComposer);
const conversation = mountConversation(store, chat);
mountMessageActions(store, chat, composer, conversation);
mountNotifyToggle(chat.notifier);
mountMembers(store, chat, focusComposer);
mountSearch(store, chat, focusComposer);

// the first conversation shown after signing in gets the keyboard
let shown = null;
store.on('active', (active) => {
  if (active && !shown) {
    focusComposer();
  }
  shown = active;
});

// Alt+↑ / Alt+↓ move between conversations
document.addEventListener('keydown', (event) => {
  if (!event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') || !store.active) {
    return;
  }
  const all = [...store.list('room'), ...store.list('dm')];
  const next = all[(all.indexOf(store.active) + (event.key === 'ArrowUp' ? all.length - 1 : 1)) % all.length];
  event.preventDefault();
  store.setActive(next);
  focusComposer();
});

store.setActive(null);
if (!chat.resume()) {
  store.setMe(null);
}
document.documentElement.dataset.ready = 'true';
