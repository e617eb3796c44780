import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { projectKeys } from '@/features/projects/api/keys';
import { clearTokens } from '@/lib/auth-session';
import { useLiveStore } from '@/stores/live-store';
import { FakeWebSocket } from '@/testing/fake-websocket';
import { makeProject, signIn } from '@/testing/fixtures';
import { server } from '@/testing/mocks/server';
import type { Project } from '@/types/models';

import { LiveUpdates } from './live-updates';

beforeEach(() => {
  FakeWebSocket.reset();
  vi.stubGlobal('WebSocket', FakeWebSocket);
  useLiveStore.setState({ status: 'connecting', topics: {}, flashes: {}, deleted: {}, bulk: {} });
});
afterEach(() => vi.unstubAllGlobals());

describe('LiveUpdates', () => {
  it('opens the socket with a ticket, follows the topics on screen and patches the cache from events', async () => {
    signIn();
    let tickets = 0;
    server.use(http.post('/api/v1/auth/ws-ticket/', () => HttpResponse.json({ ticket: `t${++tickets}`, expires_in: 30, url: `/ws/?ticket=t${tickets}` }, { status: 201 })));
    const qc = new QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Infinity, staleTime: Infinity } } });
    qc.setQueryData(projectKeys.detail(1), makeProject({ id: 1, title: 'Old', version: 3 }));
    const { unmount } = render(
      <QueryClientProvider client={qc}>
        <LiveUpdates />
      </QueryClientProvider>,
    );
    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    const ws = FakeWebSocket.last;
    expect(ws.url).toBe(`ws://${window.location.host}/ws/?ticket=t1`);
    ws.accept();
    expect(useLiveStore.getState().status).toBe('live');
    expect(ws.sentOfType('subscribe').map((m) => m.topic)).toEqual(['user']);

    useLiveStore.getState().addTopics(['project:1']);
    expect(ws.sent.at(-1)).toEqual({ type: 'subscribe', topic: 'project:1' });
    ws.serverSend({
      id: 900,
      type: 'project.updated',
      project_id: 1,
      version: 4,
      actor: { id: 2, name: 'Sam Lead' },
      data: { target_type: 'project', target_id: 1, changes: { title: ['Old', 'New'] }, metadata: {}, prev_id: 899 },
      ts: '2026-12-03T10:00:00Z',
    });
    expect(qc.getQueryData<Project>(projectKeys.detail(1))).toMatchObject({ title: 'New', version: 4, etag: '"project-1-v4"' });
    expect(useLiveStore.getState().flashes['project:1:title']).toBeTypeOf('number');

    // Signing out (in any tab) ends the connection.
    clearTokens();
    expect(ws.closedWith).toBe(1000);
    expect(useLiveStore.getState().status).toBe('offline');
    unmount();
  });
});
