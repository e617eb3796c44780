import { useRef } from 'react';
import { Link, useSearchParams } from 'react-router';

import { Button } from '@/components/ui/button';
import { EmptyState, ErrorState, LoadingRows } from '@/components/ui/states';
import { errorMessage } from '@/lib/api-error';
import { cn } from '@/lib/cn';
import { formatDate, formatNumber, formatRelative } from '@/lib/format';
import { kindLabel } from '@/lib/notification-kinds';
import { useDocumentTitle } from '@/lib/use-document-title';
import { toast } from '@/stores/toast-store';
import type { Notification } from '@/types/models';

import { NOTIFICATIONS_PAGE_SIZE, useNotifications } from '../api/get-notifications';
import { useMarkAllRead, useMarkRead } from '../api/mark-read';

const longDateTime: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };

function NotificationRow({ n, onRead }: { n: Notification; onRead: (id: number) => void }) {
  const rowRef = useRef<HTMLLIElement>(null);
  const title = n.project_id ? (
    <Link to={`/projects/${n.project_id}`} onClick={() => !n.read && onRead(n.id)} className="hover:underline">
      {n.title}
    </Link>
  ) : (
    n.title
  );
  return (
    <li
      ref={rowRef}
      tabIndex={-1}
      className={cn('flex gap-3 px-4 py-3 outline-none focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-accent', !n.read && 'bg-accent/5')}
      data-unread={!n.read || undefined}
    >
      <span aria-hidden className={cn('mt-1.5 size-2 shrink-0 rounded-full', n.read ? 'bg-transparent' : 'bg-accent')} />
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-baseline gap-x-2 gap-y-0.5">
          <p className={cn('text-sm', n.read ? 'text-fg-muted' : 'font-semibold text-fg')}>
            {!n.read && <span className="sr-only">Unread: </span>}
            {title}
          </p>
          <span className="rounded border border-line px-1.5 text-[11px] text-fg-muted">{kindLabel(n.kind)}</span>
        </div>
        {n.body && <p className="mt-0.5 line-clamp-3 text-sm whitespace-pre-line text-fg-muted">{n.body}</p>}
        <time dateTime={n.created_at} title={formatDate(n.created_at, longDateTime)} className="mt-1 block text-xs text-fg-subtle">
          {formatRelative(n.created_at)}
        </time>
      </div>
      {!n.read && (
        <Button size="sm" variant="ghost" className="shrink-0 self-start" onClick={() => {
            // The button goes away once read: keep the keyboard on this notification.
            rowRef.current?.focus();
            onRead(n.id);
          }}
          aria-label={`Mark “${n.title}” as read`}>
          Mark read
        </Button>
      )}
    </li>
  );
}

function FilterToggle({ unread, onChange }: { unread: boolean; onChange: (unread: boolean) => void }) {
  return (
    <div role="group" aria-label="Show" className="flex rounded-md border border-line p-0.5">
      {([false, true] as const).map((value) => (
        <button
          key={String(value)}
          type="button"
          aria-pressed={unread === value}
          onClick={() => onChange(value)}
          className={cn('rounded px-2 py-1 text-xs', unread === value ? 'bg-subtle font-medium' : 'text-fg-muted hover:text-fg')}
        >
          {value ? 'Unread' : 'All'}
        </button>
      ))}
    </div>
  );
}

function pageFrom(raw: string | null): number {
  const n = Number(raw);
  return Number.isInteger(n) && n > 1 ? n : 1;
}

export function NotificationsPage() {
  useDocumentTitle('Notifications');
  const [search, setSearch] = useSearchParams();
  const unread = search.get('show') === 'unread';
  const page = pageFrom(search.get('page'));
  const query = useNotifications({ unread, page });
  const markRead = useMarkRead();
  const markAll = useMarkAllRead();
  const count = query.data?.count ?? 0;
  const unreadCount = query.data?.unread_count ?? 0;
  const pages = Math.max(1, Math.ceil(count / NOTIFICATIONS_PAGE_SIZE));
  const setParams = (next: { unread?: boolean; page?: number }) =>
    setSearch(() => {
      const p = new URLSearchParams();
      if (next.unread ?? unread) p.set('show', 'unread');
      if ((next.page ?? 1) > 1) p.set('page', String(next.page));
      return p;
    });
  const onRead = (id: number) => markRead.mutate(id, { onError: (e) => toast(`Could not mark it read: ${errorMessage(e)}`, { tone: 'error' }) });
  const onReadAll = () =>
    markAll.mutate(undefined, {
      onSuccess: () => toast('All notifications marked read', { tone: 'success' }),
      onError: (e) => toast(`Could not mark all read: ${errorMessage(e)}`, { tone: 'error' }),
    });
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-lg font-semibold">Notifications</h1>
          <p className="text-xs text-fg-muted" aria-live="polite">
            {query.data ? (unreadCount ? `${formatNumber(unreadCount)} unread` : 'All read') : '\u00a0'}
          </p>
        </div>
        <div className="flex items-center gap-2">
          <FilterToggle unread={unread} onChange={(value) => setParams({ unread: value, page: 1 })} />
          <Button size="sm" onClick={onReadAll} disabled={!query.data || unreadCount === 0} loading={markAll.isPending}>
            Mark all read
          </Button>
        </div>
      </div>
      {query.isPending ? (
        <LoadingRows rows={6} label="Loading notifications" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} title="Could not load notifications" />
      ) : query.data.results.length === 0 ? (
        unread ? (
          <EmptyState title="You are all caught up" action={<Button onClick={() => setParams({ unread: false, page: 1 })}>Show all</Button>}>
            No unread notifications.
          </EmptyState>
        ) : count > 0 ? (
          <EmptyState title="Nothing on this page" action={<Button onClick={() => setParams({ page: 1 })}>Go to the first page</Button>} />
        ) : (
          <EmptyState title="No notifications yet">Status changes, assignments and milestones of your projects appear here.</EmptyState>
        )
      ) : (
        <ul
          aria-label="Notifications"
          className={cn('divide-y divide-line overflow-hidden rounded-lg border border-line bg-surface transition-opacity', query.isPlaceholderData && 'opacity-60')}
        >
          {query.data.results.map((n) => (
            <NotificationRow key={n.id} n={n} onRead={onRead} />
          ))}
        </ul>
      )}
      {pages > 1 && (
        <nav aria-label="Pagination" className="flex items-center justify-end gap-2 text-xs text-fg-muted">
          <Button size="sm" disabled={page <= 1} onClick={() => setParams({ page: page - 1 })}>
            Previous
          </Button>
          <span>
            Page {formatNumber(page)} of {formatNumber(pages)}
          </span>
          <Button size="sm" disabled={page >= pages} onClick={() => setParams({ page: page + 1 })}>
            Next
          </Button>
        </nav>
      )}
    </div>
  );
}
