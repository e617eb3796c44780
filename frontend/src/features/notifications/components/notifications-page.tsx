export function NotificationsPage() {
  return <h1 className="text-lg font-semibold">Notifications</h1>;
}
