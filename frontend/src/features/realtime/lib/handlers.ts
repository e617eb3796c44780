import type { QueryClient } from '@tanstack/react-query';

import { notificationKeys } from '@/features/notifications/api/keys';
import { projectKeys } from '@/features/projects/api/keys';
import { useLiveStore } from '@/stores/live-store';

import { accessRevoked, applyEvent, type ChangedProject, listsMayNowHold, refetchEverything, refreshDashboard } from './apply-event';
import type { LiveEvent, ServerMessage } from './types';

/** The dashboard refetches at most this often while events stream in. */
export const DASHBOARD_DEBOUNCE_MS = 500;
/** A list that may now hold another project refetches at once, then at most once in this long. */
export const LIST_DEBOUNCE_MS = 250;

/**
 * What the tab does with what arrives on its socket: events patch the query cache
 * (`applyEvent`) and the live store (flashes, deleted banners, bulk progress); the `user`
 * stream's notifications move the unread badge; `resync` refetches what is on screen.
 */
export function createLiveHandlers(qc: QueryClient) {
  let dashboardTimer: ReturnType<typeof setTimeout> | undefined;
  const dashboardSoon = () => {
    if (dashboardTimer !== undefined) return;
    dashboardTimer = setTimeout(() => {
      dashboardTimer = undefined;
      refreshDashboard(qc);
    }, DASHBOARD_DEBOUNCE_MS);
  };
  // List keys (by their hash) due for a refetch: the first hint's at once (a list gains its project
  // within about a second), what comes within the next LIST_DEBOUNCE_MS together at its end.
  const listsDue = new Map<string, readonly unknown[]>();
  let listTimer: ReturnType<typeof setTimeout> | undefined;
  const flushLists = () => {
    const due = [...listsDue.values()];
    listsDue.clear();
    for (const key of due) void qc.invalidateQueries({ queryKey: key, exact: true });
  };
  const cooled = () => {
    listTimer = undefined;
    if (listsDue.size === 0) return;
    flushLists();
    listTimer = setTimeout(cooled, LIST_DEBOUNCE_MS);
  };
  const listsSoon = (keys: (readonly unknown[])[]) => {
    for (const key of keys) listsDue.set(JSON.stringify(key), key);
    if (listTimer !== undefined || listsDue.size === 0) return;
    flushLists();
    listTimer = setTimeout(cooled, LIST_DEBOUNCE_MS);
  };
  const store = () => useLiveStore.getState();
  // The signed-in person, from the socket's welcome: their own changes patch the cache like anyone's
  // but are not highlighted as news (the event can beat the PATCH's own response to the cache).
  let self: number | null = null;

  return {
    onEvent(event: LiveEvent) {
      const outcome = applyEvent(qc, event);
      if (self === null || event.actor?.id !== self) store().flash(outcome.flashes);
      if (outcome.deleted) store().markDeleted(outcome.deleted.projectId, { actor: outcome.deleted.actor, at: outcome.deleted.at });
      if (outcome.restored !== undefined) store().clearDeleted(outcome.restored);
      if (outcome.bulkCompleted) {
        const { operationId, result } = outcome.bulkCompleted;
        const previous = store().bulk[operationId];
        store().bulkProgress({ operationId, phase: 'completed', processed: previous?.total ?? 0, total: previous?.total ?? 0, result });
      }
      if (outcome.dashboard) dashboardSoon();
    },
    onMessage(message: ServerMessage) {
      if (message.type === 'notification.created') {
        qc.setQueryData<number>(notificationKeys.unreadCount(), (n) => (typeof n === 'number' ? n + 1 : n));
        void qc.invalidateQueries({ queryKey: notificationKeys.lists() });
      } else if (message.type === 'notification.email_status') {
        void qc.invalidateQueries({ queryKey: notificationKeys.lists() });
      } else if (message.type === 'bulk.progress' && typeof message.operation_id === 'number') {
        store().bulkProgress({
          operationId: message.operation_id,
          phase: String(message.phase),
          processed: Number(message.processed),
          total: Number(message.total),
        });
      } else if (message.type === 'projects.changed' && Array.isArray(message.projects)) {
        listsSoon(listsMayNowHold(qc, message.projects as ChangedProject[]));
      } else if (message.type === 'dashboard.stats') {
        dashboardSoon();
      } else if (message.type === 'unsubscribed' && message.reason === 'access_revoked' && typeof message.topic === 'string') {
        const projectId = Number(message.topic.replace('project:', ''));
        if (Number.isInteger(projectId) && projectId > 0) accessRevoked(qc, projectId);
      }
    },
    onResync() {
      refetchEverything(qc);
    },
    onWelcome(again: boolean, userId: number | null = null) {
      self = userId;
      // The user stream's notifications are not replayed by a resume, nor are the lists' hints
      // (projects.changed): after a loss, count them afresh and refetch the lists on screen.
      if (again) {
        void qc.invalidateQueries({ queryKey: notificationKeys.all });
        void qc.invalidateQueries({ queryKey: projectKeys.lists() });
      }
    },
    dispose() {
      clearTimeout(dashboardTimer);
      clearTimeout(listTimer);
    },
  };
}
