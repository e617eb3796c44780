/**
 * The tab's one websocket to /ws/: a small state machine around the browser's WebSocket.
 *
 *   connecting ──welcome──▶ live ──close/silence──▶ reconnecting ──backoff──▶ (ticket, socket) ──▶ live
 *        any state ──navigator offline──▶ offline ──online / visible / new token──▶ reconnect now
 *
 * - Each attempt takes a fresh one-time ticket (POST /auth/ws-ticket/); a 429 waits its Retry-After.
 * - After a loss it waits with jittered exponential backoff (half the step fixed, half random, so a
 *   server restart is not met by every tab at once), capped at 30 s.
 * - On (re)connect it subscribes to the wanted topics, then `resume`s from the last event id seen;
 *   the server replays what was missed or answers `resync` (the caller refetches).
 * - 4401 (no valid ticket, or the session was revoked): refresh the session once and retry; a second
 *   4401 in a row stops until the tokens change. 4403 names a topic the user may not see: it is
 *   dropped and the others resubscribe. 4429 (rate or socket limit) backs off for at least 30 s.
 * - Events are deduped by id (the server delivers at least once, and a resume may repeat some).
 */
import { isLiveEvent, type LiveEvent, type LiveStatus, type ServerMessage } from './types';

export type TicketFailure = { status?: number; retryAfter?: number | null };

export type ConnectionOptions = {
  /** The socket URL for a ticket (same origin: works behind the Vite dev proxy and nginx alike). */
  url: (ticket: string) => string;
  getTicket: () => Promise<string>;
  /** Asked after a 4401: true when a fresh session is available to try again with. */
  refreshSession: () => Promise<boolean>;
  onEvent: (event: LiveEvent) => void;
  onMessage?: (message: ServerMessage) => void;
  onResync: () => void;
  onStatus: (status: LiveStatus) => void;
  /** Each welcome; `again` after a loss (what the server does not replay can be refetched then). */
  /** `userId`: who the server says this socket belongs to. */
  onWelcome?: (again: boolean, userId: number | null) => void;
  WebSocketImpl?: typeof WebSocket;
  random?: () => number;
  isOnline?: () => boolean;
  pingIntervalMs?: number;
};

const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;
const LIMITED_DELAY_MS = 30_000;
const SEEN_MAX = 5_000;
// Below the server's own limits (WS_MESSAGE_BURST 60, WS_MESSAGE_RATE 10/s), leaving room for pings.
const SEND_BURST = 50;
const SEND_RATE = 8;
const WAKE_CHECK_MS = 5_000;

export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_FORBIDDEN = 4403;
export const CLOSE_LIMITED = 4429;

/** The wait before retry number `attempt` (0-based): between half and all of min(30 s, 1 s × 2^attempt). */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const step = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(attempt, 16));
  return Math.round(step / 2 + (random() * step) / 2);
}

export class LiveConnection {
  status: LiveStatus = 'connecting';
  lastId = 0;
  private readonly opts: ConnectionOptions;
  private readonly WS: typeof WebSocket;
  private ws: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private heard = true;
  private generation = 0;
  private running = false;
  /** Stopped by the server refusing the session: only new tokens (wake with `auth`) restart it. */
  private halted = false;
  private authFailures = 0;
  private readonly topics = new Set<string>();
  private readonly forbidden = new Set<string>();
  private readonly seen = new Set<number>();
  /** Topics subscribed on the current socket. */
  private readonly subscribed = new Set<string>();
  private resumePending = false;
  private syncTimer: ReturnType<typeof setTimeout> | undefined;
  private wakeTimer: ReturnType<typeof setTimeout> | undefined;
  private allowance = SEND_BURST;
  private allowanceAt = 0;

  constructor(opts: ConnectionOptions) {
    this.opts = opts;
    this.WS = opts.WebSocketImpl ?? WebSocket;
  }

  get wantedTopics(): string[] {
    return [...this.topics].filter((t) => !this.forbidden.has(t));
  }

  start() {
    if (this.running) return;
    this.running = true;
    this.halted = false;
    this.connect();
  }

