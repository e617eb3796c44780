import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api-client';
import { getTokens } from '@/lib/auth-session';
import type { Notification, Paginated } from '@/types/models';

import { notificationKeys, type NotificationListParams } from './keys';

export const NOTIFICATIONS_PAGE_SIZE = 20;

/** A page of notifications; every page also carries the user's total unread count. */
export type NotificationPage = Paginated<Notification> & { unread_count: number };

async function getNotifications(params: NotificationListParams, pageSize = NOTIFICATIONS_PAGE_SIZE): Promise<NotificationPage> {
  const query = { page: params.page ?? 1, page_size: pageSize, ...(params.unread ? { unread: true } : {}) };
  const data = (await unwrap(api.GET('/api/v1/notifications/', { params: { query } }))) as Paginated<Notification> & {
    unread_count?: number;
  };
  return { ...data, unread_count: data.unread_count ?? 0 };
}

export const notificationsQueryOptions = (params: NotificationListParams) =>
  queryOptions({
    queryKey: notificationKeys.list(params),
    queryFn: async ({ client }) => {
      const data = await getNotifications(params);
      // The badge follows whatever page was fetched last, without a request of its own.
      client.setQueryData(notificationKeys.unreadCount(), data.unread_count);
      return data;
    },
    placeholderData: keepPreviousData,
  });

export const useNotifications = (params: NotificationListParams) => useQuery(notificationsQueryOptions(params));

/** The unread count alone: the smallest page, polled until the live layer pushes changes. */
export const unreadCountQueryOptions = () =>
  queryOptions({
    queryKey: notificationKeys.unreadCount(),
    queryFn: async () => (await getNotifications({ unread: true }, 1)).unread_count,
    staleTime: 15_000,
    refetchInterval: 60_000,
    refetchOnWindowFocus: true,
  });

export const useUnreadCount = () => useQuery({ ...unreadCountQueryOptions(), enabled: getTokens() !== null });
