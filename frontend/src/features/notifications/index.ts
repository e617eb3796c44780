export { notificationKeys } from './api/keys';
export { NotificationsPage } from './components/notifications-page';
export { UnreadBadge, unreadPhrase, useUnreadName } from './components/unread-badge';
