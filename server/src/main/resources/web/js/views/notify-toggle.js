import { byId } from '../dom.js';

/**
 * The top bar's switch for desktop notifications of mentions (absent where the browser has no
 * Notification API). Turning it on asks the browser's permission; refused, it stays off.
 */
export function mountNotifyToggle(notifier) {
  const toggle = byId('notify-toggle');
  if (!notifier.supported) {
    return;
  }
  function render(on) {
    toggle.setAttribute('aria-pressed', String(on));
    toggle.textContent = on ? 'Mention notifications on' : 'Notify me of mentions';
    toggle.title = on ? 'Turn off desktop notifications of mentions' : 'Show a desktop notification when someone mentions you while this tab is hidden';
  }
  toggle.hidden = false;
  toggle.addEventListener('click', async () => render(await notifier.toggle()));
  render(notifier.on);
}