  stop() {
    this.running = false;
    this.generation++;
    this.ticketPending = false;
    clearTimeout(this.timer);
    this.stopPing();
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000);
    this.setStatus('offline');
  }

  /**
   * Try now rather than at the end of the backoff: the network came back, the tab woke, or (`auth`)
   * the session has new tokens. An open socket is pinged instead, so a dead one is found quickly.
   */
  wake({ auth = false }: { auth?: boolean } = {}) {
    if (!this.running) return;
    if (this.halted && !auth) return;
    if (auth) {
      this.halted = false;
      this.authFailures = 0;
    }
    if (this.ws && this.ws.readyState === this.WS.OPEN) {
      // After a sleep the socket may be dead without a close: a ping unanswered in 5 s says so.
      this.ping();
      clearTimeout(this.wakeTimer);
      this.wakeTimer = setTimeout(() => {
        if (!this.heard && this.ws) this.dead();
      }, WAKE_CHECK_MS);
      return;
    }
    if (this.ticketPending || (this.ws && this.ws.readyState === this.WS.CONNECTING)) return;
    this.attempt = 0;
    this.connect();
  }

  /** The browser said it lost the network: nothing to retry until it says it is back. */
  offline() {
    if (!this.running) return;
    clearTimeout(this.timer);
    this.generation++;
    this.ticketPending = false;
    this.stopPing();
    const ws = this.ws;
    this.ws = null;
    this.welcomed = false;
    ws?.close(1000);
    this.setStatus('offline');
  }

  /** The topics on screen (plus `user`); an open socket subscribes and unsubscribes the difference. */
  setTopics(next: Iterable<string>) {
    const wanted = new Set(next);
    for (const topic of [...this.topics]) {
      if (!wanted.has(topic)) {
        this.topics.delete(topic);
        this.forbidden.delete(topic);
      }
    }
    for (const topic of wanted) this.topics.add(topic);
    this.sync();
  }

  /**
   * Brings the server's subscriptions to the wanted ones, then sends a pending `resume`, within the
   * client's own frame budget (the server closes a socket that sends faster than it allows, 4429):
   * a page of 100 projects subscribes over a few seconds instead of being cut off.
   */
  private sync() {
    clearTimeout(this.syncTimer);
    if (!this.ws || this.ws.readyState !== this.WS.OPEN || !this.welcomed) return;
    const wanted = new Set(this.wantedTopics);
    const ops: Record<string, unknown>[] = [];
    for (const topic of this.subscribed) if (!wanted.has(topic)) ops.push({ type: 'unsubscribe', topic });
    for (const topic of wanted) if (!this.subscribed.has(topic)) ops.push({ type: 'subscribe', topic });
    for (const op of ops) {
      if (!this.take()) break;
      this.ws.send(JSON.stringify(op));
      if (op.type === 'subscribe') this.subscribed.add(op.topic as string);
      else this.subscribed.delete(op.topic as string);
    }
    const done = [...wanted].every((t) => this.subscribed.has(t)) && [...this.subscribed].every((t) => wanted.has(t));
    if (done && this.resumePending && this.take()) {
      this.resumePending = false;
      this.ws.send(JSON.stringify({ type: 'resume', last_id: this.lastId }));
    }
    if (!done || this.resumePending) this.syncTimer = setTimeout(() => this.sync(), 1000 / SEND_RATE);
  }

  /** Token bucket for outgoing frames: SEND_BURST at once, refilled at SEND_RATE a second. */
  private take(): boolean {
    const now = Date.now();
    this.allowance = Math.min(SEND_BURST, this.allowance + ((now - this.allowanceAt) / 1000) * SEND_RATE);
    this.allowanceAt = now;
    if (this.allowance < 1) return false;
    this.allowance -= 1;
    return true;
  }

  private setStatus(status: LiveStatus) {
    if (status === this.status) return;
    this.status = status;
    this.opts.onStatus(status);
  }

  private isOnline() {
    return this.opts.isOnline ? this.opts.isOnline() : typeof navigator === 'undefined' || navigator.onLine !== false;
  }

  private send(message: Record<string, unknown>): boolean {
    if (!this.ws || this.ws.readyState !== this.WS.OPEN || !this.welcomed || !this.take()) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  private welcomed = false;
  private ticketPending = false;
  private everLive = false;

  private connect() {
    clearTimeout(this.timer);
    if (!this.running || this.halted) return;
    if (!this.isOnline()) {
      this.setStatus('offline');
      return;
    }
    const generation = ++this.generation;
    if (this.status !== 'connecting') this.setStatus('reconnecting');
    this.ticketPending = true;
    this.opts.getTicket().then(
      (ticket) => {
        if (generation === this.generation) this.ticketPending = false;
        if (generation !== this.generation || !this.running) return;
        this.open(ticket, generation);
      },
      (failure: TicketFailure) => {
        if (generation === this.generation) this.ticketPending = false;
        if (generation !== this.generation || !this.running) return;
        if (failure?.status === 401 || failure?.status === 403) {
          this.halt(); // the session is gone; the app signs out
        } else if (failure?.status === 429) {
          const wait = Math.max((failure.retryAfter ?? 0) * 1000, backoffDelay(this.attempt, this.opts.random));
          this.retryIn(wait);
        } else {
          this.retry();
        }
      },
    );
  }

  private open(ticket: string, generation: number) {
    const ws = new this.WS(this.opts.url(ticket));
    this.ws = ws;
    this.welcomed = false;
    ws.onmessage = (e: MessageEvent) => {
      if (generation !== this.generation) return;
      this.heard = true;
      let message: ServerMessage;
      try {
        message = JSON.parse(String(e.data)) as ServerMessage;
      } catch {
        return;
      }
      this.receive(message);
    };
    ws.onclose = (e: CloseEvent) => {
      if (generation !== this.generation || this.ws !== ws) return;
      this.ws = null;
      this.welcomed = false;
      this.stopPing();
      this.closed(e.code);
    };
    // An error is always followed by a close; the close decides what happens next.
    ws.onerror = () => {};
  }

  private receive(message: ServerMessage) {
    if (message.type === 'welcome') {
      this.welcomed = true;
      this.attempt = 0;
      this.subscribed.clear();
      this.allowance = SEND_BURST;
      this.allowanceAt = Date.now();
      this.resumePending = this.lastId > 0;
      this.startPing();
      this.sync();
      // Back after a loss with no event seen yet: there is no id to resume from, so whatever happened
      // meanwhile is fetched instead.
      if (this.everLive && this.lastId === 0) this.opts.onResync();
      this.opts.onWelcome?.(this.everLive, typeof message.user_id === 'number' ? message.user_id : null);
      this.everLive = true;
      this.setStatus('live');
      // Only a session that worked clears the auth strike: a 4401 right after a refresh still counts.
      this.authFailures = 0;
      return;
    }
    if (message.type === 'unsubscribed' && message.reason === 'access_revoked' && typeof message.topic === 'string') {
      this.subscribed.delete(message.topic);
      this.forbidden.add(message.topic);
    }
    if (message.type === 'pong' || message.type === 'subscribed' || message.type === 'unsubscribed' || message.type === 'resumed') {
      this.opts.onMessage?.(message);
      return;
    }
    if (message.type === 'error') {
      if (message.code === 'forbidden' && typeof message.topic === 'string') this.forbidden.add(message.topic);
      return;
    }
    if (message.type === 'resync') {
      this.opts.onResync();
      return;
    }
    if (isLiveEvent(message)) {
      if (this.seen.has(message.id)) return;
      this.remember(message.id);
      if (message.project_id !== null) this.lastId = Math.max(this.lastId, message.id);
      this.opts.onEvent(message);
      return;
    }
    this.opts.onMessage?.(message);
  }

  private remember(id: number) {
    this.seen.add(id);
    if (this.seen.size > SEEN_MAX) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }

  private closed(code: number) {
    if (!this.running) return;
    if (code === CLOSE_UNAUTHENTICATED) {
      this.authFailures++;
      if (this.authFailures >= 2) {
        this.halt();
        return;
      }
      this.setStatus('reconnecting');
      const generation = this.generation;
      void this.opts.refreshSession().then((ok) => {
        if (generation !== this.generation || !this.running) return;
        if (ok) this.retry();
        else this.halt();
      });
      return;
    }
    if (code === CLOSE_LIMITED) {
      this.retryIn(Math.max(LIMITED_DELAY_MS, backoffDelay(this.attempt, this.opts.random)));
      return;
    }
    if (code === CLOSE_FORBIDDEN) {
      // The forbidden topic was recorded from the error frame; the others resubscribe at once.
      this.retryIn(backoffDelay(0, this.opts.random));
      return;
    }
    this.retry();
  }

  private halt() {
    this.halted = true;
    clearTimeout(this.timer);
    this.setStatus('offline');
  }

  private retry() {
    this.retryIn(backoffDelay(this.attempt, this.opts.random));
  }

  private retryIn(ms: number) {
    clearTimeout(this.timer);
    this.attempt++;
    this.generation++;
    this.ticketPending = false;
    if (!this.isOnline()) {
      this.setStatus('offline');
      return;
    }
    this.setStatus('reconnecting');
    this.timer = setTimeout(() => this.connect(), ms);
  }

  private ping() {
    if (this.send({ type: 'ping', ts: Date.now() })) this.heard = false;
  }

  /** A socket that stays silent for a whole interval after a ping is dead (sleep, a lost network). */
  private startPing() {
    clearInterval(this.pingTimer);
    this.heard = true;
    const interval = this.opts.pingIntervalMs ?? 25_000;
    this.pingTimer = setInterval(() => {
      if (!this.heard) {
        this.dead();
        return;
      }
      this.ping();
    }, interval);
  }

  /** The socket stopped answering: drop it and connect again soon. */
  private dead() {
    const ws = this.ws;
    this.ws = null;
    this.welcomed = false;
    this.stopPing();
    ws?.close(4000);
    this.retryIn(backoffDelay(0, this.opts.random));
  }

  private stopPing() {
    clearTimeout(this.syncTimer);
    clearTimeout(this.wakeTimer);
    clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }
}
