// Shared by every page: the signed-in user, REST calls with problem details, the one hub connection of a page,
// local times, and a bounded, incrementally rendered list for streams that can burst.

const TOKEN_KEY = 'community.token';
const USER_KEY = 'community.user';

export function session() {
  const token = localStorage.getItem(TOKEN_KEY);
  const user = localStorage.getItem(USER_KEY);
  return token && user ? { token, user } : null;
}

export function saveSession(user, token) {
  localStorage.setItem(TOKEN_KEY, token);
  localStorage.setItem(USER_KEY, user);
}

export function signOut() {
  localStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(USER_KEY);
  location.href = '/';
}

/** The session, or a trip to the sign-in page that comes back here. */
export function requireSession() {
  const s = session();
  if (!s) {
    location.replace('/?next=' + encodeURIComponent(location.pathname + location.search));
    throw new Error('not signed in');
  }
  return s;
}

/** An error a person can read: the status and the server's own words (problem details `detail`). */
export class ApiError extends Error {
  constructor(status, title, detail) {
    super(`${status} ${title}${detail ? ': ' + detail : ''}`);
    this.status = status;
    this.detail = detail;
  }
}

export async function api(method, path, body) {
  const s = session();
  const headers = { accept: 'application/json' };
  if (s) headers.authorization = 'Bearer ' + s.token;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const data = text ? safeJson(text) : null;
  if (!response.ok) {
    if (response.status === 401 && s) {
      throw new ApiError(401, 'Not signed in', 'Your token was refused (expired?). Sign in again.');
    }
    throw new ApiError(response.status, data?.title ?? response.statusText, data?.detail ?? (typeof data === 'string' ? data : ''));
  }
  return data;
}

function safeJson(text) {
  try { return JSON.parse(text); } catch { return text; }
}

/** Turns a hub failure ("… HubException: 403 Not allowed: …") into the same words as an HTTP error. */
export function hubError(error) {
  const message = String(error?.message ?? error);
  const at = message.indexOf('HubException: ');
  const words = at >= 0 ? message.slice(at + 'HubException: '.length) : message;
  const status = Number.parseInt(words, 10);
  const e = new Error(words);
  e.status = Number.isNaN(status) ? 0 : status;
  return e;
}

/**
 * The page's one live connection. `onReady(connection)` runs after every (re)connect, so the page
 * re-subscribes with `afterSeq` (group membership is not kept across reconnects).
 */
export function connectHub(handlers, onReady, statusElement) {
  const s = requireSession();
  if (typeof signalR === 'undefined') {
    throw new Error('The SignalR browser client is missing from /lib: run `npm ci` at the repository root and rebuild.');
  }
  const connection = new signalR.HubConnectionBuilder()
    .withUrl('/hubs/community', { accessTokenFactory: () => s.token })
    .withAutomaticReconnect([0, 1000, 2000, 5000, 10000, 10000])
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  for (const [name, handler] of Object.entries(handlers)) connection.on(name, handler);
  const show = (text, cls) => {
    if (!statusElement) return;
    statusElement.textContent = text;
    statusElement.className = 'status-line ' + (cls ?? 'muted');
  };
  connection.onreconnecting(() => show('Reconnecting…', 'error'));
  connection.onreconnected(async () => { show('Live', 'muted'); await onReady(connection); });
  connection.onclose(() => show('Disconnected: reload the page to reconnect.', 'error'));
  const start = async () => {
    show('Connecting…');
    await connection.start();
    show('Live');
    await onReady(connection);
  };
  return { connection, start };
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A <time> in the viewer's own time zone, with the exact instant as its datetime. */
export function timeEl(iso, withDate) {
  const t = document.createElement('time');
  if (!iso) return t;
  const d = new Date(iso);
  t.dateTime = d.toISOString();
  t.textContent = withDate ? dateTimeFormat.format(d) : timeFormat.format(d);
  t.title = dateTimeFormat.format(d);
  return t;
}

export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export const $ = (selector, root) => (root ?? document).querySelector(selector);

export function percent(rate, digits = 1) {
  return rate === null || rate === undefined ? '–' : (rate * 100).toFixed(digits) + ' %';
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds < 60) return Math.round(seconds) + ' s';
  if (seconds < 3600) return Math.round(seconds / 60) + ' min';
  return (seconds / 3600).toFixed(1) + ' h';
}

