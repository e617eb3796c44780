export { notificationKeys } from './api/keys';
export { NotificationsPage } from './components/notifications-page';
export { UnreadBadge } from './components/unread-badge';
