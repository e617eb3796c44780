import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { FakeWebSocket } from '@/testing/fake-websocket';

import { backoffDelay, LiveConnection, type ConnectionOptions } from './connection';
import type { LiveEvent, LiveStatus } from './types';

const event = (id: number, projectId = 7, version = 3): LiveEvent => ({
  id,
  type: 'project.updated',
  project_id: projectId,
  version,
  actor: { id: 2, name: 'Sam' },
  data: { target_type: 'project', target_id: projectId, changes: { title: ['a', 'b'] }, metadata: {}, prev_id: null },
  ts: '2026-12-03T10:00:00Z',
});

function setup(overrides: Partial<ConnectionOptions> = {}) {
  const statuses: LiveStatus[] = [];
  const events: LiveEvent[] = [];
  let online = true;
  const opts = {
    url: (t: string) => `ws://pulse.test/ws/?ticket=${t}`,
    getTicket: vi.fn(async () => 'tkt'),
    refreshSession: vi.fn(async () => true),
    onEvent: (e: LiveEvent) => events.push(e),
    onResync: vi.fn(),
    onStatus: (s: LiveStatus) => statuses.push(s),
    WebSocketImpl: FakeWebSocket as unknown as typeof WebSocket,
    random: () => 0.5,
    isOnline: () => online,
    pingIntervalMs: 25_000,
    ...overrides,
  };
  const conn = new LiveConnection(opts);
  return { conn, opts, statuses, events, setOnline: (v: boolean) => (online = v) };
}

/** Lets the ticket promise settle and the socket be created. */
const flush = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
  FakeWebSocket.reset();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('backoffDelay', () => {
  it('doubles per attempt with jitter between half and all of the step, capped at 30 s', () => {
    expect(backoffDelay(0, () => 0)).toBe(500);
    expect(backoffDelay(0, () => 1)).toBe(1000);
    expect(backoffDelay(3, () => 0)).toBe(4000);
    expect(backoffDelay(3, () => 1)).toBe(8000);
    expect(backoffDelay(12, () => 1)).toBe(30_000);
    expect(backoffDelay(50, () => 0)).toBe(15_000);
  });
});

