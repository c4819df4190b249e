import { byId, disclosure, el, reconcile } from '../dom.js';

/**
 * Who is in the shown room, kept up to date from `joined` and `presence`, and how many they are
 * (`occupancy` keeps the count of a large room). A large room's list comes a page at a time:
 * "Show more members" loads the next. Picking someone opens direct messages with them. On narrow
 * screens the list is a panel opened from the room's header.
 */
export function mountMembers(store, chat, focusComposer) {
  const chatRoot = byId('chat');
  const list = byId('member-list');
  const heading = byId('members-heading');
  const toggle = byId('members-toggle');
  const more = byId('members-more');

  more.addEventListener('click', () => {
    const active = store.active;
    if (active?.isRoom) {
      more.disabled = true;
      chat.moreMembers(active).catch(() => {}).finally(() => {
        more.disabled = false;
      });
    }
  });

  const setPanel = disclosure(toggle, chatRoot, 'members-open');

  function render() {
    const active = store.active;
    const room = active?.isRoom ? active : null;
    chatRoot.classList.toggle('no-members', !room);
    const members = room ? room.members : [];
    const count = room ? Math.max(room.memberCount, members.length) : 0;
    heading.textContent = `Members · ${count.toLocaleString()}`;
    toggle.textContent = `${count.toLocaleString()} member${count === 1 ? '' : 's'}`;
    more.hidden = !room || room.membersNext === null;
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
