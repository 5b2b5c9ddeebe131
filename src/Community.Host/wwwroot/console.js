import { $, api, ApiError, BoundedList, connectHub, duration, el, hubError, number, percent, renderHeader, requireSession, showError, timeEl } from '/app.js';

const me = requireSession().user;
renderHeader('Creator console');
const errorBox = $('#error');
const fail = error => showError(errorBox, error);

// ---- posts: the ones published here (remembered per user in this browser) and the ones fans comment on ----
const knownKey = `community.posts.${me}`;
const posts = new Map(); // postId -> { post, lastSeq, feed, counters elements }
let hub = null;

function remember(postId) {
  const ids = JSON.parse(localStorage.getItem(knownKey) ?? '[]').filter(id => id !== postId);
  ids.unshift(postId);
  localStorage.setItem(knownKey, JSON.stringify(ids.slice(0, 20)));
}

async function addPost(postId, { subscribe = true } = {}) {
  if (posts.has(postId)) return posts.get(postId);
  let post;
  try {
    post = await api('GET', `/api/posts/${encodeURIComponent(postId)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
  if (post.creator !== me) return null;
  const counters = el('p', { class: 'counters' });
  const ul = el('ul', { class: 'feed comments', 'aria-label': 'Comments', 'aria-live': 'polite' });
  const entry = { post, lastSeq: 0, counters, feed: new BoundedList(ul, c => renderComment(postId, c), { max: 100 }) };
  posts.set(postId, entry);
  const article = el('article', { class: 'post', 'aria-label': 'Post', dataset: { postId } },
    el('p', {}, post.text),
    el('p', { class: 'meta' }, timeEl(post.at, true), post.campaignId ? [' · campaign ', el('code', {}, post.campaignId)] : null),
    counters, ul);
  $('#posts').prepend(article);
  $('#posts-empty').hidden = true;
  showCounters(entry, post);
  if (subscribe && hub?.state === 'Connected') await subscribePost(entry);
  return entry;
}

function showCounters(entry, c) {
  entry.counters.replaceChildren(
    el('span', {}, `${number(c.likes)} likes`), el('span', {}, `${number(c.comments)} comments`),
    el('span', {}, `${number(c.shares)} shares`), el('span', {}, `${number(c.saves)} saves`));
}

async function subscribePost(entry) {
  const postId = entry.post.postId;
  const result = await hub.invoke('SubscribePost', postId, entry.lastSeq);
  for (const c of result.missed) onComment(c);
}

function onComment(comment) {
  const entry = posts.get(comment.postId);
  if (!entry) { addPost(comment.postId).catch(fail); return; }
  if (comment.seq <= entry.lastSeq) return;
  entry.lastSeq = comment.seq;
  entry.feed.add(comment.id, comment);
}

function renderComment(postId, c) {
  const li = el('li', {},
    el('span', { class: 'author' }, c.author), c.byCreator ? [' ', el('span', { class: 'badge ok' }, 'you')] : null,
    c.replyTo ? el('span', { class: 'meta' }, ' ↳ reply') : null, ' ',
    el('span', { class: 'meta' }, timeEl(c.at)), el('div', {}, c.text));
  if (!c.byCreator) li.append(replyControl(postId, c));
  return li;
}

/** "Reply" opens a one-line form in place; the answer is a creator reply in the comment's thread. */
function replyControl(postId, comment) {
  const wrap = el('div', {});
  const button = el('button', { type: 'button', class: 'link', 'aria-label': `Reply to ${comment.author}` }, 'Reply');
  button.addEventListener('click', () => {
    const input = el('input', { required: true, maxlength: 2000, 'aria-label': `Your reply to ${comment.author}` });
    const form = el('form', { class: 'row' }, input, el('button', { type: 'submit' }, 'Send reply'),
      el('button', { type: 'button', class: 'secondary', onclick: () => form.replaceWith(button) }, 'Cancel'));
    form.addEventListener('submit', async e => {
      e.preventDefault();
      form.querySelectorAll('button').forEach(b => { b.disabled = true; });
      try {
        await api('POST', `/api/posts/${encodeURIComponent(postId)}/comments`,
          { text: input.value, replyTo: comment.id, clientId: crypto.randomUUID() });
        form.replaceWith(el('span', { class: 'meta' }, 'Answered ✓'));
      } catch (error) {
        fail(error);
        form.querySelectorAll('button').forEach(b => { b.disabled = false; });
      }
    });
    button.replaceWith(form);
    input.focus();
  });
  wrap.append(button);
  return wrap;
}

$('#publish-form').addEventListener('submit', async e => {
  e.preventDefault();
  const text = $('#post-text').value;
  const campaignId = $('#post-campaign').value.trim() || undefined;
  try {
    const post = await api('POST', `/api/creators/${me}/posts`, { text, campaignId });
    remember(post.postId);
    $('#post-text').value = '';
    await addPost(post.postId);
  } catch (error) { fail(error); }
});

// ---- profile, scores and responsiveness ----
async function loadProfile() {
  try {
    const creator = await api('GET', `/api/creators/${me}`);
    $('#profile-form').hidden = true;
    $('#me-name').textContent = `${creator.displayName} (@${creator.handle})`;
    $('#me-tier').textContent = creator.tier;
    $('#s-followers').textContent = number(creator.followers);
    showEngagement(creator.engagement);
    const r = creator.engagement?.responsiveness;
    if (r) {
      $('#s-reply-rate').textContent = percent(r.replyRate, 0);
      $('#s-median').textContent = duration(r.medianResponseSeconds);
      $('#s-p90').textContent = duration(r.p90ResponseSeconds);
    }
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      $('#profile-form').hidden = false;
      $('#me-name').textContent = `@${me}`;
      return false;
    }
    throw error;
  }
}

function showEngagement(e) {
  if (!e) return;
  $('#s-rate').textContent = percent(e.engagementRate, 2);
  if (e.heat !== undefined) $('#s-heat').textContent = number(e.heat, 1);
}

let profileTimer = 0;
function refreshProfileSoon() {
  clearTimeout(profileTimer);
  profileTimer = setTimeout(() => loadProfile().catch(fail), 500);
}

$('#profile-form').addEventListener('submit', async e => {
  e.preventDefault();
  try {
    const niches = $('#niches').value.split(',').map(s => s.trim()).filter(Boolean);
    await api('PUT', `/api/creators/${me}`, { displayName: $('#display-name').value, niches });
    await loadProfile();
    if (hub?.state === 'Connected') await hub.invoke('WatchCreator', me);
  } catch (error) { fail(error); }
});

// ---- reply queue ----
const queue = new BoundedList($('#queue'), renderQueued, { max: 200 });

function renderQueued(c) {
  return el('li', {},
    el('span', { class: 'author' }, c.author), ' ', el('span', { class: 'meta' }, timeEl(c.at)),
    el('div', {}, c.text), replyControl(c.postId, c));
}

function setQueueTotal(total) {
  $('#queue-total').textContent = String(total);
  $('#s-waiting').textContent = number(total);
  $('#queue-empty').hidden = total > 0;
}

async function loadQueue() {
  const { items, total } = await api('GET', `/api/creators/${me}/unanswered?limit=200`);
  queue.clear();
  for (const c of items) queue.add(c.id, c);
  setQueueTotal(total);
  for (const postId of new Set(items.map(c => c.postId))) await addPost(postId);
}

function onUnansweredChanged(change) {
  for (const id of change.removed ?? []) queue.remove(id);
  for (const c of change.added ?? []) {
    queue.add(c.id, c);
    if (!posts.has(c.postId)) addPost(c.postId).catch(fail);
  }
  setQueueTotal(change.total);
  refreshProfileSoon();
}

// ---- inbox and one open conversation ----
let openConversation = null; // { id, with, lastSeq, feed }
let typingTimer = 0;
let lastTypingSent = 0;

async function loadInbox() {
  const { items, unread } = await api('GET', '/api/conversations?limit=50');
  $('#inbox-unread').textContent = `${unread} unread`;
  $('#s-unread').textContent = number(unread);
  $('#inbox').replaceChildren(...items.map(i => el('li', {},
    el('button', { type: 'button', onclick: () => openConv(i.conversationId, i.with).catch(fail),
      'aria-label': `Conversation with ${i.with}, ${i.unread} unread` },
      el('span', { class: 'author' }, i.with),
      el('span', { class: 'grow muted' }, i.lastMessage?.text ?? ''),
      i.unread > 0 ? el('span', { class: 'badge' }, String(i.unread)) : null,
      el('span', { class: 'meta' }, timeEl(i.lastAt))))));
}

let inboxTimer = 0;
function refreshInboxSoon() {
  clearTimeout(inboxTimer);
  inboxTimer = setTimeout(() => loadInbox().catch(fail), 300);
}

function renderMessage(m) {
  return el('li', {}, el('span', { class: 'author' }, m.author), ' ', el('span', { class: 'meta' }, timeEl(m.at)),
    el('span', { class: 'meta receipt', dataset: { seq: m.seq } }), el('div', {}, m.text));
}

function showReceipts(withReadSeq) {
  if (!openConversation) return;
  openConversation.withReadSeq = Math.max(openConversation.withReadSeq ?? 0, withReadSeq ?? 0);
  for (const span of $('#messages').querySelectorAll('.receipt')) {
    const li = span.closest('li');
    const mine = li.querySelector('.author').textContent === me;
    span.textContent = mine && Number(span.dataset.seq) <= openConversation.withReadSeq ? ' · read' : '';
  }
}

async function openConv(id, other) {
  const feed = new BoundedList($('#messages'), renderMessage, { max: 200 });
  feed.clear();
  openConversation = { id, with: other, lastSeq: 0, feed, withReadSeq: 0 };
  $('#conversation').hidden = false;
  $('#conv-title').textContent = `With ${other}`;
  $('#typing').textContent = '';
  const first = await api('GET', `/api/conversations/${encodeURIComponent(id)}/messages?afterSeq=0&limit=1`);
  const from = Math.max(0, first.lastSeq - 50);
  const page = await api('GET', `/api/conversations/${encodeURIComponent(id)}/messages?afterSeq=${from}&limit=50`);
  for (const m of page.items) appendMessage(m);
  feed.flush();
  showReceipts(page.withReadSeq);
  await markRead();
  $('#message-text').focus();
}

function appendMessage(m) {
  if (!openConversation || m.conversationId !== openConversation.id || m.seq <= openConversation.lastSeq) return;
  openConversation.lastSeq = m.seq;
  openConversation.feed.add(m.id, m);
  requestAnimationFrame(() => showReceipts(openConversation?.withReadSeq));
}

async function markRead() {
  if (!openConversation || openConversation.lastSeq === 0 || hub?.state !== 'Connected') return;
  await hub.invoke('MarkRead', openConversation.id, openConversation.lastSeq);
  refreshInboxSoon();
}

$('#open-form').addEventListener('submit', async e => {
  e.preventDefault();
  try {
    const c = await api('POST', '/api/conversations', { with: $('#open-with').value.trim() });
    $('#open-with').value = '';
    await openConv(c.conversationId, c.with);
  } catch (error) { fail(error); }
});

$('#message-form').addEventListener('submit', async e => {
  e.preventDefault();
  if (!openConversation) return;
  try {
    const m = await hub.invoke('SendMessage', openConversation.id, $('#message-text').value, crypto.randomUUID());
    $('#message-text').value = '';
    appendMessage(m);
  } catch (error) { fail(hubError(error)); }
});

$('#message-text').addEventListener('input', () => {
  const now = Date.now();
  if (!openConversation || now - lastTypingSent < 2500 || hub?.state !== 'Connected') return;
  lastTypingSent = now;
  hub.invoke('Typing', openConversation.id).catch(() => { /* a typing notice is best effort */ });
});

function onMessageReceived(m) {
  appendMessage(m);
  if (openConversation?.id === m.conversationId) {
    if (m.author !== me) $('#typing').textContent = '';
    if (document.visibilityState === 'visible') markRead().catch(fail);
  }
  refreshInboxSoon();
}

function onTyping(t) {
  if (t.user === me || openConversation?.id !== t.conversationId) return;
  $('#typing').textContent = `${t.user} is typing…`;
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => { $('#typing').textContent = ''; }, Math.max(0, new Date(t.expiresAt) - Date.now()));
}

function onMessagesRead(r) {
  if (openConversation?.id === r.conversationId && r.reader !== me) showReceipts(r.seq);
  refreshInboxSoon();
}

// ---- who may write, blocks ----
async function loadSettings() {
  const { policy } = await api('GET', `/api/creators/${me}/dm-policy`);
  $('#policy').value = policy;
  const { items } = await api('GET', `/api/creators/${me}/blocked`);
  $('#blocked').replaceChildren(...items.map(u => el('li', { class: 'row' }, u,
    el('button', { type: 'button', class: 'link', 'aria-label': `Unblock ${u}`, onclick: () => unblock(u) }, 'Unblock'))));
  if (!items.length) $('#blocked').append(el('li', { class: 'muted small' }, 'Nobody.'));
}

async function unblock(user) {
  try { await api('DELETE', `/api/creators/${me}/blocked/${user}`); await loadSettings(); } catch (error) { fail(error); }
}

$('#policy-form').addEventListener('submit', async e => {
  e.preventDefault();
  try {
    await api('PUT', `/api/creators/${me}/dm-policy`, { policy: $('#policy').value });
    $('#policy-saved').textContent = 'Saved.';
  } catch (error) { fail(error); }
});

$('#block-form').addEventListener('submit', async e => {
  e.preventDefault();
  try {
    await api('PUT', `/api/creators/${me}/blocked/${$('#block-user').value.trim()}`);
    $('#block-user').value = '';
    await loadSettings();
  } catch (error) { fail(error); }
});

// ---- live rooms and invites ----
$('#live-form').addEventListener('submit', async e => {
  e.preventDefault();
  try {
    const room = await api('POST', '/api/livestreams', { title: $('#live-title-input').value });
    location.href = `/live/${room.liveId}`;
  } catch (error) { fail(error); }
});

function onInvite(invite) {
  const list = $('#invites');
  list.querySelector('.muted')?.remove();
  const accept = el('button', { type: 'button' }, 'Accept and open');
  accept.addEventListener('click', async () => {
    try {
      await api('POST', `/api/livestreams/${invite.liveId}/hosts/me`);
      location.href = `/live/${invite.liveId}`;
    } catch (error) { fail(error); }
  });
  list.prepend(el('li', { class: 'row' }, `${invite.invitedBy} invites you to co-host “${invite.title}”`, accept));
}

// ---- the page's one connection ----
const { connection, start } = connectHub({
  CommentAdded: onComment,
  ReactionAdded: r => { const entry = posts.get(r.postId); if (entry) showCounters(entry, r.counters); },
  EngagementUpdated: s => {
    if (s.subject === 'creator' && s.id === me) { showEngagement(s); $('#s-followers').textContent = number(s.followers); }
    else if (s.subject === 'post' && posts.has(s.id)) showCounters(posts.get(s.id), s.totals);
  },
  UnansweredChanged: onUnansweredChanged,
  MessageReceived: onMessageReceived,
  MessagesRead: onMessagesRead,
  Typing: onTyping,
  InviteReceived: onInvite,
}, async c => {
  const isCreator = await loadProfile();
  if (isCreator) await c.invoke('WatchCreator', me).catch(error => fail(hubError(error)));
  for (const entry of posts.values()) await subscribePost(entry);
}, $('#status'));
hub = connection;

try {
  await start();
  for (const id of JSON.parse(localStorage.getItem(knownKey) ?? '[]')) await addPost(id);
  if (!$('#profile-form').hidden) {
    $('#display-name').focus();
  } else {
    await Promise.all([loadQueue(), loadInbox(), loadSettings()]);
  }
  if (!$('#profile-form').hidden) await loadInbox();
} catch (error) {
  fail(error instanceof Error && error.message.includes('HubException') ? hubError(error) : error);
}
document.body.dataset.ready = 'true';
