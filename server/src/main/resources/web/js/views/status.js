import { byId } from '../dom.js';

/**
 * The connection indicator in the top bar: its state, the round trip of the last `ping`, and
 * while waiting to reconnect a countdown and a button to try at once.
 */
export function mountStatus(store, chat) {
  const status = byId('status');
  const text = byId('status-text');
  const detail = byId('status-detail');
  const retry = byId('status-retry');
  let countdown = 0;

  retry.addEventListener('click', () => chat.retryNow());

  function render() {
    const { state, rttMs, retryAt } = store.status;
    status.dataset.state = state;
    retry.hidden = state !== 'waiting' && state !== 'replaced';
    retry.textContent = state === 'replaced' ? 'Use this tab' : 'Reconnect now';
    detail.textContent = '';
    detail.title = '';
    switch (state) {
      case 'online':
        text.textContent = 'Connected';
        if (rttMs !== null) {
          detail.textContent = `${rttMs} ms`;
          detail.title = 'Round trip to the server';
        }
        break;
      case 'connecting':
        text.textContent = 'Connecting…';
        break;
      case 'waiting':
        text.textContent = 'Offline';
        detail.textContent = `retrying in ${Math.max(1, Math.ceil((retryAt - Date.now()) / 1000))} s`;
        break;
      case 'replaced':
        text.textContent = 'Opened in another tab';
        break;
      default:
        text.textContent = 'Not connected';
    }
  }

  store.on('status', () => {
    clearInterval(countdown);
    if (store.status.state === 'waiting') {
      countdown = setInterval(render, 1000);
    }
    render();
  });
  render();
}
