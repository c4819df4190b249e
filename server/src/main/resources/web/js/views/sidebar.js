import { notConnected } from '../chat.js';
import { byId, disclosure, el, reconcile, setChildren } from '../dom.js';

const JOIN_ERRORS = {
  room_invalid: 'A room name is 1 to 64 letters, digits, _, - or . (no spaces).',
  too_many_rooms: 'You are in as many rooms as the server allows: leave one first.',
};

/**
 * The conversation list: open rooms and direct messages with their unread counts, the form to
 * join or create a room, and the directory of every room on the server. On narrow screens it is a
 * drawer opened from the top bar. `focusComposer` is called when the user picked a conversation.
 */
export function mountSidebar(store, chat, focusComposer) {
  const chatRoot = byId('chat');
  const toggle = byId('nav-toggle');
  const roomList = byId('room-list');
  const dmList = byId('dm-list');
  const dmEmpty = byId('dm-empty');
  const directory = byId('directory');
  const joinForm = byId('join-form');
  const joinInput = byId('join-room');
  const joinError = byId('join-error');

  const setDrawer = disclosure(toggle, chatRoot, 'nav-open');

  function picked(conversation) {
    store.setActive(conversation);
    setDrawer(false);
    focusComposer();
  }

  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && chatRoot.classList.contains('nav-open')) {
      setDrawer(false);
      toggle.focus();
    }
  });
  document.addEventListener('click', (event) => {
    if (chatRoot.classList.contains('nav-open') && !byId('sidebar').contains(event.target) && !toggle.contains(event.target)) {
      setDrawer(false);
    }
  });

  function renderConversations(list, kind) {
    const active = store.active;
    reconcile(list, store.list(kind).map((conversation) => conversation.id),
      (id) => el('li', {}, el('button', {
        type: 'button', class: 'conversation-button', dataset: { conversation: id },
        onclick: () => picked(store.get(id)),
      })),
      (item, id) => {
        const conversation = store.get(id);
        const button = item.firstElementChild;
        const unread = conversation.unread > 0 && conversation !== active;
        setChildren(button,
          el('span', { class: 'conversation-name', text: conversation.title }),
          conversation.isRoom && !conversation.joined ? el('span', { class: 'muted small', text: 'offline' }) : null,
          unread ? el('span', { class: conversation.mentions > 0 ? 'badge mentioned' : 'badge' }, String(conversation.unread),
            el('span', { class: 'visually-hidden', text: conversation.mentions > 0 ? ` unread, ${conversation.mentions} mentioning you` : ' unread' })) : null,
        );
        button.classList.toggle('unread', unread);
        if (conversation === active) {
          button.setAttribute('aria-current', 'true');
        } else {
          button.removeAttribute('aria-current');
        }
      });
  }

  function renderAll() {
    renderConversations(roomList, 'room');
    renderConversations(dmList, 'dm');
    dmEmpty.hidden = store.list('dm').length > 0;
    const unread = [...store.list('room'), ...store.list('dm')].reduce((sum, conversation) => sum + conversation.unread, 0);
    const active = store.active;
    document.title = `${unread > 0 ? `(${unread}) ` : ''}${active ? `${active.title} – ` : ''}Parley`;
  }

  store.on('conversations', renderAll);
  store.on('active', renderAll);

  store.on('directory', (rooms) => {
    reconcile(directory, rooms.map((room) => room.room),
      (name) => el('li', {}, el('button', {
        type: 'button', class: 'directory-button', dataset: { room: name },
        onclick: () => join(name),
      })),
      (item, name) => {
        const info = rooms.find((room) => room.room === name);
        setChildren(item.firstElementChild,
          el('span', { class: 'conversation-name', text: `#${name}` }),
          el('span', { class: 'count', title: `${info.members} online`, text: String(info.members) }),
          el('span', { class: 'visually-hidden', text: ` member${info.members === 1 ? '' : 's'}` }),
        );
      });
  });
  byId('directory-refresh').addEventListener('click', () => chat.refreshDirectory());

  async function join(name) {
    joinError.textContent = '';
    joinInput.removeAttribute('aria-invalid');
    try {
      await chat.open(name);
    } catch (error) {
      joinError.textContent = notConnected(error) ? 'Not connected: try again once the connection is back.'
        : JOIN_ERRORS[error.code] ?? error.message;
      joinInput.setAttribute('aria-invalid', 'true');
      joinInput.focus();
      return false;
    }
    setDrawer(false);
    focusComposer();
    return true;
  }

  joinForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = joinInput.value.trim().replace(/^#/, '');
    if (name && await join(name)) {
      joinInput.value = '';
    }
  });
  joinInput.addEventListener('input', () => {
    joinError.textContent = '';
    joinInput.removeAttribute('aria-invalid');
  });
}
