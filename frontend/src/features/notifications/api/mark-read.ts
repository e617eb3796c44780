import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api-client';
import type { Notification } from '@/types/models';

import type { NotificationPage } from './get-notifications';
import { notificationKeys } from './keys';

type Snapshot = [readonly unknown[], unknown][];

/** Every cached notification entry, to put back if the write fails. */
function snapshot(qc: QueryClient): Snapshot {
  return qc.getQueriesData({ queryKey: notificationKeys.all });
}

function restore(qc: QueryClient, saved: Snapshot | undefined) {
  for (const [key, data] of saved ?? []) qc.setQueryData(key, data);
}

/** Applies `change` to every cached page and sets the unread count to `unread(count)`. */
function patchCaches(qc: QueryClient, change: (n: Notification) => Notification, unread: (count: number) => number) {
  const readAt = new Date().toISOString();
  qc.setQueriesData<NotificationPage>({ queryKey: notificationKeys.lists() }, (page) =>
    page
      ? {
          ...page,
          unread_count: unread(page.unread_count),
          results: page.results.map((n) => {
            const next = change(n);
            return next.read && !n.read ? { ...next, read_at: next.read_at ?? readAt } : next;
          }),
        }
      : page,
  );
  qc.setQueryData<number>(notificationKeys.unreadCount(), (count) => (count === undefined ? count : unread(count)));
}

function wasUnread(qc: QueryClient, id: number): boolean {
  return qc
    .getQueriesData<NotificationPage>({ queryKey: notificationKeys.lists() })
    .some(([, page]) => page?.results.some((n) => n.id === id && !n.read));
}

/** Marks one notification read, at once in the list and the badge; the server's answer follows. */
export function useMarkRead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(api.POST('/api/v1/notifications/{notification_id}/read/', { params: { path: { notification_id: id } } })) as Promise<Notification>,
    onMutate: async (id) => {
      await qc.cancelQueries({ queryKey: notificationKeys.all });
      const saved = snapshot(qc);
      if (wasUnread(qc, id)) patchCaches(qc, (n) => (n.id === id ? { ...n, read: true } : n), (c) => Math.max(0, c - 1));
      return { saved };
    },
    onError: (_e, _id, context) => restore(qc, context?.saved),
    onSettled: () => qc.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}

export function useMarkAllRead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/notifications/read-all/')),
    onMutate: async () => {
      await qc.cancelQueries({ queryKey: notificationKeys.all });
      const saved = snapshot(qc);
      patchCaches(qc, (n) => (n.read ? n : { ...n, read: true }), () => 0);
      return { saved };
    },
    onError: (_e, _v, context) => restore(qc, context?.saved),
    onSettled: () => qc.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}
