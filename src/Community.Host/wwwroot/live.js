import { $, api, BoundedList, connectHub, el, hubError, number, renderHeader, requireSession, showError, timeEl } from '/app.js';

const me = requireSession().user;
const liveId = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const via = new URLSearchParams(location.search).get('via');
renderHeader('Live room');
const fail = error => showError($('#error'), error);

let room = null;
let lastSeq = 0;
let hub = null;
const isHost = () => room?.hosts.includes(me);
const isModerator = () => isHost() || room?.moderators?.includes(me);

// A thousand messages at once: rendered a few hundred per frame, and only the newest 300 kept in the page.
const chat = new BoundedList($('#chat'), renderChat, { max: 300, perFrame: 150 });

function renderChat(m) {
  const when = room?.status === 'ended' && m.offsetSeconds !== undefined ? el('span', { class: 'meta' }, '+' + offset(m.offsetSeconds)) : timeEl(m.at);
  const text = m.removed ? el('div', { class: 'removed' }, 'removed by a moderator') : el('div', { class: 'text' }, m.text);
  const li = el('li', { dataset: { id: m.id } },
    el('span', { class: 'author' }, m.author), ' ',
    el('span', { class: 'badge', title: `came through ${m.via}'s audience` }, `via ${m.via}`), ' ',
    el('span', { class: 'meta' }, when), text);
  if (!m.removed && isModerator() && room?.status === 'live') {
    // On the author's line, so moderation adds no height to the chat.
    text.before(el('span', { class: 'msg-actions' },
      el('button', { type: 'button', class: 'link', 'aria-label': `Remove message of ${m.author}`, onclick: () => moderate({ action: 'remove', messageId: m.id }) }, 'Remove'),
      el('button', { type: 'button', class: 'link', 'aria-label': `Pin message of ${m.author}`, onclick: () => moderate({ action: 'pin', messageId: m.id }) }, 'Pin'),
      m.author !== me && !room.hosts.includes(m.author)
        ? [el('button', { type: 'button', class: 'link', 'aria-label': `Time out ${m.author} for 10 minutes`, onclick: () => moderate({ action: 'timeout', target: m.author, seconds: 600 }) }, 'Timeout'),
          el('button', { type: 'button', class: 'link', 'aria-label': `Ban ${m.author}`, onclick: () => moderate({ action: 'ban', target: m.author }) }, 'Ban')]
        : null));
  }
  return li;
}

function offset(seconds) {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return (h ? h + ':' + String(m).padStart(2, '0') : m) + ':' + String(r).padStart(2, '0');
}

function onChat(m) {
  if (m.liveId !== liveId || m.seq <= lastSeq) return;
  if (m.seq > lastSeq + 1 && lastSeq > 0) fillGap(lastSeq).catch(fail);
  lastSeq = m.seq;
  chat.add(m.id, m);
}

async function fillGap(after) {
  const page = await api('GET', `/api/livestreams/${liveId}/chat?afterSeq=${after}&limit=200`);
  for (const m of page.items) if (!chat.get(m.id)) chat.add(m.id, m);
}

function onRemoved(r) {
  if (r.liveId !== liveId) return;
  const li = chat.get(r.id);
  if (li) {
    li.querySelector('.text')?.replaceWith(el('div', { class: 'removed' }, 'removed by a moderator'));
    li.querySelector('.msg-actions')?.remove();
  }
  if (room?.pinned?.id === r.id) { room.pinned = null; showRoom(room); }
  if (isModerator()) refreshModerationSoon();
}

let moderationTimer = 0;
function refreshModerationSoon() {
  clearTimeout(moderationTimer);
  moderationTimer = setTimeout(() => loadModeration().catch(fail), 300);
}

function showRoom(r) {
  room = r;
  document.title = `Community · ${r.title}`;
  $('#room-title').textContent = r.title;
  $('#room-status').textContent = r.status;
  $('#room-status').className = 'badge ' + (r.status === 'live' ? 'ok' : r.status === 'ended' ? 'bad' : '');
  $('#slow-badge').hidden = !r.settings.slowModeSeconds;
  $('#slow-badge').textContent = `slow mode ${r.settings.slowModeSeconds} s`;
  $('#followers-badge').hidden = !r.settings.followersOnly;
  $('#followers-only').checked = r.settings.followersOnly;
  $('#slow-seconds').value = String(r.settings.slowModeSeconds);
  showViewers(r);
  const pinned = $('#pinned');
  pinned.hidden = !r.pinned;
  if (r.pinned) pinned.replaceChildren(el('strong', {}, 'Pinned: '), el('span', { class: 'author' }, r.pinned.author), ': ', r.pinned.text);
  $('#host-controls').hidden = !isHost() || r.status === 'ended';
  $('#start').hidden = r.status !== 'scheduled';
  $('#end').hidden = r.status !== 'live';
  $('#invited-controls').hidden = !(r.invited ?? []).includes(me) || isHost();
  $('#moderation').hidden = !isModerator();
  $('#chat-form').hidden = r.status !== 'live';
  $('#chat-note').textContent = r.status === 'ended' ? '(replay: times from the start)' : r.status === 'scheduled' ? '(opens when the stream goes live)' : '';
}

