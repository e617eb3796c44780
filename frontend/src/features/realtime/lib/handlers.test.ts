import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { dashboardKeys } from '@/features/dashboard/api/keys';
import { notificationKeys } from '@/features/notifications/api/keys';
import { projectKeys } from '@/features/projects/api/keys';
import { makeProject } from '@/testing/fixtures';
import { useLiveStore } from '@/stores/live-store';
import type { Paginated, Project } from '@/types/models';

import { createLiveHandlers, DASHBOARD_DEBOUNCE_MS, LIST_DEBOUNCE_MS } from './handlers';
import type { LiveEvent } from './types';

let qc: QueryClient;

const page = (results: Project[]): Paginated<Project> => ({ count: results.length, next: null, previous: null, results });

const projectEvent = (id: number, type = 'project.updated', changes: LiveEvent['data']['changes'] = { title: ['a', 'b'] }): LiveEvent => ({
  id,
  type,
  project_id: 1,
  version: 3 + id,
  actor: { id: 2, name: 'Sam Lead' },
  data: { target_type: 'project', target_id: 1, changes, metadata: {}, prev_id: null },
  ts: '2026-12-03T10:00:00Z',
});

beforeEach(() => {
  vi.useFakeTimers();
  qc = new QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Infinity, staleTime: Infinity } } });
  useLiveStore.setState({ flashes: {}, deleted: {}, bulk: {} });
});
afterEach(() => vi.useRealTimers());

