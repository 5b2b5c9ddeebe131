import { $, api, connectHub, duration, el, hubError, number, percent, renderHeader, requireSession, showError, timeEl } from '/app.js';

const me = requireSession().user;
const campaignId = decodeURIComponent(location.pathname.split('/')[2] ?? '');
renderHeader('Brand dashboard');
const fail = error => showError($('#error'), error);

let latestAt = '';

function show(s) {
  // Pushes and call results can cross: keep the newest snapshot.
  if (s.at < latestAt) return;
  latestAt = s.at;
  document.title = `Community · ${s.name}`;
  $('#campaign-title').textContent = s.name;
  $('#campaign-owner').textContent = `by ${s.owner}`;
  for (const id of ['dashboard', 'chart-card', 'heat-card', 'rate-card', 'team-card']) $('#' + id).hidden = false;
  $('#t-interactions').textContent = number(s.interactions);
  $('#t-likes').textContent = number(s.totals.likes);
  $('#t-comments').textContent = number(s.totals.comments);
  $('#t-shares').textContent = number(s.totals.shares);
  $('#t-saves').textContent = number(s.totals.saves);
  $('#t-views').textContent = number(s.totals.views);
  $('#t-rate').textContent = percent(s.engagementRate, 2);
  $('#t-heat').textContent = number(s.heat, 1);
  $('#t-cpe').textContent = s.costPerEngagement === null ? '–' : Number(s.costPerEngagement).toLocaleString(undefined, { style: 'currency', currency: 'USD', maximumFractionDigits: 4 });
  $('#t-posts').textContent = number(s.posts);
  $('#updated-at').replaceChildren(timeEl(s.at));
  chart(s.series);
  leaderboard($('#by-heat'), s.leaderboard.byHeat, 'heat');
  leaderboard($('#by-rate'), s.leaderboard.byEngagementRate, 'rate');
  $('#creators').textContent = s.creators.join(', ') || 'none yet';
  $('#members').textContent = [s.owner + ' (owner)', ...s.members].join(', ');
  $('#owner-forms').hidden = s.owner !== me;
}

function leaderboard(table, entries, by) {
  const caption = el('caption', { class: 'sr-only' }, by === 'heat' ? 'Creators by heat' : 'Creators by engagement rate');
  const head = el('thead', {}, el('tr', {},
    ['#', 'Creator', 'Heat', 'Engagement rate', 'Interactions', 'Followers', 'Reply rate', 'Median reply'].map(h => el('th', { scope: 'col', class: h === 'Creator' ? 'name' : null }, h))));
  const body = el('tbody', {}, entries.map((e, i) => el('tr', {},
    el('td', {}, String(i + 1)),
    el('th', { scope: 'row', class: 'name' }, e.handle),
    el('td', {}, number(e.heat, 1)),
    el('td', {}, percent(e.engagementRate, 2)),
    el('td', {}, number(e.interactions)),
    el('td', {}, number(e.followers)),
    el('td', {}, percent(e.responsiveness?.replyRate, 0)),
    el('td', {}, duration(e.responsiveness?.medianResponseSeconds)))));
  table.replaceChildren(caption, head, body);
}

/** The per-minute series as bars (SVG, drawn from the snapshot; times in the viewer's zone), with a text summary. */
function chart(series) {
  // Drawn at the element's own width, so text is not stretched; redrawn with every snapshot.
  const width = Math.max(280, Math.round($('#chart').clientWidth || 600)), height = 170, pad = 24;
  const max = Math.max(1, ...series.map(m => m.interactions));
  const w = (width - pad) / Math.max(1, series.length);
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  const total = series.reduce((a, m) => a + m.interactions, 0);
  const last = series.at(-1);
  svg.setAttribute('aria-label', `${total} interactions in the last hour; ${last?.interactions ?? 0} in the current minute; the busiest minute had ${max === 1 && total === 0 ? 0 : max}.`);
  const ns = 'http://www.w3.org/2000/svg';
  const line = document.createElementNS(ns, 'line');
  Object.entries({ x1: pad, y1: height - pad, x2: width, y2: height - pad, class: 'axis' }).forEach(([k, v]) => line.setAttribute(k, v));
  svg.append(line);
  series.forEach((m, i) => {
    const h = (m.interactions / max) * (height - 2 * pad);
    const rect = document.createElementNS(ns, 'rect');
    Object.entries({ x: pad + i * w + 1, y: height - pad - h, width: Math.max(1, w - 2), height: h, class: 'bar' }).forEach(([k, v]) => rect.setAttribute(k, v));
    const title = document.createElementNS(ns, 'title');
    title.textContent = `${new Date(m.at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}: ${m.interactions}`;
    rect.append(title);
    svg.append(rect);
  });
  const label = (text, x, y, anchor) => {
    const t = document.createElementNS(ns, 'text');
    Object.entries({ x, y, 'text-anchor': anchor }).forEach(([k, v]) => t.setAttribute(k, v));
    t.textContent = text;
    svg.append(t);
  };
  label(String(max), pad - 4, pad, 'end');
  label('0', pad - 4, height - pad, 'end');
  if (series.length) {
    const fmt = iso => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    label(fmt(series[0].at), pad, height - 6, 'start');
    label(fmt(series.at(-1).at), width, height - 6, 'end');
  }
  $('#chart').replaceChildren(svg);
}

async function addTo(kind, input) {
  try {
    show(await api('POST', `/api/campaigns/${campaignId}/${kind}`, { handle: input.value.trim() }));
    input.value = '';
  } catch (error) { fail(error); }
}
$('#creator-form').addEventListener('submit', e => { e.preventDefault(); addTo('creators', $('#creator-handle')); });
$('#member-form').addEventListener('submit', e => { e.preventDefault(); addTo('members', $('#member-handle')); });

const { connection, start } = connectHub({
  CampaignUpdated: s => { if (s.campaignId === campaignId) show(s); },
}, async c => {
  show(await c.invoke('WatchCampaign', campaignId));
}, $('#status'));

try {
  await start();
} catch (error) {
  const e = hubError(error);
  fail(e.status === 403
    ? new Error(`${e.message} You are signed in as ${me}.`)
    : e);
  // Nothing to watch: close the connection rather than leave a dead page connected.
  await connection.stop();
  $('#status').textContent = '';
}
document.body.dataset.ready = 'true';
