import { test } from "node:test";
import assert from "node:assert/strict";
import { OrderedStream, backoffDelay } from "../community-client.js";

const item = (seq) => ({ seq, text: `#${seq}` });
const seqs = (items) => items.map((i) => i.seq);

test("a live event that arrives before the catch-up waits for it, then both come out in seq order", () => {
  const stream = new OrderedStream(2);
  assert.deepEqual(stream.offer(item(5)), []);
  assert.equal(stream.hasGap, true);
  assert.deepEqual(seqs(stream.offer(item(3), item(4), item(5))), [3, 4, 5]);
  assert.equal(stream.lastSeq, 5);
  assert.equal(stream.hasGap, false);
});

test("an item is handed out once, however often it arrives", () => {
  const stream = new OrderedStream(0);
  assert.deepEqual(seqs(stream.offer(item(1), item(2))), [1, 2]);
  assert.deepEqual(stream.offer(item(2)), []);
  assert.deepEqual(stream.offer(item(1), item(2)), []);
  assert.deepEqual(seqs(stream.offer(item(4), item(4), item(3))), [3, 4]);
});

test("items at or before afterSeq are never handed out", () => {
  const stream = new OrderedStream(10);
  assert.deepEqual(stream.offer(item(9), item(10)), []);
  assert.equal(stream.hasGap, false);
  assert.deepEqual(seqs(stream.offer(item(11))), [11]);
});

test("a gap holds back everything after it until a catch-up fills it", () => {
  const stream = new OrderedStream(0);
  assert.deepEqual(seqs(stream.offer(item(1))), [1]);
  assert.deepEqual(stream.offer(item(3)), []);
  assert.deepEqual(stream.offer(item(4)), []);
  assert.equal(stream.lastSeq, 1);
  assert.deepEqual(seqs(stream.offer(item(2), item(3))), [2, 3, 4]);
});

test("a catch-up list out of order and overlapping live events comes out as 1, 2, 3 … once each", () => {
  const stream = new OrderedStream(0);
  const delivered = [];
  const shuffled = [7, 3, 3, 1, 6, 2, 5, 1, 4, 7, 8].map(item);
  for (const i of shuffled) delivered.push(...stream.offer(i));
  assert.deepEqual(seqs(delivered), [1, 2, 3, 4, 5, 6, 7, 8]);
});

test("the first retry after a drop goes to the next host at once, later ones back off up to the cap", () => {
  const options = { initialMs: 250, maxMs: 10_000 };
  assert.equal(backoffDelay(0, options, 0.99), 0);
  assert.equal(backoffDelay(1, options, 0), 125);
  assert.equal(backoffDelay(1, options, 0.999), 249.875);
  assert.equal(backoffDelay(3, options, 0), 500);
  assert.equal(backoffDelay(50, options, 0), 5_000);
  assert.ok(backoffDelay(50, options, 0.999) < 10_000);
});
