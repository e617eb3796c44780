import { cn } from '@/lib/cn';
import { formatNumber } from '@/lib/format';

import { useUnreadCount } from '../api/get-notifications';

/** The unread count beside "Notifications" in the navigation (nothing when zero). */
export function UnreadBadge({ className }: { className?: string }) {
  const { data: count } = useUnreadCount();
  if (!count) return null;
  return (
    <span
      data-testid="unread-badge"
      className={cn('inline-flex h-5 min-w-5 items-center justify-center rounded-full bg-accent px-1.5 text-[11px] leading-none font-semibold text-on-accent tabular-nums', className)}
    >
      <span aria-hidden>{count > 99 ? '99+' : formatNumber(count)}</span>
      {/* The comma keeps it a separate phrase inside a link's name ("Notifications, 3 unread notifications"). */}
      <span className="sr-only">{`, ${formatNumber(count)} unread ${count === 1 ? 'notification' : 'notifications'}`}</span>
    </span>
  );
}
