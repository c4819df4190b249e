import { byId } from '../dom.js';
import { storage } from '../storage.js';

const REFUSALS = {
  nick_taken: (nick) => `“${nick}” is already taken. Pick another nickname.`,
  nick_invalid: () => 'A nickname is 1 to 32 letters, digits, _, - or . (no spaces).',
  unauthorized: () => 'This server only lets in people with a sign-in token.',
};

/**
 * The nickname form, shown until the server welcomes us and again when it refuses our `hello`
 * (`nick_taken`, `nick_invalid`) — the refusal is shown right under the field. A reloaded tab
 * that is resuming its session skips the form unless the server cannot be reached.
 */
export function mountLogin(store, chat) {
  const login = byId('login');
  const chatRoot = byId('chat');
  const form = byId('login-form');
  const input = byId('login-nick');
  const error = byId('login-error');
  const me = byId('me');
  const meNick = byId('me-nick');

  input.value = storage.nick();

  function showError(text) {
    error.textContent = text;
    if (text) {
      input.setAttribute('aria-invalid', 'true');
    } else {
      input.removeAttribute('aria-invalid');
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const nick = input.value.trim();
    if (!nick) {
      showError('Enter a nickname.');
      input.focus();
      return;
    }
    showError('');
    chat.login(nick);
  });
  input.addEventListener('input', () => showError(''));
  byId('sign-out').addEventListener('click', () => chat.signOut());

  function show(signedIn) {
    login.hidden = signedIn;
    chatRoot.hidden = !signedIn;
    me.hidden = !signedIn;
    if (!signedIn) {
      input.value = input.value || storage.nick();
      input.focus();
      input.select();
    }
  }

  store.on('me', (nick) => {
    meNick.textContent = nick ?? '';
    show(nick !== null);
  });

  // a reloaded tab comes back on its own; the form shows only if the server cannot be reached
  store.on('status', (status) => {
    if (store.me === null && status.state === 'waiting' && login.hidden) {
      show(false);
    }
  });

  store.on('login', (refusal) => {
    if (!refusal) {
      return;
    }
    const describe = REFUSALS[refusal.code];
    showError(describe ? describe(input.value.trim()) : refusal.message);
    input.focus();
    input.select();
  });
}
