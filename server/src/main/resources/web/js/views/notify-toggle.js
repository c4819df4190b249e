import { byId, el, setChildren } from '../dom.js';

/**
 * The top bar's switch for desktop notifications of mentions (absent where the browser has no
 * Notification API): a bell, with words where there is room. Turning it on asks the browser's
 * permission; refused, it stays off.
 */
export function mountNotifyToggle(notifier) {
  const toggle = byId('notify-toggle');
  if (!notifier.supported) {
    return;
  }
  function render(on) {
    toggle.setAttribute('aria-pressed', String(on));
    toggle.title = on ? 'Mentions of you show a desktop notification while this tab is hidden: click to stop'
      : 'Show a desktop notification when someone mentions you while this tab is hidden';
    setChildren(toggle, el('span', { 'aria-hidden': 'true', text: on ? '🔔' : '🔕' }),
      el('span', { class: 'wide-only', text: on ? ' Notifications on' : ' Notify me of mentions' }));
  }
  toggle.hidden = false;
  toggle.addEventListener('click', async () => render(await notifier.toggle()));
  render(notifier.on);
}