describe('createLiveHandlers', () => {
  it('refreshes the dashboard once per burst of events, ~500 ms after the first', async () => {
    qc.setQueryData(dashboardKeys.summary(), { totals: {} });
    const h = createLiveHandlers(qc);
    const refetches: number[] = [];
    qc.getQueryCache().subscribe((e) => {
      if (e.type === 'updated' && e.action.type === 'invalidate') refetches.push(Date.now());
    });
    h.onEvent(projectEvent(1));
    h.onEvent(projectEvent(2));
    h.onMessage({ type: 'dashboard.stats', data: {}, ts: 1 });
    expect(qc.getQueryState(dashboardKeys.summary())?.isInvalidated).toBe(false);
    await vi.advanceTimersByTimeAsync(DASHBOARD_DEBOUNCE_MS);
    expect(qc.getQueryState(dashboardKeys.summary())?.isInvalidated).toBe(true);
    expect(refetches).toHaveLength(1);
    h.dispose();
  });

  it('flashes changed values and raises the deleted banner, cleared by a restore', () => {
    qc.setQueryData(projectKeys.detail(1), makeProject({ id: 1, version: 3 }));
    const h = createLiveHandlers(qc);
    h.onEvent(projectEvent(1));
    expect(useLiveStore.getState().flashes['project:1:title']).toBeTypeOf('number');
    h.onEvent(projectEvent(2, 'project.deleted', { deleted_at: [null, 'x'] }));
    expect(useLiveStore.getState().deleted[1]).toEqual({ actor: 'Sam Lead', at: '2026-12-03T10:00:00Z' });
    h.onEvent(projectEvent(3, 'project.restored', { deleted_at: ['x', null] }));
    expect(useLiveStore.getState().deleted[1]).toBeUndefined();
    h.dispose();
  });

  it("patches the viewer's own change without highlighting it; someone else's is highlighted", () => {
    qc.setQueryData(projectKeys.detail(1), makeProject({ id: 1, version: 3 }));
    const h = createLiveHandlers(qc);
    h.onWelcome(false, 2); // Sam Lead, the events' actor, is the viewer
    h.onEvent(projectEvent(1));
    expect(qc.getQueryData<Project>(projectKeys.detail(1))?.title).toBe('b');
    expect(useLiveStore.getState().flashes['project:1:title']).toBeUndefined();
    h.onWelcome(true, 5); // signed in again as someone else
    h.onEvent(projectEvent(2, 'project.updated', { title: ['b', 'c'] }));
    expect(useLiveStore.getState().flashes['project:1:title']).toBeTypeOf('number');
    h.dispose();
  });

  it('a new notification moves the unread badge and refreshes the lists', () => {
    qc.setQueryData(notificationKeys.unreadCount(), 2);
    qc.setQueryData(notificationKeys.list({}), { results: [] });
    const h = createLiveHandlers(qc);
    h.onMessage({ type: 'notification.created', id: 9, kind: 'assigned', title: 'T', body: '', project_id: 1, email_status: 'pending', ts: 'x' });
    expect(qc.getQueryData(notificationKeys.unreadCount())).toBe(3);
    expect(qc.getQueryState(notificationKeys.list({}))?.isInvalidated).toBe(true);
  });

  it('bulk progress and completion land in the store', () => {
    const h = createLiveHandlers(qc);
    h.onMessage({ type: 'bulk.progress', operation_id: 7, phase: 'applying', processed: 40, total: 200, ts: 'x' });
    expect(useLiveStore.getState().bulk[7]).toEqual({ operationId: 7, phase: 'applying', processed: 40, total: 200 });
    h.onEvent({ ...projectEvent(5), type: 'bulk.completed', project_id: null, version: null, data: { target_type: 'bulk_operation', target_id: 7, changes: {}, metadata: { succeeded: 200 }, prev_id: null } });
    expect(useLiveStore.getState().bulk[7]).toEqual({ operationId: 7, phase: 'completed', processed: 200, total: 200, result: { succeeded: 200 } });
  });

  it('a revoked subscription refetches what the cache holds of that project', () => {
    qc.setQueryData(projectKeys.detail(1), makeProject({ id: 1 }));
    qc.setQueryData(projectKeys.detail(2), makeProject({ id: 2 }));
    createLiveHandlers(qc).onMessage({ type: 'unsubscribed', topic: 'project:1', reason: 'access_revoked' });
    expect(qc.getQueryState(projectKeys.detail(1))?.isInvalidated).toBe(true);
    expect(qc.getQueryState(projectKeys.detail(2))?.isInvalidated).toBe(false);
  });

  it('back after a loss, the notifications are counted afresh (the user stream is not replayed)', () => {
    qc.setQueryData(notificationKeys.unreadCount(), 1);
    const h = createLiveHandlers(qc);
    h.onWelcome(false);
    expect(qc.getQueryState(notificationKeys.unreadCount())?.isInvalidated).toBe(false);
    h.onWelcome(true);
    expect(qc.getQueryState(notificationKeys.unreadCount())?.isInvalidated).toBe(true);
  });

  it('back after a loss, the lists refetch too (their projects.changed hints are not replayed)', () => {
    qc.setQueryData(projectKeys.list({ status: ['active'] }), page([makeProject({ id: 1 })]));
    const h = createLiveHandlers(qc);
    h.onWelcome(false);
    expect(qc.getQueryState(projectKeys.list({ status: ['active'] }))?.isInvalidated).toBe(false);
    h.onWelcome(true);
    expect(qc.getQueryState(projectKeys.list({ status: ['active'] }))?.isInvalidated).toBe(true);
  });

  it('projects.changed refetches just the lists a project they do not show may now join: at once, then at most once per window', async () => {
    const active = projectKeys.list({ status: ['active'], ordering: 'title' });
    const planning = projectKeys.list({ status: ['planning'], ordering: 'title' });
    const byTitle = projectKeys.list({ ordering: 'title' });
    qc.setQueryData(active, page([makeProject({ id: 1, status: 'active' })]));
    qc.setQueryData(planning, page([makeProject({ id: 2, status: 'planning' })]));
    qc.setQueryData(byTitle, page([makeProject({ id: 1 }), makeProject({ id: 2 })]));
    const invalidated: string[] = [];
    const invalidate = qc.invalidateQueries.bind(qc);
    vi.spyOn(qc, 'invalidateQueries').mockImplementation((filters, options) => {
      invalidated.push(JSON.stringify(filters?.queryKey));
      return invalidate(filters, options);
    });
    const h = createLiveHandlers(qc);
    // Project 2 moves from planning to active: the active list does not show it; the planning list does
    // (its own event handles that row), and the title-ordered list is not about status.
    h.onMessage({ type: 'projects.changed', projects: [{ id: 2, verbs: ['project.transitioned'], fields: ['status'] }], ts: 1 });
    expect(invalidated).toEqual([JSON.stringify(active)]);
    // Within the window: collected, then refetched together once at its end.
    h.onMessage({ type: 'projects.changed', projects: [{ id: 9, verbs: ['project.updated'], fields: ['status'] }], ts: 2 });
    h.onMessage({ type: 'projects.changed', projects: [{ id: 8, verbs: ['project.updated'], fields: ['status'] }], ts: 3 });
    expect(invalidated).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(LIST_DEBOUNCE_MS);
    expect(invalidated).toEqual([JSON.stringify(active), JSON.stringify(active), JSON.stringify(planning)]);
    expect(qc.getQueryState(byTitle)?.isInvalidated).toBe(false);
    // A quiet window ends the cooling: the next hint refetches at once again.
    await vi.advanceTimersByTimeAsync(LIST_DEBOUNCE_MS);
    h.onMessage({ type: 'projects.changed', projects: [{ id: 7, verbs: ['project.created'], fields: [] }], ts: 4 });
    expect(invalidated).toHaveLength(6); // every list: a new project may match any of them
    h.dispose();
  });

  it('resync marks every query stale', () => {
    qc.setQueryData(projectKeys.detail(1), makeProject({ id: 1 }));
    qc.setQueryData(notificationKeys.unreadCount(), 1);
    createLiveHandlers(qc).onResync();
    expect(qc.getQueryState(projectKeys.detail(1))?.isInvalidated).toBe(true);
    expect(qc.getQueryState(notificationKeys.unreadCount())?.isInvalidated).toBe(true);
  });
});
