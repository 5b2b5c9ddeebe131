// The client's merge of catch-up and live events, on a stand-in connection (no hosts needed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { CommunityClient } from "../community-client.js";

const comment = (seq) => ({ postId: "p1", seq, text: `#${seq}` });

function clientOnFakeSession() {
  const client = new CommunityClient({ hosts: ["http://127.0.0.1:1/"], accessTokenFactory: () => "t", onWarning: () => {} });
  client.session = { connection: { on() {}, state: "Connected" }, host: "http://127.0.0.1:1/", index: 0 };
  const seen = [];
  client.on("CommentAdded", (c) => seen.push(c.seq));
  return { client, seen };
}

test("live comments that arrive while SubscribePost is in flight come after its catch-up, each once", async () => {
  const { client, seen } = clientOnFakeSession();
  await client.follow("post:p1", 0, async () => {
    client.onLive("post:p1", comment(3));
    client.onLive("post:p1", comment(4));
    return { items: [comment(1), comment(2), comment(3)], hasMore: false };
  });
  client.onLive("post:p1", comment(4));
  client.onLive("post:p1", comment(5));
  assert.deepEqual(seen, [1, 2, 3, 4, 5]);
});

test("a catch-up that says hasMore is fetched again after its last item", async () => {
  const { client, seen } = clientOnFakeSession();
  const asked = [];
  await client.follow("post:p1", 0, async (_, after) => {
    asked.push(after);
    return after === 0 ? { items: [comment(1), comment(2)], hasMore: true } : { items: [comment(3)], hasMore: false };
  });
  assert.deepEqual(asked, [0, 2]);
  assert.deepEqual(seen, [1, 2, 3]);
});

test("a live comment past a gap makes the client fetch the gap, then hands out both in order", async () => {
  const { client, seen } = clientOnFakeSession();
  const asked = [];
  let filled;
  const done = new Promise((resolve) => (filled = resolve));
  await client.follow("post:p1", 0, async (_, after) => {
    asked.push(after);
    if (after === 0) return { items: [comment(1)], hasMore: false };
    setImmediate(filled);
    return { items: [comment(2), comment(3)], hasMore: false };
  });
  client.onLive("post:p1", comment(3));
  assert.deepEqual(seen, [1]);
  await done;
  assert.deepEqual(asked, [0, 1]);
  assert.deepEqual(seen, [1, 2, 3]);
});

test("a refused subscribe reaches the app and leaves nothing to resume", async () => {
  const { client } = clientOnFakeSession();
  const refusal = new Error("An unexpected error occurred invoking 'SubscribePost' on the server. HubException: 404 Not found: There is no post 'p1'.");
  await assert.rejects(client.follow("post:p1", 0, async () => { throw refusal; }), refusal);
  assert.equal(client.streams.size, 0);
});
