import { notConnected } from '../chat.js';
import { byId, el } from '../dom.js';
import { EMOJI, excerpt } from './message.js';

/** How long a finger rests on a message before its actions show. */
const LONG_PRESS_MS = 500;

/**
 * What the user does to the messages of the shown room (views/message.js draws the buttons):
 * reply, edit and delete (after a confirmation) their own, react with the emoji picker, toggle a
 * reaction by its count, and follow a reply's quote to the message it answers. The actions show
 * on hover, on keyboard focus, and after a long press on a touch screen. Keyboard: in the message
 * list ↑/↓ move from message to message, Tab reaches the focused message's buttons, ←/→ move
 * along them; in the picker the arrow keys or Tab move, Enter picks, Escape closes.
 * `conversation.reveal(offset)` shows a message of the shown room.
 */
export function mountMessageActions(store, chat, composer, conversation) {
  const threads = byId('threads');
  const dialog = byId('delete-dialog');
  const picker = el('div', { class: 'picker', role: 'group', 'aria-label': 'Pick a reaction' },
    EMOJI.map((emoji) => el('button', { type: 'button', class: 'picker-emoji', 'aria-label': `React with ${emoji}`, dataset: { action: 'emoji', emoji }, text: emoji })));
  let deleting = null;
  let pressTimer = 0;

  /** The shown room's message item of a list item, with the room. */
  function target(li) {
    const room = store.active;
    const item = room?.isRoom ? room.message(Number(li.dataset.offset)) : undefined;
    return item ? { room, item } : null;
  }

  function failed(failure) {
    byId('composer-error').textContent = notConnected(failure) ? 'Not connected: try again once the connection is back.' : failure.message;
  }

  function react({ room, item }, emoji) {
    const mine = item.reactions.some((reaction) => reaction.emoji === emoji && reaction.nicks.includes(store.me));
    chat.react(room, item.offset, emoji, !mine).catch(failed);
  }

  function openPicker(li) {
    li.append(picker);
    picker.querySelector('button').focus();
  }

  /** Closes the picker; the keyboard goes back to the message's React button. */
  function closePicker() {
    picker.closest('li.msg')?.querySelector('[data-action="pick"]')?.focus();
    picker.remove();
  }

  function confirmDelete(found) {
    deleting = found;
    byId('delete-excerpt').textContent = excerpt(found.item);
    dialog.returnValue = '';
    dialog.showModal();
  }

  dialog.addEventListener('close', () => {
    const found = deleting;
    deleting = null;
    if (found && dialog.returnValue === 'delete') {
      chat.deleteMessage(found.room, found.item.offset).catch(failed);
    }
  });

  const act = {
    reply: (found) => composer.replyTo(found.item),
    edit: (found) => composer.edit(found.item),
    delete: confirmDelete,
    pick: (found, button, li) => (picker.parentElement === li ? closePicker() : openPicker(li)),
    react: (found, button) => react(found, button.dataset.emoji),
    emoji: (found, button) => {
      react(found, button.dataset.emoji);
      closePicker();
    },
    quote: (found, button) => conversation.reveal(Number(button.dataset.target)),
  };

  threads.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    const li = button?.closest('li.msg');
    const found = li && target(li);
    if (found) {
      act[button.dataset.action](found, button, li);
    }
  });

  threads.addEventListener('keydown', (event) => {
    if (event.target.closest('.picker')) {
      pickerKey(event);
    } else if (event.target.matches('.thread, li.msg') && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
      event.preventDefault();
      const messages = [...event.target.closest('.thread').querySelectorAll('li.msg[tabindex]')];
      const at = messages.indexOf(event.target);
      const next = at < 0 ? messages.at(-1) : messages[at + (event.key === 'ArrowUp' ? -1 : 1)];
      next?.focus();
    } else if (event.target.closest('.actions') && (event.key === 'ArrowLeft' || event.key === 'ArrowRight')) {
      event.preventDefault();
      move(event.target.closest('.actions'), event.target, event.key === 'ArrowLeft' ? -1 : 1);
    } else if (event.key === 'Escape' && event.target.closest('li.msg') && !event.target.matches('li.msg')) {
      event.preventDefault();
      event.target.closest('li.msg').focus();
    }
  });

  function pickerKey(event) {
    const step = { ArrowLeft: -1, ArrowUp: -1, ArrowRight: 1, ArrowDown: 1 }[event.key];
    if (step) {
      event.preventDefault();
      move(picker, event.target, step);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      closePicker();
    }
  }

  /** Moves the focus `step` buttons along `group`, round the ends. */
  function move(group, from, step) {
    const buttons = [...group.querySelectorAll('button')];
    buttons[(buttons.indexOf(from) + step + buttons.length) % buttons.length].focus();
  }

  // the buttons of a message are in the Tab order only while the keyboard is on that message
  threads.addEventListener('focusin', (event) => {
    const li = event.target.closest('li.msg[tabindex]');
    li?.querySelectorAll('button').forEach((button) => button.setAttribute('tabindex', '0'));
  });
  threads.addEventListener('focusout', (event) => {
    const li = event.target.closest('li.msg[tabindex]');
    if (li && !li.contains(event.relatedTarget)) {
      li.querySelectorAll('button').forEach((button) => button.setAttribute('tabindex', '-1'));
      // not while the browser is taking the focused node out (a blur handler may not move nodes)
      queueMicrotask(() => {
        if (picker.parentElement === li && !li.contains(document.activeElement)) {
          picker.remove();
        }
      });
    }
  });

  // a long press on a touch screen shows a message's actions, until another message is touched
  threads.addEventListener('pointerdown', (event) => {
    const li = event.pointerType === 'touch' ? event.target.closest('li.msg[tabindex]') : null;
    clearTimeout(pressTimer);
    if (li && !event.target.closest('button')) {
      pressTimer = setTimeout(() => {
        threads.querySelectorAll('li.touched').forEach((other) => other.classList.remove('touched'));
        li.classList.add('touched');
      }, LONG_PRESS_MS);
    }
  });
  for (const type of ['pointerup', 'pointercancel']) {
    threads.addEventListener(type, () => clearTimeout(pressTimer));
  }
  document.addEventListener('click', (event) => {
    if (picker.isConnected && !picker.contains(event.target) && !event.target.closest('[data-action="pick"]')) {
      picker.remove();
    }
  });
}
