/**
 * Query keys of the signed-in user's notifications. One factory so the live layer (the `user`
 * topic) can patch the lists and the unread count an event touches.
 */
export type NotificationListParams = { unread?: boolean; page?: number };

export const notificationKeys = {
  all: ['notifications'] as const,
  lists: () => [...notificationKeys.all, 'list'] as const,
  list: (params: NotificationListParams) => [...notificationKeys.lists(), params] as const,
  unreadCount: () => [...notificationKeys.all, 'unread-count'] as const,
};