describe('LiveConnection', () => {
  it('opens with a ticket, subscribes to its topics on welcome, and is live', async () => {
    const { conn, statuses } = setup();
    conn.setTopics(['user', 'dashboard']);
    conn.start();
    await flush();
    const ws = FakeWebSocket.last;
    expect(ws.url).toBe('ws://pulse.test/ws/?ticket=tkt');
    expect(statuses).toEqual([]);
    ws.accept();
    expect(ws.sentOfType('subscribe').map((m) => m.topic)).toEqual(['user', 'dashboard']);
    expect(ws.sentOfType('resume')).toEqual([]);
    expect(statuses).toEqual(['live']);
  });

  it('follows topic changes on an open socket', async () => {
    const { conn } = setup();
    conn.setTopics(['user', 'project:1']);
    conn.start();
    await flush();
    const ws = FakeWebSocket.last;
    ws.accept();
    conn.setTopics(['user', 'project:2']);
    expect(ws.sent.slice(2)).toEqual([
      { type: 'unsubscribe', topic: 'project:1' },
      { type: 'subscribe', topic: 'project:2' },
    ]);
  });

  it('dedupes events by id and resumes from the last one after a loss, with backoff', async () => {
    const { conn, events, statuses } = setup();
    conn.setTopics(['user', 'project:7']);
    conn.start();
    await flush();
    const first = FakeWebSocket.last;
    first.accept();
    first.serverSend(event(10));
    first.serverSend(event(10));
    first.serverSend(event(12));
    expect(events.map((e) => e.id)).toEqual([10, 12]);

    first.serverClose(1006);
    expect(statuses.at(-1)).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(749);
    expect(FakeWebSocket.instances).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    const second = FakeWebSocket.last;
    expect(second).not.toBe(first);
    second.accept();
    expect(second.sent).toEqual([
      { type: 'subscribe', topic: 'user' },
      { type: 'subscribe', topic: 'project:7' },
      { type: 'resume', last_id: 12 },
    ]);
    // The replay repeats what was seen; only the new one gets through.
    second.serverSend(event(12));
    second.serverSend(event(13));
    expect(events.map((e) => e.id)).toEqual([10, 12, 13]);
    expect(statuses).toEqual(['live', 'reconnecting', 'live']);
  });

  it('waits longer after each failed attempt and starts over once live', async () => {
    const { conn, opts } = setup({ getTicket: vi.fn().mockRejectedValue({ status: 0 }) });
    conn.start();
    await flush();
    expect(opts.getTicket).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(750); // attempt 0: 0.75 s
    expect(opts.getTicket).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1499); // attempt 1: 1.5 s
    expect(opts.getTicket).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(opts.getTicket).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(3000); // attempt 2: 3 s
    expect(opts.getTicket).toHaveBeenCalledTimes(4);
  });

  it('waits out a throttled ticket for its Retry-After', async () => {
    const getTicket = vi.fn().mockRejectedValueOnce({ status: 429, retryAfter: 12 }).mockResolvedValue('tkt');
    const { conn } = setup({ getTicket });
    conn.start();
    await flush();
    await vi.advanceTimersByTimeAsync(11_999);
    expect(getTicket).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(getTicket).toHaveBeenCalledTimes(2);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it('refreshes the session after a 4401 and stops after a second one until new tokens come', async () => {
    const { conn, opts, statuses } = setup();
    conn.start();
    await flush();
    FakeWebSocket.last.serverClose(4401);
    await flush();
    expect(opts.refreshSession).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeWebSocket.instances).toHaveLength(2);
    FakeWebSocket.last.serverClose(4401);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeWebSocket.instances).toHaveLength(2);
    expect(statuses.at(-1)).toBe('offline');

    conn.wake(); // a tab waking does not retry a refused session
    await flush();
    expect(FakeWebSocket.instances).toHaveLength(2);
    conn.wake({ auth: true }); // new tokens do
    await flush();
    expect(FakeWebSocket.instances).toHaveLength(3);
    FakeWebSocket.last.accept();
    expect(statuses.at(-1)).toBe('live');
  });

  it('stops when the ticket is refused for the session (401)', async () => {
    const { conn, statuses } = setup({ getTicket: vi.fn().mockRejectedValue({ status: 401 }) });
    conn.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeWebSocket.instances).toHaveLength(0);
    expect(statuses).toEqual(['offline']);
  });

  it('drops a forbidden topic (4403) and resubscribes the others', async () => {
    const { conn } = setup();
    conn.setTopics(['user', 'project:9', 'project:7']);
    conn.start();
    await flush();
    const ws = FakeWebSocket.last;
    ws.accept();
    ws.serverSend({ type: 'error', code: 'forbidden', topic: 'project:9' });
    ws.serverClose(4403);
    await vi.advanceTimersByTimeAsync(1000);
    FakeWebSocket.last.accept();
    expect(FakeWebSocket.last.sentOfType('subscribe').map((m) => m.topic)).toEqual(['user', 'project:7']);
  });

  it('backs off at least 30 s when the server limits it (4429)', async () => {
    const { conn } = setup();
    conn.start();
    await flush();
    FakeWebSocket.last.serverClose(4429);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(FakeWebSocket.instances).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeWebSocket.instances).toHaveLength(2);
  });

  it('is offline while the browser is, and reconnects at once when it is back', async () => {
    const { conn, statuses, setOnline } = setup();
    conn.start();
    await flush();
    FakeWebSocket.last.accept();
    setOnline(false);
    conn.offline();
    FakeWebSocket.last.serverClose(1006);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(statuses).toEqual(['live', 'offline']);
    setOnline(true);
    conn.wake();
    await flush();
    expect(FakeWebSocket.instances).toHaveLength(2);
  });

  it('wake skips the backoff wait', async () => {
    const { conn } = setup();
    conn.start();
    await flush();
    FakeWebSocket.last.accept();
    FakeWebSocket.last.serverClose(1006);
    FakeWebSocket.last.serverClose(1006);
    conn.wake();
    await flush();
    expect(FakeWebSocket.instances).toHaveLength(2);
  });

  it('treats a socket silent after a ping as dead and reconnects', async () => {
    const { conn } = setup();
    conn.start();
    await flush();
    const ws = FakeWebSocket.last;
    ws.accept();
    await vi.advanceTimersByTimeAsync(25_000);
    expect(ws.sentOfType('ping')).toHaveLength(1);
    ws.serverSend({ type: 'pong', ts: 1 });
    await vi.advanceTimersByTimeAsync(25_000);
    expect(ws.sentOfType('ping')).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(25_000); // no answer to the second ping
    expect(ws.closedWith).toBe(4000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeWebSocket.instances).toHaveLength(2);
  });

  it('refetches after a reconnect when no event had arrived to resume from', async () => {
    const onWelcome = vi.fn();
    const { conn, opts } = setup({ onWelcome });
    conn.start();
    await flush();
    FakeWebSocket.last.accept();
    expect(opts.onResync).not.toHaveBeenCalled();
    FakeWebSocket.last.serverClose(1006);
    await vi.advanceTimersByTimeAsync(1000);
    FakeWebSocket.last.accept();
    expect(FakeWebSocket.last.sentOfType('resume')).toEqual([]);
    expect(opts.onResync).toHaveBeenCalledTimes(1);
    expect(onWelcome.mock.calls).toEqual([[false, 1], [true, 1]]);
  });

  it('on waking with the socket open, pings it and replaces it if it stays silent for 5 s', async () => {
    const { conn } = setup();
    conn.start();
    await flush();
    const ws = FakeWebSocket.last;
    ws.accept();
    conn.wake();
    expect(ws.sentOfType('ping')).toHaveLength(1);
    ws.serverSend({ type: 'pong', ts: 1 });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(ws.closedWith).toBeUndefined();
    conn.wake();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(ws.closedWith).toBe(4000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeWebSocket.instances).toHaveLength(2);
  });

  it('asks for a refetch on resync', async () => {
    const { conn, opts } = setup();
    conn.start();
    await flush();
    FakeWebSocket.last.accept();
    FakeWebSocket.last.serverSend({ type: 'resync', reason: 'gap' });
    expect(opts.onResync).toHaveBeenCalledTimes(1);
  });

  it('stop closes the socket and never reconnects', async () => {
    const { conn } = setup();
    conn.start();
    await flush();
    const ws = FakeWebSocket.last;
    ws.accept();
    conn.stop();
    expect(ws.closedWith).toBe(1000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });
});

