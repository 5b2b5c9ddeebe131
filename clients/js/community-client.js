// A Community hub client that survives host failures (docs/api.md). When the connection closes for any reason but
// stop() (a host stopped, the network dropped, the server closed a slow consumer), it connects to the next host of
// the list with a bounded backoff and resumes every stream the app follows after the last seq the app has: posts with
// SubscribePost, rooms with JoinLive, conversations over HTTP (the hub does not replay them). CommentAdded,
// ChatReceived and MessageReceived handlers get each stream's items exactly once and in seq order, catch-up lists
// merged with live events that may arrive before them; every other event passes through as it comes.
import { HubConnectionBuilder, HubConnectionState } from "@microsoft/signalr";

const HISTORY_PAGE = 200;
const STALLED_FETCHES = 3;

/** One ordered stream: hands out items strictly as lastSeq + 1, + 2, … whatever order (or how often) they come in. */
export class OrderedStream {
  constructor(afterSeq = 0) {
    this.lastSeq = afterSeq;
    this.ahead = new Map();
  }

  /** Items are waiting behind a missing seq: fetch after lastSeq to fill it. */
  get hasGap() {
    return this.ahead.size > 0;
  }

  /** Takes items in any order; returns the ones now deliverable, in seq order (none for repeats or items past a gap). */
  offer(...items) {
    for (const item of items) {
      if (item.seq > this.lastSeq && !this.ahead.has(item.seq)) this.ahead.set(item.seq, item);
    }
    const ready = [];
    while (this.ahead.has(this.lastSeq + 1)) {
      ready.push(this.ahead.get(this.lastSeq + 1));
      this.ahead.delete(++this.lastSeq);
    }
    return ready;
  }
}

/**
 * How long to wait before connection attempt `attempt` (0 = the first retry after a drop: at once, to the next host,
 * which is most likely up). Then the wait doubles from initialMs up to maxMs, drawn from its upper half so that the
 * clients of a failed host do not all come back at the same instant.
 */
