import { notConnected } from '../chat.js';
import { byId } from '../dom.js';
import { excerpt } from './message.js';

const SEND_ERRORS = {
  rate_limited: () => 'Slow down: you are sending faster than the server allows.',
  text_too_long: (conversation, limits) => `A message is at most ${limits?.maxTextChars ?? 4000} characters.`,
  no_such_user: (conversation) => `${conversation.name} is not online, so the message was not delivered.`,
  not_member: (conversation) => `You are not in ${conversation.title} right now.`,
  not_found: () => 'That message is no longer there.',
  forbidden: () => 'You can only change your own messages.',
};

/**
 * The message box. Enter sends, Shift+Enter starts a new line; typing tells the room (at most
 * every few seconds, see Chat.typing). Each conversation keeps its own draft. A message that could
 * not be sent stays in the box with the reason underneath. It also replies to a message (a bar
 * above the box names it) and edits one of ours (the box holds its text; Up arrow in an empty box
 * edits our last message); Escape or "Cancel" goes back to writing. Returns {focus(),
 * replyTo(item), edit(item)} for the message actions.
 */
export function mountComposer(store, chat) {
  const form = byId('composer');
  const input = byId('composer-text');
  const label = byId('composer-label');
  const error = byId('composer-error');
  const context = byId('composer-context');
  const contextText = byId('composer-context-text');
  /** The conversation whose draft the box holds. */
  let current = null;
  /** A reply {kind: 'reply', item} or an edit {kind: 'edit', item, draft: the text the edit set aside}, or null. */
  let mode = null;

  function setMode(next) {
    mode = next;
    context.hidden = !mode;
    context.classList.toggle('editing', mode?.kind === 'edit');
    contextText.textContent = mode?.kind === 'reply' ? `Replying to ${mode.item.from}: ${excerpt(mode.item)}`
      : mode ? 'Editing your message' : '';
  }

  /** Back to writing: an edit gives the box back the draft it set aside. */
  function cancelMode() {
    if (mode?.kind === 'edit') {
      input.value = mode.draft;
      fit();
    }
    setMode(null);
  }

  function edit(item) {
    const draft = mode?.kind === 'edit' ? mode.draft : input.value;
    setMode({ kind: 'edit', item, draft });
    input.value = item.text;
    fit();
    showError('');
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }

  /** Our last message in the shown room that can still be edited. */
  function lastOwn() {
    const room = store.active;
    if (!room?.isRoom || !store.features.includes('edit')) {
      return null;
    }
    return room.items.findLast((item) => item.type === 'message' && item.from === store.me && !item.deleted && item.offset !== undefined) ?? null;
  }

  function fit() {
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, 200)}px`;
  }

  function showError(text) {
    error.textContent = text;
  }

  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    } else if (event.key === 'Escape' && mode) {
      event.preventDefault();
      cancelMode();
    } else if (event.key === 'ArrowUp' && !input.value && !event.altKey && lastOwn()) {
      event.preventDefault();
      edit(lastOwn());
    }
  });
  byId('composer-context-cancel').addEventListener('click', () => {
    cancelMode();
    input.focus();
  });

  input.addEventListener('input', () => {
    showError('');
    fit();
    if (store.active && input.value.trim()) {
      chat.typing(store.active);
    }
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const conversation = store.active;
    const text = input.value;
    if (!conversation || !text.trim()) {
      return;
    }
    if (mode?.kind === 'edit') {
      await saveEdit(conversation, mode, text);
      return;
    }
    const replyTo = mode?.item.offset;
    input.value = '';
    fit();
    try {
      await chat.send(conversation, text, replyTo);
      if (mode?.item.offset === replyTo) {
        setMode(null);
      }
    } catch (failure) {
      if (conversation !== store.active) {
        conversation.draft ||= text;
      } else if (!input.value) {
        input.value = text;
        fit();
      }
      showFailure(failure, conversation, 'your message was not sent');
    }
  });

  /** Sends the edit; the box goes back to the draft it set aside, or keeps the new text on failure. */
  async function saveEdit(room, editing, text) {
    if (text !== editing.item.text) {
      try {
        await chat.edit(room, editing.item.offset, text);
      } catch (failure) {
        showFailure(failure, room, 'your edit was not saved');
        return;
      }
    }
    if (mode === editing) {
      cancelMode();
    }
  }

  function showFailure(failure, conversation, what) {
    const describe = SEND_ERRORS[failure.code];
    showError(notConnected(failure) ? `Not connected: ${what}.`
      : describe ? describe(conversation, store.limits) : failure.message);
  }

  store.on('active', (active) => {
    if (current !== active) {
      cancelMode();
    }
    if (current && current !== active) {
      current.draft = input.value;
      input.value = active?.draft ?? '';
      fit();
    }
    current = active;
    showError('');
    label.textContent = active ? `Message ${active.title}` : 'Message';
    input.placeholder = active ? `Message ${active.title}` : '';
  });
  store.on('me', () => {
    if (store.limits) {
      input.maxLength = store.limits.maxTextChars;
    }
  });

  return {
    focus() {
      input.focus();
    },
    replyTo(item) {
      cancelMode();
      setMode({ kind: 'reply', item });
      input.focus();
    },
    edit,
  };
}
