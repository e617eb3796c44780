import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';

import { ToastRegion } from '@/components/ui/toast-region';
import { useToastStore } from '@/stores/toast-store';
import { signIn } from '@/testing/fixtures';
import { server } from '@/testing/mocks/server';
import { renderWithProviders } from '@/testing/render';
import type { Notification } from '@/types/models';

import { notificationKeys } from '../api/keys';
import { NotificationsPage } from './notifications-page';
import { UnreadBadge, useUnreadName } from './unread-badge';

function note(overrides: Partial<Notification> = {}): Notification {
  const id = overrides.id ?? 1;
  return {
    id, kind: 'project_transitioned', title: `Notification ${id}`, body: '', project_id: 12, target_type: 'project', target_id: 12,
    read: false, read_at: null, email_status: 'sent', email_message_id: '', email_attempts: 1,
    created_at: new Date(Date.now() - 3 * 3_600_000).toISOString(),
    ...overrides,
  };
}

/** A tiny notifications backend: state changes with the writes, so refetches see them. */
function serveNotifications(initial: Notification[]) {
  let items = initial.map((n) => ({ ...n }));
  const requests: { method: string; path: string; search: URLSearchParams }[] = [];
  const unread = () => items.filter((n) => !n.read).length;
  server.use(
    http.get('/api/v1/notifications/', ({ request }) => {
      const url = new URL(request.url);
      requests.push({ method: 'GET', path: url.pathname, search: url.searchParams });
      const only = url.searchParams.get('unread') === 'true';
      const size = Number(url.searchParams.get('page_size') ?? 20);
      const list = only ? items.filter((n) => !n.read) : items;
      return HttpResponse.json({ count: list.length, next: null, previous: null, results: list.slice(0, size), unread_count: unread() });
    }),
    http.post('/api/v1/notifications/:id/read/', ({ request, params }) => {
      requests.push({ method: 'POST', path: new URL(request.url).pathname, search: new URLSearchParams() });
      items = items.map((n) => (n.id === Number(params.id) ? { ...n, read: true, read_at: new Date().toISOString() } : n));
      return HttpResponse.json(items.find((n) => n.id === Number(params.id)));
    }),
    http.post('/api/v1/notifications/read-all/', ({ request }) => {
      requests.push({ method: 'POST', path: new URL(request.url).pathname, search: new URLSearchParams() });
      const marked = unread();
      items = items.map((n) => ({ ...n, read: true, read_at: n.read_at ?? new Date().toISOString() }));
      return HttpResponse.json({ marked });
    }),
  );
  return requests;
}

// As the app shell's navigation link: a flex row of the label and the badge, named by useUnreadName.
function NavLinkWithBadge() {
  return (
    <a href="/notifications" className="flex items-center justify-between" aria-label={useUnreadName('Notifications')}>
      <span>Notifications</span>
      <UnreadBadge />
    </a>
  );
}

const pageWithBadge = () => (
  <>
    <nav aria-label="Primary">
      <NavLinkWithBadge />
    </nav>
    <NotificationsPage />
    <ToastRegion />
  </>
);

const badgeLink = () => within(screen.getByRole('navigation', { name: 'Primary' })).getByRole('link');

beforeEach(() => useToastStore.setState({ toasts: [] }));

