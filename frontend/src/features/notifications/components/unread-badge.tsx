import { cn } from '@/lib/cn';
import { formatNumber } from '@/lib/format';

import { useUnreadCount } from '../api/get-notifications';

/** "3 unread notifications": what the badge says to a screen reader. */
export const unreadPhrase = (count: number) => `${formatNumber(count)} unread ${count === 1 ? 'notification' : 'notifications'}`;

/**
 * The accessible name of a control carrying the badge ("Notifications, 3 unread notifications"), or
 * undefined at zero (the control's own text is its name). An explicit name rather than hidden text inside
 * the control: browsers join the text of block-level children (a flex row's items, a visually hidden
 * span, which is absolutely positioned) with a space, which read "Notifications , 3 unread".
 */
export function useUnreadName(name: string): string | undefined {
  const { data: count } = useUnreadCount();
  return count ? `${name}, ${unreadPhrase(count)}` : undefined;
}

/** The unread count beside "Notifications" in the navigation (nothing when zero); the control names it (useUnreadName). */
export function UnreadBadge({ className }: { className?: string }) {
  const { data: count } = useUnreadCount();
  if (!count) return null;
  return (
    <span
      data-testid="unread-badge"
      aria-hidden
      className={cn('inline-flex h-5 min-w-5 items-center justify-center rounded-full bg-accent px-1.5 text-[11px] leading-none font-semibold text-on-accent tabular-nums', className)}
    >
      {count > 99 ? '99+' : formatNumber(count)}
    </span>
  );
}