function showViewers(v) {
  $('#viewers').textContent = number(v.viewers);
  $('#peak').textContent = number(v.peakViewers);
  $('#chatters').textContent = number(v.uniqueChatters);
  const audience = v.audience ?? room?.hosts.map(h => ({ host: h, viewers: 0, chatters: 0 })) ?? [];
  $('#audience').replaceChildren(...audience.map(a => el('li', { class: 'badge' }, `${a.host}: ${number(a.viewers)} watching · ${number(a.chatters)} chatting`)));
}

async function moderate(action) {
  try {
    await hub.invoke('Moderate', liveId, { action: action.action, target: action.target ?? null, seconds: action.seconds ?? null,
      messageId: action.messageId ?? null, terms: action.terms ?? null, enabled: action.enabled ?? null });
    if (isModerator()) await loadModeration();
  } catch (error) { fail(hubError(error)); }
}

async function loadModeration() {
  const log = await api('GET', `/api/livestreams/${liveId}/moderation?afterSeq=0&limit=200`);
  $('#audit').replaceChildren(...log.items.slice(-50).reverse().map(r => el('li', {},
    el('span', { class: 'meta' }, timeEl(r.at)), ' ', el('span', { class: 'author' }, r.by), ' ', r.action,
    r.target ? ` ${r.target}` : '', r.seconds ? ` ${r.seconds} s` : '', r.messageId ? ` ${r.messageId}` : '',
    r.terms?.length ? ` “${r.terms.join('”, “')}”` : '')));
  $('#blocked-terms').replaceChildren(...(log.blockedTerms ?? []).map(t => el('li', { class: 'badge bad' }, t,
    el('button', { type: 'button', class: 'link', 'aria-label': `Unblock term ${t}`, onclick: () => moderate({ action: 'unblockTerms', terms: [t] }) }, '×'))));
}

$('#chat-form').addEventListener('submit', async e => {
  e.preventDefault();
  const input = $('#chat-text');
  try {
    const m = await hub.invoke('SendChat', liveId, input.value, crypto.randomUUID());
    input.value = '';
    onChat(m);
  } catch (error) { fail(hubError(error)); }
});

$('#start').addEventListener('click', async () => { try { showRoom(await api('POST', `/api/livestreams/${liveId}/start`)); } catch (error) { fail(error); } });
$('#end').addEventListener('click', async () => { try { showRoom(await api('POST', `/api/livestreams/${liveId}/end`)); } catch (error) { fail(error); } });
$('#accept').addEventListener('click', async () => {
  try { showRoom(await api('POST', `/api/livestreams/${liveId}/hosts/me`)); await hub.invoke('JoinLive', liveId, null, lastSeq); } catch (error) { fail(error); }
});
$('#invite-form').addEventListener('submit', async e => {
  e.preventDefault();
  try { await api('POST', `/api/livestreams/${liveId}/invites`, { handle: $('#invite-handle').value.trim() }); $('#invite-handle').value = ''; showRoom(await api('GET', `/api/livestreams/${liveId}`)); } catch (error) { fail(error); }
});
$('#slow-form').addEventListener('submit', e => { e.preventDefault(); moderate({ action: 'slowMode', seconds: Number($('#slow-seconds').value) }); });
$('#followers-only').addEventListener('change', e => moderate({ action: 'followersOnly', enabled: e.target.checked }));
$('#terms-form').addEventListener('submit', e => {
  e.preventDefault();
  moderate({ action: 'blockTerms', terms: $('#terms').value.split(',').map(t => t.trim()).filter(Boolean) });
  $('#terms').value = '';
});
$('#user-form').addEventListener('submit', e => {
  e.preventDefault();
  const action = e.submitter?.value ?? 'timeout';
  moderate({ action, target: $('#mod-target').value.trim(), seconds: action === 'timeout' ? 600 : null });
});

const { connection, start } = connectHub({
  ChatReceived: onChat,
  ChatRemoved: onRemoved,
  LiveUpdated: r => { if (r.liveId === liveId) { showRoom(r); if (isModerator()) refreshModerationSoon(); } },
  ViewersUpdated: v => { if (v.liveId === liveId) showViewers(v); },
  InviteReceived: i => { if (i.liveId === liveId) api('GET', `/api/livestreams/${liveId}`).then(showRoom, fail); },
}, async c => {
  const joined = await c.invoke('JoinLive', liveId, via, lastSeq);
  showRoom(joined.live);
  for (const m of joined.missed) onChat(m);
  let more = joined.hasMore;
  while (more) {
    const page = await api('GET', `/api/livestreams/${liveId}/chat?afterSeq=${lastSeq}&limit=200`);
    for (const m of page.items) onChat(m);
    more = page.items.length === 200;
  }
  document.body.dataset.via = joined.via ?? '';
  if (isModerator()) await loadModeration();
}, $('#status'));
hub = connection;

try {
  await start();
} catch (error) {
  fail(hubError(error));
}
document.body.dataset.ready = 'true';
