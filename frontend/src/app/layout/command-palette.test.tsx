import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { delay, http, HttpResponse } from 'msw';
import { Outlet, RouterProvider, createMemoryRouter, useParams } from 'react-router';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { CommandPalette } from '@/features/command-palette';
import { useCommands } from '@/lib/commands';
import { rememberProject } from '@/lib/recent-projects';
import { useUiStore } from '@/stores/ui-store';
import { signIn } from '@/testing/fixtures';
import { server } from '@/testing/mocks/server';
import type { SearchResult } from '@/types/models';

import { useGlobalCommands } from './use-global-commands';

beforeAll(() => {
  // jsdom lays nothing out; cmdk scrolls the chosen option into view.
  Element.prototype.scrollIntoView ??= () => {};
  // cmdk sizes its list with a ResizeObserver, which jsdom lacks.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});

beforeEach(() => {
  useUiStore.setState({ paletteOpen: false, theme: 'system', shortcutsOpen: false });
  signIn();
});

function Shell() {
  useGlobalCommands();
  return (
    <>
      <Outlet />
      <CommandPalette />
    </>
  );
}

function ProjectStub() {
  const { projectId } = useParams();
  useCommands([{ id: 'project.transition.start', title: 'Start project', group: 'This project', scope: 'page', run: () => document.title = `started ${projectId}` }]);
  return <h1>Project {projectId}</h1>;
}

function renderApp(path = '/') {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Infinity } } });
  const router = createMemoryRouter(
    [
      {
        element: <Shell />,
        children: [
          {
            index: true,
            element: (
              <>
                <h1>Dashboard</h1>
                <input aria-label="Notes" />
              </>
            ),
          },
          { path: 'projects', element: <h1>All projects</h1> },
          { path: 'projects/new', element: <h1>New project</h1> },
          { path: 'projects/:projectId', element: <ProjectStub /> },
          { path: 'notifications', element: <h1>Notifications</h1> },
          { path: 'trash', element: <h1>Trash</h1> },
          { path: 'profile', element: <h1>Profile</h1> },
        ],
      },
    ],
    { initialEntries: [path] },
  );
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { router };
}

const hit = (overrides: Partial<SearchResult>): SearchResult => ({
  type: 'project', id: 7, project_id: 7, title: 'Beacon mobile app', title_highlighted: '<mark>Beacon</mark> mobile app', snippet: '', status: 'active', health: 'on_track', rank: 0.9,
  ...overrides,
});

async function openPalette() {
  await userEvent.keyboard('{Control>}k{/Control}');
  const dialog = await screen.findByRole('dialog', { name: 'Command palette' });
  const input = await within(dialog).findByRole('combobox', { name: 'Search projects or type a command' });
  await waitFor(() => expect(input).toHaveFocus());
  return { dialog, input };
}

const optionNames = (dialog: HTMLElement) => within(dialog).queryAllByRole('option').map((o) => o.textContent);

