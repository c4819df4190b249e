/**
 * Building the page safely. Every string a user wrote reaches the page only as a Text node (through
 * `textContent` or `append(string)`), never as markup: `innerHTML` is not used anywhere.
 */

/**
 * Creates an element. `props`: `class`, `text` (its text content), `dataset` (an object), `on…`
 * (event listeners); anything else becomes an attribute. Children are nodes or strings (as text).
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (key === 'class') {
      node.className = value;
    } else if (key === 'text') {
      node.textContent = value;
    } else if (key === 'dataset') {
      Object.assign(node.dataset, value);
    } else if (key.startsWith('on')) {
      node.addEventListener(key.slice(2), value);
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  return fill(node, ...children);
}

/** Appends children (nodes, or strings as text) to `node`, skipping null and undefined. */
function fill(node, ...children) {
  node.append(...children.flat().filter((child) => child !== null && child !== undefined));
  return node;
}

/** Replaces the children of `node`, as `el` builds them. */
export function setChildren(node, ...children) {
  node.replaceChildren();
  return fill(node, ...children);
}

export function byId(id) {
  return document.getElementById(id);
}

/**
 * Makes `button` show and hide a panel through the class `openClass` on `root`, telling assistive
 * technology with `aria-expanded`. Returns `set(open)` for closing it from elsewhere.
 */
export function disclosure(button, root, openClass) {
  const set = (open) => {
    root.classList.toggle(openClass, open);
    button.setAttribute('aria-expanded', String(open));
  };
  button.addEventListener('click', () => set(!root.classList.contains(openClass)));
  return set;
}

/**
 * Keeps `parent`'s children in step with `keys` (in order) without rebuilding the ones that stay,
 * so that focus and scroll survive updates: `create(key)` makes a missing child, `update(child, key)`
 * refreshes one. Children are found by their `data-key`.
 */
export function reconcile(parent, keys, create, update) {
  const existing = new Map([...parent.children].map((child) => [child.dataset.key, child]));
  const wanted = new Set(keys);
  existing.forEach((child, key) => {
    if (!wanted.has(key)) {
      child.remove();
    }
  });
  let previous = null;
  for (const key of keys) {
    let child = existing.get(key);
    if (!child) {
      child = create(key);
      child.dataset.key = key;
    }
    update(child, key);
    const expectedPlace = previous ? previous.nextElementSibling : parent.firstElementChild;
    if (child !== expectedPlace) {
      parent.insertBefore(child, expectedPlace);
    }
    previous = child;
  }
}

/** http(s) URLs in running text; trailing punctuation is left out of the link. */
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/;

/** `@nick` as the server finds mentions: after the start or a character no nick has; trailing `.` and `-` are not part of it. */
const MENTION_PATTERN = /(?<![A-Za-z0-9_.-])@([A-Za-z0-9_.-]*[A-Za-z0-9_])/g;

/**
 * A message's text as nodes: text as Text nodes, http(s) URLs as links that open in a new tab
 * only when clicked (no previews, no fetches), without passing on who linked them, and the
 * `@nick`s of `mentioned` (lower case) marked, those of `me` more so.
 */
export function richText(text, mentioned = [], me = null) {
  const fragment = document.createDocumentFragment();
  const plain = (from, to) => fragment.append(mentionText(text.slice(from, to), mentioned, me));
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const candidate = match[0].replace(TRAILING_PUNCTUATION, '');
    const url = safeUrl(candidate);
    if (!url) {
      continue;
    }
    plain(last, match.index);
    fragment.append(el('a', { href: url, target: '_blank', rel: 'noopener noreferrer nofollow', text: candidate }));
    last = match.index + candidate.length;
  }
  plain(last);
  return fragment;
}

function mentionText(text, mentioned, me) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(MENTION_PATTERN)) {
    const nick = match[1].toLowerCase();
    if (mentioned.includes(nick)) {
      fragment.append(text.slice(last, match.index),
        el('span', { class: nick === me?.toLowerCase() ? 'at at-me' : 'at', text: match[0] }));
      last = match.index + match[0].length;
    }
  }
  fragment.append(text.slice(last));
  return fragment;
}

function safeUrl(candidate) {
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch (e) {
    return null;
  }
}

const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const FULL = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });
const DAY = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

/** A `<time>` showing the local time of `ts`, with the full date on hover. */
export function timeElement(ts) {
  const date = new Date(ts);
  return el('time', { datetime: date.toISOString(), title: FULL.format(date), text: TIME.format(date) });
}

/** The local calendar day of `ts`, as a key and as words ("Today", "Yesterday", or the date). */
export function day(ts) {
  const date = new Date(ts);
  const key = dayKey(date);
  const today = new Date();
  if (key === dayKey(today)) {
    return { key, label: 'Today' };
  }
  if (key === dayKey(new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1))) {
    return { key, label: 'Yesterday' };
  }
  return { key, label: DAY.format(date) };
}

function dayKey(date) {
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

/** One of eight colour classes, the same for a nick everywhere. */
export function nickColour(nick) {
  let hash = 0;
  for (const char of nick.toLowerCase()) {
    hash = (hash * 31 + char.codePointAt(0)) >>> 0;
  }
  return `hue-${hash % 8}`;
}
