// The demo audience of `bash scripts/run.sh --demo`: seeds two creators, a brand's campaign and a co-hosted live
// room through the public API, prints the pages to open, then drives a gentle simulated audience (fans commenting,
// reacting, messaging and chatting; the creators answering now and then) until stopped. Node 20, no packages.
//
//   node scripts/demo.mjs http://127.0.0.1:5080 [actions per second, default 2]

const base = (process.argv[2] ?? 'http://127.0.0.1:5080').replace(/\/$/, '');
const rate = Number(process.argv[3] ?? 2);
const creators = ['maya', 'leo'];
const brand = 'acme';
const fans = ['ana', 'ben', 'cai', 'dee', 'eli', 'fay', 'gus', 'hal', 'ida', 'jon', 'kim', 'lou'];
const tokens = new Map();

const sleep = ms => new Promise(r => setTimeout(r, ms));
const pick = items => items[Math.floor(Math.random() * items.length)];

async function call(user, method, path, body) {
  const headers = { 'content-type': 'application/json' };
  if (user) headers.authorization = `Bearer ${tokens.get(user)}`;
  const response = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = new Error(`${method} ${path} as ${user}: ${response.status} ${data?.detail ?? data?.title ?? ''}`);
    error.status = response.status;
    throw error;
  }
  return data;
}

async function waitReady() {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(base + '/health/ready')).ok) return;
    } catch { /* not listening yet */ }
    await sleep(500);
  }
  throw new Error(`${base} did not become ready in 2 minutes`);
}

async function signIn(user) {
  const { token } = await call(null, 'POST', '/api/dev/token', { user });
  tokens.set(user, token);
}

const lines = {
  comments: ['This looks amazing!', 'Recipe please 🙏', 'Where did you buy that?', 'Trying this tonight', 'How long does it take?',
    'My kids loved it', 'Can I swap the butter?', 'Best one yet', 'What pan is that?', 'Saving this for the weekend'],
  replies: ['Thank you!', 'Recipe is in the bio', 'About 40 minutes', 'Yes, olive oil works too', 'Glad you liked it!'],
  chat: ['hi from Lisbon!', 'first time here', 'that smells good through the screen', 'more garlic!', 'what knife is that?',
    'love this collab', 'hello both!', 'can you show the plating?', 'the sauce 😍', 'greetings from Porto'],
  messages: ['Hi! Would love a shout-out', 'Your last video helped a lot', 'Do you do collabs?', 'Quick question about the recipe'],
};

async function seed() {
  await Promise.all([...creators, brand, ...fans].map(signIn));
  await call('maya', 'PUT', '/api/creators/maya', { displayName: 'Maya Costa', niches: ['food', 'travel'], bio: 'Home cooking, small kitchens.' });
  await call('leo', 'PUT', '/api/creators/leo', { displayName: 'Leo Park', niches: ['food'], bio: 'Street food explorer.' });
  for (const fan of fans) {
    for (const creator of creators) await call(fan, 'PUT', `/api/creators/${creator}/followers/me`);
  }
  const campaign = await call(brand, 'POST', '/api/campaigns', { name: 'Spring menu launch', creators, budget: 500 });
  const posts = [];
  for (const [creator, text] of [['maya', 'Spring risotto with peas and mint'], ['maya', 'Five-minute lemon pasta'],
    ['leo', 'Night-market skewers at home']]) {
    posts.push(await call(creator, 'POST', `/api/creators/${creator}/posts`, { text, campaignId: campaign.campaignId }));
  }
  posts.push(await call('leo', 'POST', '/api/creators/leo/posts', { text: 'Behind the scenes: my spice shelf' }));
  const live = await call('maya', 'POST', '/api/livestreams', { title: 'Cooking together: spring menu' });
  await call('maya', 'POST', `/api/livestreams/${live.liveId}/invites`, { handle: 'leo' });
  await call('leo', 'POST', `/api/livestreams/${live.liveId}/hosts/me`);
  await call('maya', 'POST', `/api/livestreams/${live.liveId}/start`);
  return { campaignId: campaign.campaignId, postIds: posts.map(p => p.postId), liveId: live.liveId };
}

function printPages({ campaignId, liveId }) {
  const as = (user, next) => `${base}/?as=${user}&next=${encodeURIComponent(next)}`;
  console.log(`
demo: seeded. Open these pages (one signed-in user per browser profile: use a private window for a second one):
  creator console (maya):  ${as('maya', '/console')}
  live room as maya:       ${as('maya', `/live/${liveId}`)}
  live room as leo:        ${as('leo', `/live/${liveId}`)}
  live room as a viewer:   ${as('ana', `/live/${liveId}?via=leo`)}
  brand dashboard (acme):  ${as('acme', `/campaigns/${campaignId}`)}
demo: a simulated audience now acts about ${rate} times a second (Ctrl-C stops everything).
`);
}

async function act({ postIds, liveId }) {
  const fan = pick(fans);
  const roll = Math.random();
  if (roll < 0.3) {
    await call(fan, 'POST', `/api/livestreams/${liveId}/chat`, { text: pick(lines.chat), via: pick(creators) });
  } else if (roll < 0.5) {
    await call(fan, 'POST', `/api/posts/${pick(postIds)}/comments`, { text: pick(lines.comments) });
  } else if (roll < 0.75) {
    const postId = pick(postIds);
    await call(fan, 'POST', `/api/posts/${postId}/views`);
    await call(fan, 'POST', `/api/posts/${postId}/reactions`, { kind: pick(['like', 'like', 'share', 'save']) });
  } else if (roll < 0.85) {
    const creator = pick(creators);
    const id = [fan, creator].sort().join('~');
    await call(fan, 'POST', `/api/conversations/${id}/messages`, { text: pick(lines.messages) });
  } else {
    // Leo answers his oldest waiting fan (Maya's queue is left for whoever opens her console).
    const { items } = await call('leo', 'GET', '/api/creators/leo/unanswered?limit=1');
    if (items.length) await call('leo', 'POST', `/api/posts/${items[0].postId}/comments`, { text: pick(lines.replies), replyTo: items[0].id });
    await call('leo', 'POST', `/api/livestreams/${liveId}/chat`, { text: `thanks for joining, ${fan}!` });
  }
}

async function main() {
  await waitReady();
  const world = await seed();
  printPages(world);
  let failures = 0;
  for (;;) {
    await sleep((1000 / rate) * (0.5 + Math.random()));
    try {
      await act(world);
      failures = 0;
    } catch (error) {
      // Rate limits and slow mode are part of the show; anything else is reported, and many in a row stop the demo.
      if (error.status !== 429) console.error(`demo: ${error.message}`);
      if (++failures >= 20) throw new Error('demo: 20 failures in a row; stopping the audience');
    }
  }
}

process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
main().catch(error => { console.error(error.message ?? error); process.exit(1); });