describe('the command palette', () => {
  it('opens with Ctrl+K even from a text field, keeps the browser from its own Ctrl+K, and Esc gives the focus back', async () => {
    renderApp();
    const notes = await screen.findByLabelText('Notes');
    notes.focus();
    const notPrevented = fireEvent.keyDown(notes, { key: 'k', ctrlKey: true });
    expect(notPrevented).toBe(false);
    const dialog = await screen.findByRole('dialog', { name: 'Command palette' });
    const input = await within(dialog).findByRole('combobox', { name: 'Search projects or type a command' });
    await waitFor(() => expect(input).toHaveFocus());
    expect(input).toHaveAttribute('aria-expanded', 'true');
    expect(within(dialog).getByRole('listbox')).toBeInTheDocument();
    // Grouped: each heading labels its options.
    expect(within(dialog).getByRole('group', { name: 'Go to' })).toContainElement(within(dialog).getByRole('option', { name: /Go to dashboard/ }));
    expect(within(dialog).getByRole('group', { name: 'Preferences' })).toBeInTheDocument();

    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(notes).toHaveFocus();

    // ⌘K as well, and pressed again it closes.
    fireEvent.keyDown(notes, { key: 'K', metaKey: true });
    expect(await screen.findByRole('dialog', { name: 'Command palette' })).toBeInTheDocument();
    fireEvent.keyDown(document.activeElement ?? document.body, { key: 'k', metaKey: true });
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('filters commands as you type; arrows move the choice, Enter runs it once the palette has closed', async () => {
    server.use(http.get('/api/v1/search/', () => HttpResponse.json({ q: 'go', count: 0, results: [] })));
    const { router } = renderApp();
    const { dialog } = await openPalette();
    await userEvent.keyboard('go to');
    await waitFor(() => expect(optionNames(dialog)).toEqual(['Go to dashboardg d', 'Go to projectsg p', 'Go to notificationsg n', 'Go to trashg t', 'Go to profile']));
    expect(within(dialog).getByRole('option', { name: /Go to dashboard/ })).toHaveAttribute('aria-selected', 'true');
    // The typed words are marked.
    expect(within(dialog).getByRole('option', { name: /Go to trash/ }).querySelectorAll('mark')).toHaveLength(2);
    await userEvent.keyboard('{ArrowDown}');
    expect(within(dialog).getByRole('option', { name: /Go to projects/ })).toHaveAttribute('aria-selected', 'true');
    await userEvent.keyboard('{ArrowUp}{ArrowUp}');
    expect(within(dialog).getByRole('option', { name: /Go to profile/ })).toHaveAttribute('aria-selected', 'true');
    await userEvent.keyboard('{ArrowDown}{ArrowDown}{Enter}');
    await waitFor(() => expect(router.state.location.pathname).toBe('/projects'));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(await screen.findByRole('heading', { name: 'All projects' })).toBeInTheDocument();
  });

  it('the pointer chooses too', async () => {
    const { router } = renderApp();
    const { dialog } = await openPalette();
    await userEvent.click(within(dialog).getByRole('option', { name: /Go to trash/ }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/trash'));
  });

  it('searches projects as you type: debounced, the previous request aborted, highlighted, Enter opens it', async () => {
    const asked: string[] = [];
    const aborted: string[] = [];
    server.use(
      http.get('/api/v1/search/', async ({ request }) => {
        const q = new URL(request.url).searchParams.get('q') ?? '';
        asked.push(q);
        request.signal.addEventListener('abort', () => aborted.push(q));
        if (q === 'bea') {
          await delay(2_000);
          return HttpResponse.json({ q, count: 0, results: [] });
        }
        return HttpResponse.json({
          q,
          count: 2,
          results: [hit({}), hit({ type: 'milestone', id: 31, project_id: 8, title: 'Beacon launch', title_highlighted: '<mark>Beacon</mark> launch &amp; more', project_title: 'Orbit', status: 'pending' })],
        });
      }),
    );
    const { router } = renderApp();
    const { dialog } = await openPalette();
    await userEvent.keyboard('bea');
    await waitFor(() => expect(asked).toEqual(['bea']));
    expect(within(dialog).getByText('Searching…', { selector: 'p' })).toBeInTheDocument();
    expect(within(dialog).getByRole('status')).toHaveTextContent('Searching…');
    await userEvent.keyboard('con');
    const project = await within(dialog).findByRole('option', { name: /Beacon mobile app/ });
    // Only the two pauses were asked about, and the stale one was cancelled.
    expect(asked).toEqual(['bea', 'beacon']);
    await waitFor(() => expect(aborted).toEqual(['bea']));
    expect(project.querySelector('mark')?.textContent).toBe('Beacon');
    expect(project).toHaveTextContent('Active');
    expect(within(dialog).getByRole('group', { name: 'Projects' })).toContainElement(project);
    const milestone = within(dialog).getByRole('option', { name: /Beacon launch/ });
    expect(milestone).toHaveTextContent('Beacon launch & more');
    expect(milestone).toHaveTextContent('in Orbit');
    expect(within(dialog).getByRole('status')).toHaveTextContent('2 results.');
    expect(project).toHaveAttribute('aria-selected', 'true');
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(router.state.location.pathname).toBe('/projects/7'));
  });

  it('says when nothing matches, and when the search fails offers it again', async () => {
    let fail = true;
    server.use(
      http.get('/api/v1/search/', ({ request }) => {
        const q = new URL(request.url).searchParams.get('q') ?? '';
        if (q === 'zzz') return HttpResponse.json({ q, count: 0, results: [] });
        if (fail) return HttpResponse.json({ error: { code: 'server_error', message: 'The server had a problem.', details: {} } }, { status: 500 });
        return HttpResponse.json({ q, count: 1, results: [hit({ title: 'Quasar', title_highlighted: '<mark>Quasar</mark>' })] });
      }),
    );
    renderApp();
    const { dialog, input } = await openPalette();
    await userEvent.keyboard('zzz');
    expect(await within(dialog).findByText('No projects or commands match “zzz”.')).toBeInTheDocument();
    expect(within(dialog).getByRole('status')).toHaveTextContent('No results.');

    await userEvent.clear(input);
    await userEvent.keyboard('quasar');
    expect(await within(dialog).findByText(/Search failed: The server had a problem/)).toBeInTheDocument();
    const retry = within(dialog).getByRole('option', { name: 'Try the search again' });
    expect(retry).toHaveAttribute('aria-selected', 'true');
    fail = false;
    await userEvent.keyboard('{Enter}');
    expect(await within(dialog).findByRole('option', { name: /Quasar/ })).toBeInTheDocument();
    expect(within(dialog).queryByText(/Search failed/)).not.toBeInTheDocument();
  });

  it('offers the projects opened last while nothing is typed', async () => {
    rememberProject({ id: 3, title: 'Cobalt data pipeline' });
    rememberProject({ id: 4, title: 'Delta search tuning' });
    const { router } = renderApp();
    const { dialog } = await openPalette();
    const recent = within(dialog).getByRole('group', { name: 'Recent projects' });
    expect(within(recent).getAllByRole('option').map((o) => o.textContent)).toEqual(['Delta search tuningProject', 'Cobalt data pipelineProject']);
    await userEvent.click(within(recent).getByRole('option', { name: /Cobalt/ }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/projects/3'));
  });

  it('lists the page’s own commands first while the page is on screen, and not after it is gone', async () => {
    const { router } = renderApp('/projects/5');
    let { dialog } = await openPalette();
    const names = optionNames(dialog);
    expect(names[0]).toBe('Start project');
    expect(within(dialog).getByRole('group', { name: 'This project' })).toBeInTheDocument();
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(document.title).toBe('started 5'));

    await act(() => router.navigate('/'));
    ({ dialog } = await openPalette());
    expect(optionNames(dialog)).not.toContain('Start project');
    expect(within(dialog).queryByRole('group', { name: 'This project' })).not.toBeInTheDocument();
  });

  it('toggles dark mode, and says which mode is on', async () => {
    renderApp();
    let { dialog } = await openPalette();
    await userEvent.keyboard('dark');
    const toggle = await within(dialog).findByRole('option', { name: /Toggle dark mode/ });
    expect(toggle).toHaveTextContent('Now light');
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(useUiStore.getState().theme).toBe('dark'));
    ({ dialog } = await openPalette());
    await userEvent.keyboard('dark');
    expect(within(dialog).getByRole('option', { name: /Toggle dark mode/ })).toHaveTextContent('Now dark');
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(useUiStore.getState().theme).toBe('light'));
  });

  it('does not open over another dialog', async () => {
    renderApp();
    useUiStore.setState({ shortcutsOpen: true });
    const other = document.createElement('dialog');
    other.setAttribute('open', '');
    document.body.append(other);
    fireEvent.keyDown(document.body, { key: 'k', ctrlKey: true });
    await delay(50);
    expect(useUiStore.getState().paletteOpen).toBe(false);
    other.remove();
  });

  it('closes with its Cancel button (a touch screen has no Esc) and gives the focus back', async () => {
    renderApp();
    const notes = await screen.findByLabelText('Notes');
    notes.focus();
    const { dialog } = await openPalette();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(useUiStore.getState().paletteOpen).toBe(false);
    expect(notes).toHaveFocus();
  });
});