export function backoffDelay(attempt, { initialMs = 250, maxMs = 10_000 } = {}, random = Math.random()) {
  if (attempt <= 0) return 0;
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt - 1, 30));
  return ceiling * (0.5 + random / 2);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class CommunityClient {
  /**
   * @param {object} options
   * @param {string[]} options.hosts the hosts' base URLs; the client starts with the first
   * @param {() => string | Promise<string>} options.accessTokenFactory the bearer token
   * @param {string} [options.hubPath] default "/hubs/community"
   * @param {number} [options.initialDelayMs] default 250 (see backoffDelay)
   * @param {number} [options.maxDelayMs] default 10000
   * @param {object} [options.connectionOptions] more options for withUrl (transport, headers…)
   * @param {(builder: HubConnectionBuilder) => HubConnectionBuilder} [options.configure] e.g. logging
   * @param {(text: string) => void} [options.onWarning] where drops and refusals are reported; console.warn by default
   */
  constructor(options) {
    if (!options?.hosts?.length) throw new Error("Give at least one host.");
    this.options = { hubPath: "/hubs/community", initialDelayMs: 250, maxDelayMs: 10_000, ...options };
    this.handlers = new Map(); // method → [handler]
    this.streams = new Map(); // "post:id" | "live:id" | "conversation:id" → stream
    this.session = null; // { connection, host, index }
    this.stopped = false;
  }

  /** The host of the current connection, or null between connections. */
  get host() {
    return this.session?.host ?? null;
  }

  /**
   * Adds a handler. CommentAdded, ChatReceived and MessageReceived are ordered and de-duplicated per stream;
   * "connected" (host) runs once every stream has been resumed on a new connection; "liveJoined" (the JoinLive result)
   * on every (re)join; any other name is a hub event passed through (Typing, ViewersUpdated, EngagementUpdated…).
   */
  on(method, handler) {
    if (!this.handlers.has(method)) {
      this.handlers.set(method, []);
      if (!ORDERED[method] && !LOCAL.has(method)) this.session?.connection.on(method, (...a) => this.emit(method, ...a));
    }
    this.handlers.get(method).push(handler);
  }

  /** Connects to the first host that answers, trying them in turn (and again, with backoff) until one does. */
  start() {
    this.stopped = false;
    return this.connect(0);
  }

  async stop() {
    this.stopped = true;
    const session = this.session;
    this.session = null;
    await session?.connection.stop();
  }

  /** Calls a hub method (a write such as Comment or SendChat) on the current connection. */
  invoke(method, ...args) {
    if (!this.session) throw new Error("Not connected: the client is between hosts or not started.");
    return this.session.connection.invoke(method, ...args);
  }

  /** Follows a post's comments after afterSeq; resolves once the catch-up has been handed out. */
  subscribePost(postId, afterSeq = 0) {
    return this.follow(`post:${postId}`, afterSeq, async (session, after) => {
      const { missed, hasMore } = await session.connection.invoke("SubscribePost", postId, after);
      return { items: missed, hasMore };
    });
  }

  async unsubscribePost(postId) {
    this.streams.delete(`post:${postId}`);
    await this.invoke("UnsubscribePost", postId);
  }

  /** Joins a room counted for `via` and follows its chat; every rejoin keeps the host the server chose first. */
  joinLive(liveId, via = null, afterSeq = 0) {
    return this.follow(`live:${liveId}`, afterSeq, async (session, after) => {
      const joined = await session.connection.invoke("JoinLive", liveId, via, after);
      via = joined.via;
      this.emit("liveJoined", joined);
      return { items: joined.missed, hasMore: joined.hasMore };
    });
  }

  async leaveLive(liveId) {
    this.streams.delete(`live:${liveId}`);
    await this.invoke("LeaveLive", liveId);
  }

  /**
   * Follows a conversation after afterSeq. Messages reach every connection without subscribing but are not replayed,
   * so what was missed is read from GET /api/conversations/{id}/messages. A conversation the app never watched is
   * followed from the first of its messages that arrives.
   */
  watchConversation(conversationId, afterSeq = 0) {
    return this.follow(`conversation:${conversationId}`, afterSeq, this.conversationFetch(conversationId));
  }

  conversationFetch(conversationId) {
    return async (session, after) => {
      const url = new URL(`/api/conversations/${encodeURIComponent(conversationId)}/messages?afterSeq=${after}&limit=${HISTORY_PAGE}`, session.host);
      const response = await fetch(url, { headers: { authorization: `Bearer ${await this.options.accessTokenFactory()}` } });
      if (!response.ok) throw Object.assign(new Error(`${response.status} from ${url}: ${await response.text()}`), { refused: true });
      const page = await response.json();
      return { items: page.items, hasMore: page.items.length === HISTORY_PAGE && page.items.at(-1).seq < page.lastSeq };
    };
  }

  async follow(key, afterSeq, fetchAfter) {
    if (!this.session) throw new Error("Not connected: call start() first.");
    const stream = { order: new OrderedStream(afterSeq), fetchAfter, fetchingOn: null, method: ORDERED_BY_KEY[key.split(":")[0]] };
    this.streams.set(key, stream);
    const refused = await this.fill(stream, this.session);
    if (refused) {
      // The server refused (unknown post, not a participant…): the app learns why, and nothing is resumed later.
      this.streams.delete(key);
      throw refused;
    }
  }

  /** Fetches after the last seq handed out while the server has more or a gap remains; returns the server's refusal, if any. */
  async fill(stream, session) {
    if (stream.fetchingOn === session) return null;
    stream.fetchingOn = session;
    try {
      for (let stalled = 0; stalled < STALLED_FETCHES; ) {
        const after = stream.order.lastSeq;
        const { items, hasMore } = await stream.fetchAfter(session, after);
        this.deliver(stream, items);
        if (!hasMore && !stream.order.hasGap) return null;
        stalled = stream.order.lastSeq > after ? 0 : stalled + 1;
        // Live items are ahead of what the server answered: give its history a moment to catch up.
        if (stalled > 0) await sleep(this.options.initialDelayMs);
      }
    } catch (error) {
      if (error.refused || isHubError(error)) return error;
      // The connection went away mid-fetch: the resume on the next connection fetches again.
    } finally {
      if (stream.fetchingOn === session) stream.fetchingOn = null;
    }
    return null;
  }

  deliver(stream, items) {
    for (const item of stream.order.offer(...items)) this.emit(stream.method, item);
  }

  onLive(key, item) {
    let stream = this.streams.get(key);
    if (!stream && key.startsWith("conversation:")) {
      stream = { order: new OrderedStream(item.seq - 1), fetchAfter: this.conversationFetch(item.conversationId), fetchingOn: null, method: "MessageReceived" };
      this.streams.set(key, stream);
    }
    if (!stream) return;
    this.deliver(stream, [item]);
    if (stream.order.hasGap && !stream.fetchingOn && this.session) this.fill(stream, this.session).then((e) => e && this.warn("a gap fill was refused", e));
  }

  emit(method, ...args) {
    for (const handler of this.handlers.get(method) ?? []) {
      try {
        handler(...args);
      } catch (error) {
        this.warn(`a ${method} handler threw`, error);
      }
    }
  }

  warn(what, error) {
    (this.options.onWarning ?? console.warn)(`community-client: ${what}: ${error?.message ?? error}`);
  }

  build(host) {
    let builder = new HubConnectionBuilder().withUrl(new URL(this.options.hubPath, host).href, {
      ...this.options.connectionOptions,
      accessTokenFactory: this.options.accessTokenFactory,
    });
    if (this.options.configure) builder = this.options.configure(builder);
    const connection = builder.build();
    connection.on("CommentAdded", (c) => this.onLive(`post:${c.postId}`, c));
    connection.on("ChatReceived", (m) => this.onLive(`live:${m.liveId}`, m));
    connection.on("MessageReceived", (m) => this.onLive(`conversation:${m.conversationId}`, m));
    for (const method of this.handlers.keys()) {
      if (!ORDERED[method] && !LOCAL.has(method)) connection.on(method, (...a) => this.emit(method, ...a));
    }
    return connection;
  }

  async connect(firstHost) {
    const { hosts } = this.options;
    for (let attempt = 0; !this.stopped; attempt++) {
      const delay = backoffDelay(attempt, { initialMs: this.options.initialDelayMs, maxMs: this.options.maxDelayMs });
      if (delay > 0) await sleep(delay);
      if (this.stopped) break;
      const index = (firstHost + attempt) % hosts.length;
      const session = { connection: this.build(hosts[index]), host: hosts[index], index };
      session.connection.onclose((error) => this.onClosed(session, error));
      this.session = session;
      try {
        await session.connection.start();
      } catch (error) {
        if (this.session === session) this.session = null;
        this.warn(`could not connect to ${hosts[index]} (attempt ${attempt})`, error);
        continue;
      }
      if (this.stopped) return session.connection.stop();
      await Promise.all([...this.streams.values()].map((s) => this.resume(s, session)));
      if (session.connection.state === HubConnectionState.Connected) this.emit("connected", hosts[index]);
      return;
    }
    throw new Error("The client was stopped before it connected.");
  }

  /**
   * Resumes one stream on a new connection. Right after a host dies its streams are still moving and the new host may
   * answer 503 (or 429): retry with backoff, else the stream would stay silent on a connection that stays up.
   */
  async resume(stream, session) {
    for (let attempt = 1; ; attempt++) {
      const refused = await this.fill(stream, session);
      if (!refused) return;
      this.warn(`${session.host} refused to resume a stream`, refused);
      if (!/\b(503|429)\b/.test(refused.message ?? "") || attempt >= 8 || this.stopped) return;
      await sleep(backoffDelay(attempt, { initialMs: this.options.initialDelayMs, maxMs: this.options.maxDelayMs }));
    }
  }

  onClosed(session, error) {
    if (this.stopped || this.session !== session) return;
    this.session = null;
    this.warn(`the connection to ${session.host} closed; connecting to the next host`, error ?? "closed by the server");
    this.connect((session.index + 1) % this.options.hosts.length).catch(() => {});
  }
}

const ORDERED = { CommentAdded: true, ChatReceived: true, MessageReceived: true };
const ORDERED_BY_KEY = { post: "CommentAdded", live: "ChatReceived", conversation: "MessageReceived" };
const LOCAL = new Set(["connected", "liveJoined"]);

function isHubError(error) {
  // The server's words follow "HubException: " (docs/api.md); a lost connection says nothing of the kind.
  return /HubException: /.test(error?.message ?? "");
}