describe('NotificationsPage', () => {
  it('lists notifications with kind, time and a project link, unread ones marked', async () => {
    signIn();
    serveNotifications([
      note({ id: 1, title: 'Checkout moved to active', body: 'By Sam' }),
      note({ id: 2, kind: 'milestone_assigned', title: 'Beta milestone is yours', read: true, read_at: '2026-11-01T00:00:00Z', project_id: null }),
    ]);
    renderWithProviders(<NotificationsPage />, { path: '/notifications' });
    const list = await screen.findByRole('list', { name: 'Notifications' });
    const [first, second] = within(list).getAllByRole('listitem') as [HTMLElement, HTMLElement];
    expect(first).toHaveAttribute('data-unread', 'true');
    expect(within(first).getByText('Unread:')).toHaveClass('sr-only');
    expect(within(first).getByRole('link', { name: 'Checkout moved to active' })).toHaveAttribute('href', '/projects/12');
    expect(within(first).getByText('Status change')).toBeInTheDocument();
    expect(within(first).getByText('By Sam')).toBeInTheDocument();
    expect(within(first).getByText('3 hours ago')).toHaveAttribute('title');
    expect(second).not.toHaveAttribute('data-unread');
    expect(within(second).getByText('Milestone assigned')).toBeInTheDocument();
    expect(within(second).queryByRole('link')).toBeNull();
    expect(within(second).queryByRole('button', { name: /Mark/ })).toBeNull();
    expect(screen.getByText('1 unread')).toBeInTheDocument();
  });

  it('marks one read: POST to its URL, the row and the nav badge update', async () => {
    signIn();
    const requests = serveNotifications([note({ id: 5, title: 'First' }), note({ id: 6, title: 'Second' })]);
    const { queryClient } = renderWithProviders(pageWithBadge(), { path: '/notifications' });
    await screen.findByRole('list', { name: 'Notifications' });
    await waitFor(() => expect(badgeLink()).toHaveAccessibleName('Notifications, 2 unread notifications'));
    screen.getByRole('button', { name: 'Mark “First” as read' }).focus();
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(badgeLink()).toHaveAccessibleName('Notifications, 1 unread notification'));
    expect(screen.getByText('First').closest('li')).toHaveFocus();
    expect(requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual(['/api/v1/notifications/5/read/']);
    expect(screen.queryByRole('button', { name: 'Mark “First” as read' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Mark “Second” as read' })).toBeInTheDocument();
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));
  });

  it('marks all read: the badge disappears and the button is disabled', async () => {
    signIn();
    const requests = serveNotifications([note({ id: 5 }), note({ id: 6 }), note({ id: 7 })]);
    const { queryClient } = renderWithProviders(pageWithBadge(), { path: '/notifications' });
    await waitFor(() => expect(badgeLink()).toHaveAccessibleName('Notifications, 3 unread notifications'));
    await userEvent.click(screen.getByRole('button', { name: 'Mark all read' }));
    await waitFor(() => expect(screen.queryByTestId('unread-badge')).toBeNull());
    expect(requests.some((r) => r.method === 'POST' && r.path === '/api/v1/notifications/read-all/')).toBe(true);
    expect(await screen.findByText('All read')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Mark all read' })).toBeDisabled();
    expect(screen.queryAllByRole('button', { name: /as read$/ })).toHaveLength(0);
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));
  });

  it('puts the count back when marking all read fails', async () => {
    signIn();
    serveNotifications([note({ id: 5 }), note({ id: 6 })]);
    server.use(
      http.post('/api/v1/notifications/read-all/', () =>
        HttpResponse.json({ error: { code: 'server_error', message: 'Try later.', details: {} } }, { status: 500 }),
      ),
    );
    const { queryClient } = renderWithProviders(pageWithBadge(), { path: '/notifications' });
    await waitFor(() => expect(badgeLink()).toHaveAccessibleName('Notifications, 2 unread notifications'));
    await userEvent.click(screen.getByRole('button', { name: 'Mark all read' }));
    expect(await screen.findByText('Could not mark all read: Try later.')).toBeInTheDocument();
    expect(badgeLink()).toHaveAccessibleName('Notifications, 2 unread notifications');
    expect(screen.getAllByRole('button', { name: /as read$/ })).toHaveLength(2);
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));
  });

  it('filters to unread through the API and the URL, with its own empty state', async () => {
    signIn();
    const requests = serveNotifications([note({ id: 5, read: true, read_at: '2026-11-01T00:00:00Z' })]);
    const { router } = renderWithProviders(<NotificationsPage />, { path: '/notifications' });
    await screen.findByRole('list', { name: 'Notifications' });
    expect(requests.at(-1)?.search.has('unread')).toBe(false);
    await userEvent.click(screen.getByRole('button', { name: 'Unread' }));
    expect(router.state.location.search).toBe('?show=unread');
    expect(await screen.findByText('You are all caught up')).toBeInTheDocument();
    expect(requests.at(-1)?.search.get('unread')).toBe('true');
    expect(screen.getByRole('button', { name: 'Unread' })).toHaveAttribute('aria-pressed', 'true');
    await userEvent.click(screen.getByRole('button', { name: 'Show all' }));
    expect(router.state.location.search).toBe('');
  });

  it('shows the empty state and the error state', async () => {
    signIn();
    serveNotifications([]);
    const first = renderWithProviders(<NotificationsPage />, { path: '/notifications' });
    expect(await screen.findByText('No notifications yet')).toBeInTheDocument();
    first.unmount();
    server.use(http.get('/api/v1/notifications/', () => HttpResponse.json({ error: { code: 'server_error', message: 'Database unavailable.', details: {} } }, { status: 503 })));
    renderWithProviders(<NotificationsPage />, { path: '/notifications' });
    expect(screen.getByRole('status')).toHaveTextContent('Loading notifications');
    expect(await screen.findByRole('alert')).toHaveTextContent('Database unavailable.');
  });
});

describe('UnreadBadge', () => {
  it('asks for the smallest page and caps the visible number', async () => {
    signIn();
    const urls: URL[] = [];
    server.use(
      http.get('/api/v1/notifications/', ({ request }) => {
        urls.push(new URL(request.url));
        return HttpResponse.json({ count: 1, next: null, previous: null, results: [note()], unread_count: 130 });
      }),
    );
    renderWithProviders(
      <nav aria-label="Primary">
        <NavLinkWithBadge />
      </nav>,
    );
    expect(await screen.findByText('99+')).toHaveAttribute('aria-hidden', 'true');
    // The whole count, not the capped one, and no stray space before the comma.
    await waitFor(() => expect(badgeLink()).toHaveAccessibleName('Notifications, 130 unread notifications'));
    expect(urls[0]?.searchParams.get('page_size')).toBe('1');
  });

  it('renders nothing at zero', async () => {
    signIn();
    let asked = false;
    server.use(
      http.get('/api/v1/notifications/', () => {
        asked = true;
        return HttpResponse.json({ count: 0, next: null, previous: null, results: [], unread_count: 0 });
      }),
    );
    const { container, queryClient } = renderWithProviders(<UnreadBadge />);
    await waitFor(() => expect(queryClient.getQueryData(notificationKeys.unreadCount())).toBe(0));
    expect(asked).toBe(true);
    expect(container).toBeEmptyDOMElement();
  });
});