describe('LiveConnection frame budget', () => {
  it('spreads a large set of subscriptions under the server rate limit, and resumes after them', async () => {
    const { conn } = setup();
    const topics = ['user', ...Array.from({ length: 100 }, (_, i) => `project:${i + 1}`)];
    conn.setTopics(topics);
    conn.start();
    await flush();
    conn.lastId = 40;
    const ws = FakeWebSocket.last;
    ws.accept();
    expect(ws.sent).toHaveLength(50);
    expect(ws.sentOfType('resume')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(ws.sent.length).toBeLessThanOrEqual(59);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(ws.sentOfType('subscribe')).toHaveLength(101);
    expect(ws.sent.at(-1)).toEqual({ type: 'resume', last_id: 40 });
    // No more than the server's burst (60) plus its rate (10/s) in any window.
    expect(ws.sent.length).toBe(102);
  });

  it('an unsubscribe of a topic never sent costs nothing', async () => {
    const { conn } = setup();
    conn.start();
    await flush();
    const ws = FakeWebSocket.last;
    ws.accept();
    conn.setTopics(Array.from({ length: 60 }, (_, i) => `project:${i + 1}`));
    conn.setTopics(['user']);
    await vi.advanceTimersByTimeAsync(10_000);
    const subscribed = ws.sentOfType('subscribe').map((m) => m.topic);
    const unsubscribed = ws.sentOfType('unsubscribe').map((m) => m.topic);
    expect(unsubscribed.sort()).toEqual(subscribed.filter((t) => t !== 'user').sort());
    expect(subscribed).toHaveLength(51); // 50 at once; the other 10 were no longer wanted when budget came
    expect(subscribed).toContain('user');
  });
});
