import { el, nickColour, richText, timeElement } from '../dom.js';
import { mentions } from '../reading.js';

/** The reactions the picker offers. */
export const EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '👀'];

/** At most this many characters of a message in a reply's quote. */
const QUOTE_CHARS = 80;

/**
 * A message as a list item: the message it replies to (`quoted`, its item if shown), sender,
 * time, the text with "(edited)", or "message deleted"; the reactions under it; and, for a room's
 * message (`actions`: the server's `welcome.features`), the buttons that act on it, shown on
 * hover, focus or a long press. Every button in it carries `data-action`; the thread handles
 * them (views/actions.js). `continued` hides the header under the sender's previous message.
 */
export function messageElement(item, { me = null, continued = false, quoted, actions = null } = {}) {
  const own = item.from === me;
  const live = actions !== null && item.offset !== undefined && !item.deleted;
  const classes = ['msg', own && 'own', continued && 'continued', item.deleted && 'deleted',
    !item.deleted && mentions(item, me) && 'mention'].filter(Boolean);
  return el('li', {
    class: classes.join(' '), tabindex: live ? '-1' : null,
    dataset: { from: item.from, ...(item.offset === undefined ? {} : { offset: String(item.offset) }) },
  },
  item.replyTo && actions !== null ? quote(item.replyTo, quoted) : null,
  el('div', { class: 'meta' },
    el('span', { class: `from ${nickColour(item.from)}`, text: item.from }),
    own ? el('span', { class: 'you', text: 'you' }) : null,
    timeElement(item.ts)),
  el('div', { class: 'body' },
    el('div', { class: 'text' }, item.deleted ? 'message deleted' : richText(item.text, item.mentions, me)),
    item.edited && !item.deleted ? el('span', { class: 'edited', title: `Edited ${new Date(item.edited).toLocaleString()}`, text: '(edited)' }) : null),
  item.deleted ? null : reactions(item, me, live && actions.includes('reactions')),
  live ? toolbar(item, own, actions) : null);
}

/** The header of a reply: who wrote the message it answers and how it began; a button that shows it. */
function quote(target, quoted) {
  let text = 'an earlier message';
  if (quoted?.deleted) {
    text = 'a deleted message';
  } else if (quoted) {
    text = `${quoted.from}: ${excerpt(quoted)}`;
  }
  return el('button', {
    type: 'button', class: 'quote', tabindex: '-1', dataset: { action: 'quote', target: String(target) },
    'aria-label': `In reply to ${text}: show it`,
  }, el('span', { class: 'quote-mark', 'aria-hidden': 'true', text: '↪ ' }), el('span', { class: 'quote-text', text }));
}

/** The counts under a message: one button per emoji, pressed where we reacted, naming who did in its title. */
function reactions(item, me, clickable) {
  if (!item.reactions?.length) {
    return null; // none, or a direct message
  }
  return el('div', { class: 'reactions' }, item.reactions.map((reaction) => {
    const mine = reaction.nicks.includes(me);
    const who = `${reaction.nicks.join(', ')}${reaction.count > reaction.nicks.length ? ' and others' : ''}`;
    return el('button', {
      type: 'button', class: 'reaction', tabindex: '-1', title: `${who} reacted with ${reaction.emoji}`,
      'aria-pressed': String(mine), disabled: !clickable, 'aria-label': `${reaction.emoji} ${reaction.count}: ${who}`,
      dataset: { action: 'react', emoji: reaction.emoji },
    }, el('span', { class: 'reaction-emoji', text: reaction.emoji }), el('span', { class: 'reaction-count', text: String(reaction.count) }));
  }));
}

/** The actions on a message, as far as the server offers them: reply, react, and edit or delete our own. */
function toolbar(item, own, features) {
  const action = (name, label, text) => el('button', {
    type: 'button', class: 'action', tabindex: '-1', title: label, 'aria-label': label, dataset: { action: name }, text,
  });
  const whose = own ? 'your message' : `${item.from}’s message`;
  const buttons = [
    features.includes('replies') ? action('reply', `Reply to ${whose}`, '↩') : null,
    features.includes('reactions') ? action('pick', `React to ${whose}`, '☺') : null,
    own && features.includes('edit') ? action('edit', 'Edit your message', '✎') : null,
    own && features.includes('delete') ? action('delete', 'Delete your message', '🗑') : null,
  ].filter(Boolean);
  return buttons.length === 0 ? null : el('div', { class: 'actions', role: 'toolbar', 'aria-label': `Actions on ${whose}` }, buttons);
}

/** A message's text cut short for a one-line preview (the composer's reply bar, the delete dialog). */
export function excerpt(item) {
  return item.text.length > QUOTE_CHARS ? `${item.text.slice(0, QUOTE_CHARS)}…` : item.text;
}
