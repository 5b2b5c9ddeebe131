// The client against two real hosts of one cluster. Run by the xunit test JavaScriptClientTests, which starts the
// hosts and sets COMMUNITY_HOSTS ("urlA urlB") and COMMUNITY_CONTROL (GET {control}stop-a stops host A for real).
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { HttpTransportType, LogLevel } from "@microsoft/signalr";
import { CommunityClient } from "../community-client.js";

const hosts = process.env.COMMUNITY_HOSTS?.split(" ").filter(Boolean);
const control = process.env.COMMUNITY_CONTROL;
const skip = !hosts || !control ? "COMMUNITY_HOSTS / COMMUNITY_CONTROL not set (the xunit JavaScriptClientTests sets them)" : false;

const handle = (prefix) => `${prefix}_${randomBytes(5).toString("hex")}`;

async function call(host, token, method, path, body) {
  const response = await fetch(new URL(path, host), {
    method,
    headers: { "content-type": "application/json", ...(token && { authorization: `Bearer ${token}` }) },
    body: body && JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text && JSON.parse(text) };
}

async function tokenFor(host, user) {
  const { status, body } = await call(host, null, "POST", "/api/dev/token", { user });
  assert.equal(status, 200);
  return body.token;
}

/** Creates an item through `host`, retrying with the same clientId while the cluster settles; returns its seq. */
async function write(host, token, path, text) {
  const clientId = randomUUID();
  // While a stopped host's grains move, writes may fail for a while (observed up to ~30 s under the suite's load).
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { status, body } = await call(host, token, "POST", path, { text, clientId }).catch((e) => ({ status: 0, body: e.message }));
    if (status === 201) return body.seq;
    assert.ok(status === 0 || status >= 500, `${path} refused: ${status} ${JSON.stringify(body)}`);
    assert.ok(Date.now() < deadline, `${path} kept failing: ${status} ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Waits (bounded) until `done()` holds. */
async function until(done, ms) {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

test("when its host stops, the client moves to another host and the app sees every comment, chat and message once, in order", { skip, timeout: 90_000 }, async () => {
  const [a, b] = hosts;
  const creator = handle("jscr");
  const creatorToken = await tokenFor(b, creator);
  assert.equal((await call(b, creatorToken, "PUT", `/api/creators/${creator}`, { displayName: "JS", niches: ["food"] })).status, 200);
  const { body: post } = await call(b, creatorToken, "POST", `/api/creators/${creator}/posts`, { text: "Hello" });
  const fan = handle("jsfan");
  const fanToken = await tokenFor(b, fan);
  const watcher = handle("jsw");
  const watcherToken = await tokenFor(b, watcher);
  const conversationId = [watcher, fan].sort().join("~");
  const comments = `/api/posts/${post.postId}/comments`;
  const messages = `/api/conversations/${conversationId}/messages`;
  const { status: created, body: room } = await call(b, creatorToken, "POST", "/api/livestreams", { title: "Live" });
  assert.equal(created, 201);
  assert.equal((await call(b, creatorToken, "POST", `/api/livestreams/${room.liveId}/start`)).status, 200);
  // The host writes the chat: hosts are exempt from the chat rate limit.
  const chat = `/api/livestreams/${room.liveId}/chat`;
  await write(b, fanToken, comments, "before");
  await write(b, fanToken, messages, "before");
  await write(b, creatorToken, chat, "before");

  // The first host refuses connections: start() moves on to A.
  const client = new CommunityClient({
    hosts: ["http://127.0.0.1:1/", a, b],
    accessTokenFactory: () => watcherToken,
    initialDelayMs: 50,
    connectionOptions: { transport: HttpTransportType.WebSockets, skipNegotiation: true },
    configure: (builder) => builder.configureLogging(LogLevel.None),
    onWarning: () => {},
  });
  const seenComments = [];
  const seenMessages = [];
  const connectedTo = [];
  const seenChat = [];
  const joins = [];
  client.on("ChatReceived", (m) => seenChat.push(m));
  client.on("liveJoined", (joined) => joins.push(joined));
  client.on("CommentAdded", (c) => seenComments.push(c));
  client.on("MessageReceived", (m) => seenMessages.push(m));
  client.on("connected", (host) => connectedTo.push(host));
  try {
    await client.start();
    assert.equal(client.host, a);
    await client.subscribePost(post.postId);
    await client.watchConversation(conversationId);
    await client.joinLive(room.liveId);
    assert.deepEqual(seenChat.map((m) => m.text), ["before"]);
    assert.equal(joins[0].via, creator);
    assert.deepEqual(seenComments.map((c) => c.text), ["before"]);
    assert.deepEqual(seenMessages.map((m) => m.text), ["before"]);

    // A new host may briefly not know the other's relay: write until one comment arrives live.
    for (let i = 0; ; i++) {
      assert.ok(i < 30, "No comment written through host B reached the client on host A live.");
      await write(b, fanToken, comments, `warm-up ${i}`);
      if (await until(() => seenComments.length >= i + 2, 500)) break;
    }

    const stopping = fetch(new URL("stop-a", control));
    let duringComment = 0;
    let duringMessage = 0;
    let duringChat = 0;
    for (let i = 0; i < 5; i++) {
      duringComment = await write(b, fanToken, comments, `during ${i}`);
      duringMessage = await write(b, fanToken, messages, `during ${i}`);
      duringChat = await write(b, creatorToken, chat, `during ${i}`);
    }
    assert.equal((await stopping).status, 200);
    assert.ok(await until(() => client.host === b && connectedTo.includes(b), 30_000), `The client did not move to B: ${connectedTo}`);
    // The resume alone, with no later live event to reveal a gap, brings everything written during the outage.
    assert.ok(await until(() => seenComments.length === duringComment, 30_000), `comments seen after the move: ${seenComments.map((c) => c.seq)}`);
    assert.ok(await until(() => seenMessages.length === duringMessage, 30_000), `messages seen after the move: ${seenMessages.map((m) => m.seq)}`);
    assert.ok(await until(() => seenChat.length === duringChat, 30_000), `chat seen after the move: ${seenChat.map((m) => m.seq)}`);
    for (let i = 0; i < 3; i++) {
      await write(b, fanToken, comments, `after ${i}`);
      await write(b, fanToken, messages, `after ${i}`);
      await write(b, creatorToken, chat, `after ${i}`);
    }
    const lastComment = await write(b, fanToken, comments, "last");
    const lastMessage = await write(b, fanToken, messages, "last");
    const lastChat = await write(b, creatorToken, chat, "last");
    assert.ok(await until(() => seenComments.some((c) => c.text === "last"), 30_000), `comments seen: ${seenComments.map((c) => c.seq)}`);
    assert.ok(await until(() => seenMessages.some((m) => m.text === "last"), 30_000), `messages seen: ${seenMessages.map((m) => m.seq)}`);
    assert.ok(await until(() => seenChat.some((m) => m.text === "last"), 30_000), `chat seen: ${seenChat.map((m) => m.seq)}`);

    assert.deepEqual(seenComments.map((c) => c.seq), Array.from({ length: lastComment }, (_, i) => i + 1));
    assert.deepEqual(seenMessages.map((m) => m.seq), Array.from({ length: lastMessage }, (_, i) => i + 1));
    assert.deepEqual(seenMessages.map((m) => m.text), ["before", ...[0, 1, 2, 3, 4].map((i) => `during ${i}`), "after 0", "after 1", "after 2", "last"]);
    assert.deepEqual(seenChat.map((m) => m.seq), Array.from({ length: lastChat }, (_, i) => i + 1));
    assert.deepEqual(seenChat.map((m) => m.text), ["before", ...[0, 1, 2, 3, 4].map((i) => `during ${i}`), "after 0", "after 1", "after 2", "last"]);
    assert.ok(joins.length >= 2 && joins.every((j) => j.via === creator), "The room is rejoined on the new host, counted for the same host.");
    assert.deepEqual(connectedTo, [a, b]);
  } finally {
    await client.stop();
  }
});