export function number(n, digits = 0) {
  return n === null || n === undefined ? '–' : Number(n).toLocaleString(undefined, { maximumFractionDigits: digits });
}

/**
 * A list fed by a stream: items are queued and rendered once per animation frame (at most `perFrame` at a time),
 * and only the newest `max` stay in the DOM, so a burst of a thousand messages neither freezes the page nor grows
 * it without bound. Keeps the view pinned to the newest item unless the reader scrolled up.
 */
export class BoundedList {
  constructor(ul, render, { max = 300, perFrame = 200, newestFirst = false } = {}) {
    this.ul = ul; this.render = render; this.max = max; this.perFrame = perFrame; this.newestFirst = newestFirst;
    this.queue = []; this.scheduled = false; this.byKey = new Map();
  }

  add(key, item) {
    this.queue.push([key, item]);
    if (!this.scheduled) {
      this.scheduled = true;
      requestAnimationFrame(() => this.flush());
    }
  }

  get(key) { return this.byKey.get(key); }

  remove(key) {
    const li = this.byKey.get(key);
    if (li) { li.remove(); this.byKey.delete(key); }
    this.queue = this.queue.filter(([k]) => k !== key);
  }

  replace(key, item) {
    const old = this.byKey.get(key);
    if (!old) return false;
    const li = this.render(item);
    old.replaceWith(li);
    this.byKey.set(key, li);
    return true;
  }

  clear() { this.ul.replaceChildren(); this.byKey.clear(); this.queue = []; }

  flush() {
    this.scheduled = false;
    const atEnd = this.newestFirst
      ? this.ul.scrollTop < 8
      : this.ul.scrollHeight - this.ul.scrollTop - this.ul.clientHeight < 24;
    const batch = this.queue.splice(0, this.perFrame);
    const fragment = document.createDocumentFragment();
    const added = [];
    for (const [key, item] of batch) {
      if (this.byKey.has(key)) { this.replace(key, item); continue; }
      const li = this.render(item);
      li.dataset.key = key;
      this.byKey.set(key, li);
      added.push(li);
    }
    if (this.newestFirst) { added.reverse(); fragment.append(...added); this.ul.prepend(fragment); }
    else { fragment.append(...added); this.ul.append(fragment); }
    while (this.byKey.size > this.max) {
      const oldest = this.newestFirst ? this.ul.lastElementChild : this.ul.firstElementChild;
      if (!oldest) break;
      this.byKey.delete(oldest.dataset.key);
      oldest.remove();
    }
    if (atEnd && !this.newestFirst) this.ul.scrollTop = this.ul.scrollHeight;
    if (this.queue.length) { this.scheduled = true; requestAnimationFrame(() => this.flush()); }
  }
}

/** The header every page shows: the pages, who is signed in, sign out. */
export function renderHeader(title) {
  const s = session();
  const header = el('header', { class: 'top' },
    el('h1', {}, title),
    el('nav', { 'aria-label': 'Pages' },
      el('a', { href: '/' }, 'Home'),
      el('a', { href: '/console' }, 'Creator console')),
    el('span', { class: 'who' }, s ? ['Signed in as ', el('strong', {}, s.user), ' '] : 'Not signed in',
      s ? el('button', { class: 'link', type: 'button', onclick: signOut }, 'Sign out') : null));
  document.body.prepend(header);
}

/** Shows an error in an element (role=alert) and logs it. */
export function showError(target, error) {
  console.warn(error);
  target.textContent = error?.message ?? String(error);
}
