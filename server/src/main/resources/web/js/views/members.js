import { byId, disclosure, el, reconcile } from '../dom.js';

/**
 * Who is in the shown room, kept up to date from `joined` and `presence`. Picking someone opens
 * direct messages with them. On narrow screens the list is a panel opened from the room's header.
 */
export function mountMembers(store, chat, focusComposer) {
  const chatRoot = byId('chat');
  const list = byId('member-list');
  const heading = byId('members-heading');
  const toggle = byId('members-toggle');

  const setPanel = disclosure(toggle, chatRoot, 'members-open');

  function render() {
    const active = store.active;
    const room = active?.isRoom ? active : null;
    chatRoot.classList.toggle('no-members', !room);
    const members = room ? room.members : [];
    heading.textContent = `Members · ${members.length}`;
    toggle.textContent = `${members.length} member${members.length === 1 ? '' : 's'}`;
    reconcile(list, members.map((nick) => (nick === store.me ? `me:${nick}` : nick)),
      (key) => {
        if (key.startsWith('me:')) {
          return el('li', { class: 'member me' }, el('span', { text: key.slice(3) }), el('span', { class: 'muted', text: ' (you)' }));
        }
        return el('li', { class: 'member' }, el('button', {
          type: 'button', class: 'member-button', title: `Send a direct message to ${key}`, text: key,
          'aria-label': `${key}: send a direct message`, dataset: { nick: key },
          onclick: () => {
            chat.openDirect(key);
            setPanel(false);
            focusComposer();
          },
        }));
      },
      () => {});
  }

  store.on('members', (conversation) => {
    if (conversation === store.active) {
      render();
    }
  });
  store.on('active', () => {
    setPanel(false);
    render();
  });
}
