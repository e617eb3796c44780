/** The unread count beside "Notifications" in the navigation (nothing when zero). */
export function UnreadBadge() {
  return null;
}
