import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { ToastRegion } from '@/components/ui/toast-region';
import { projectKeys } from '@/features/projects';
import { useToastStore } from '@/stores/toast-store';
import { makeProject, signIn } from '@/testing/fixtures';
import { server } from '@/testing/mocks/server';
import { renderWithProviders } from '@/testing/render';
import type { TrashedProject } from '@/types/models';

import { daysLeft, TrashPage } from './trash-page';

const DAY = 86_400_000;

function trashed(overrides: Partial<TrashedProject> = {}): TrashedProject {
  const id = overrides.id ?? 7;
  const deleted = Date.now() - 2 * DAY;
  return {
    id, title: `Deleted ${id}`, status: 'active', owner: { id: 1, name: 'Dana Demo', email: 'dana@pulse.example' },
    deleted_at: new Date(deleted).toISOString(), deleted_by: { id: 2, name: 'Sam Admin', email: 'sam@pulse.example' },
    purge_after: new Date(deleted + 30 * DAY).toISOString(), version: 4,
    ...overrides,
  };
}

function serveTrash(pages: TrashedProject[][], count = pages.flat().length) {
  const urls: URL[] = [];
  server.use(
    http.get('/api/v1/projects/trash/', ({ request }) => {
      const url = new URL(request.url);
      urls.push(url);
      const page = Number(url.searchParams.get('page') ?? 1);
      return HttpResponse.json({ count, next: null, previous: null, results: pages[page - 1] ?? [] });
    }),
  );
  return urls;
}

const page = () => (
  <>
    <TrashPage />
    <ToastRegion />
  </>
);

beforeEach(() => useToastStore.setState({ toasts: [] }));

describe('TrashPage', () => {
  it('lists deleted projects with who deleted them, when, and the days left', async () => {
    signIn();
    serveTrash([[trashed({ id: 7, title: 'Old intranet' }), trashed({ id: 8, title: 'Soon gone', purge_after: new Date(Date.now() + 1.5 * DAY).toISOString() })]]);
    renderWithProviders(page(), { path: '/trash' });
    const list = await screen.findByRole('list', { name: 'Deleted projects' });
    const [first, second, ...rest] = within(list).getAllByRole('listitem') as [HTMLElement, HTMLElement, ...HTMLElement[]];
    expect(rest).toHaveLength(0);
    expect(within(first).getByText('Old intranet')).toBeInTheDocument();
    expect(within(first).getByText(/Deleted by Sam Admin/)).toBeInTheDocument();
    expect(within(first).getByText('2 days ago')).toHaveAttribute('dateTime', expect.stringMatching(/Z$/));
    expect(within(first).getByText('28 days left')).toBeInTheDocument();
    expect(within(second).getByText('2 days left')).toHaveClass('text-danger');
  });

  it('restores a project: POST without a body, toast with a link to it, lists invalidated', async () => {
    signIn();
    serveTrash([[trashed({ id: 7, title: 'Old intranet' })]]);
    const posts: { url: string; body: string; ifMatch: string | null }[] = [];
    server.use(
      http.post('/api/v1/projects/:id/restore/', async ({ request, params }) => {
        posts.push({ url: new URL(request.url).pathname, body: await request.text(), ifMatch: request.headers.get('If-Match') });
        return HttpResponse.json(makeProject({ id: Number(params.id), title: 'Old intranet' }));
      }),
    );
    const { queryClient, router } = renderWithProviders(page(), {
      path: '/trash',
      extraRoutes: [{ path: '/projects/:id', element: <p>project page</p> }],
    });
    queryClient.setQueryData(projectKeys.list({}), { count: 0, next: null, previous: null, results: [] });
    await userEvent.click(await screen.findByRole('button', { name: 'Restore Old intranet' }));
    expect(await screen.findByText('Restored “Old intranet”')).toBeInTheDocument();
    expect(posts).toEqual([{ url: '/api/v1/projects/7/restore/', body: '', ifMatch: null }]);
    expect(queryClient.getQueryState(projectKeys.list({}))?.isInvalidated).toBe(true);
    expect(queryClient.getQueryData(projectKeys.detail(7))).toMatchObject({ id: 7, title: 'Old intranet' });
    expect(screen.getByRole('heading', { name: 'Trash' })).toHaveFocus();
    await userEvent.click(screen.getByRole('button', { name: 'Open project' }));
    expect(router.state.location.pathname).toBe('/projects/7');
  });

  it('says why a restore failed', async () => {
    signIn();
    serveTrash([[trashed({ id: 7, title: 'Old intranet' })]]);
    server.use(
      http.post('/api/v1/projects/:id/restore/', () =>
        HttpResponse.json({ error: { code: 'permission_denied', message: 'Only the owner can restore this project.', details: {} } }, { status: 403 }),
      ),
    );
    renderWithProviders(page(), { path: '/trash' });
    await userEvent.click(await screen.findByRole('button', { name: 'Restore Old intranet' }));
    expect(await screen.findByText(/Only the owner can restore this project\./)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Restore Old intranet' })).toBeEnabled();
  });

  it('shows the empty state', async () => {
    signIn();
    serveTrash([[]]);
    renderWithProviders(page(), { path: '/trash' });
    expect(await screen.findByText('Trash is empty')).toBeInTheDocument();
    expect(screen.getByText('Deleted projects stay here for 30 days.')).toBeInTheDocument();
  });

  it('shows a skeleton while loading, then the error with a retry', async () => {
    signIn();
    let calls = 0;
    server.use(
      http.get('/api/v1/projects/trash/', async () => {
        calls += 1;
        await new Promise((r) => setTimeout(r, 50));
        return HttpResponse.json({ error: { code: 'server_error', message: 'Database unavailable.', details: {} } }, { status: 503 });
      }),
    );
    renderWithProviders(page(), { path: '/trash' });
    expect(screen.getByRole('status')).toHaveTextContent('Loading the trash');
    expect(await screen.findByRole('alert')).toHaveTextContent('Database unavailable.');
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await vi.waitFor(() => expect(calls).toBe(2));
  });

  it('pages through the API and the URL', async () => {
    signIn();
    const first = Array.from({ length: 20 }, (_, i) => trashed({ id: i + 1 }));
    const urls = serveTrash([first, [trashed({ id: 21, title: 'Last one' })]], 21);
    const { router } = renderWithProviders(page(), { path: '/trash' });
    await screen.findByText('Page 1 of 2');
    expect(urls.at(-1)?.searchParams.get('page')).toBe('1');
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText('Last one')).toBeInTheDocument();
    expect(router.state.location.search).toBe('?page=2');
    expect(urls.at(-1)?.searchParams.get('page')).toBe('2');
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
  });
});

describe('daysLeft', () => {
  it('rounds up and never goes below zero', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    expect(daysLeft('2026-12-02T11:00:00Z', now)).toBe(1);
    expect(daysLeft('2026-12-31T12:00:00Z', now)).toBe(30);
    expect(daysLeft('2026-11-30T12:00:00Z', now)).toBe(0);
  });
});
