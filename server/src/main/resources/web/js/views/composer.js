import { notConnected } from '../chat.js';
import { byId } from '../dom.js';

const SEND_ERRORS = {
  rate_limited: () => 'Slow down: you are sending faster than the server allows.',
  text_too_long: (conversation, limits) => `A message is at most ${limits?.maxTextChars ?? 4000} characters.`,
  no_such_user: (conversation) => `${conversation.name} is not online, so the message was not delivered.`,
  not_member: (conversation) => `You are not in ${conversation.title} right now.`,
};

/**
 * The message box. Enter sends, Shift+Enter starts a new line; typing tells the room (at most
 * every few seconds, see Chat.typing). Each conversation keeps its own draft. A message that could
 * not be sent stays in the box with the reason underneath. Returns {focus()}.
 */
export function mountComposer(store, chat) {
  const form = byId('composer');
  const input = byId('composer-text');
  const label = byId('composer-label');
  const error = byId('composer-error');
  /** The conversation whose draft the box holds. */
  let current = null;

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
    }
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
    input.value = '';
    fit();
    try {
      await chat.send(conversation, text);
    } catch (failure) {
      if (conversation !== store.active) {
        conversation.draft ||= text;
      } else if (!input.value) {
        input.value = text;
        fit();
      }
      const describe = SEND_ERRORS[failure.code];
      showError(notConnected(failure) ? 'Not connected: your message was not sent.'
        : describe ? describe(conversation, store.limits) : failure.message);
    }
  });

  store.on('active', (active) => {
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
  };
}
