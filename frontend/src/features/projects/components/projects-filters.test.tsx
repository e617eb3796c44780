import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';

import { makeProject, signIn } from '@/testing/fixtures';
import type { Tag } from '@/types/models';
import { server } from '@/testing/mocks/server';
import { renderWithProviders } from '@/testing/render';

import { ProjectsPage } from './projects-page';

/** Serves the project list and records every query string the page sent. */
function serveProjects(results = [makeProject({ id: 1, title: 'Checkout redesign' })], count = results.length) {
  const urls: URL[] = [];
  server.use(
    http.get('/api/v1/projects/', ({ request }) => {
      urls.push(new URL(request.url));
      return HttpResponse.json({ count, next: null, previous: null, results });
    }),
  );
  return urls;
}

const lastSent = (urls: URL[]) => urls.at(-1)?.searchParams;

const TAGS: Tag[] = [
  { id: 3, name: 'backend', colour: '#2563eb', project_count: 4, version: 1, etag: '"tag-3-v1"', created_at: '2026-01-01T00:00:00Z' },
  { id: 7, name: 'design', colour: '#db2777', project_count: 1, version: 1, etag: '"tag-7-v1"', created_at: '2026-01-01T00:00:00Z' },
  { id: 9, name: 'mobile', colour: '#16a34a', project_count: 2, version: 1, etag: '"tag-9-v1"', created_at: '2026-01-01T00:00:00Z' },
];

function serveTags(tags = TAGS) {
  const calls: URL[] = [];
  server.use(
    http.get('/api/v1/tags/', ({ request }) => {
      calls.push(new URL(request.url));
      return HttpResponse.json({ count: tags.length, next: null, previous: null, results: tags });
    }),
  );
  return calls;
}
const activeFilters = () => screen.getByRole('region', { name: 'Active filters' });

describe('Project list filters', () => {
  it('applies a progress band linked from the dashboard and shows it as a chip', async () => {
    signIn();
    const urls = serveProjects([makeProject({ id: 1, title: 'Checkout redesign', progress: 30 })], 7);
    renderWithProviders(<ProjectsPage />, { path: '/projects?status=planning&status=active&status=on_hold&progress_min=25&progress_max=49' });
    await screen.findByTestId('projects-table');
    const sent = lastSent(urls);
    expect(sent?.get('progress_min')).toBe('25');
    expect(sent?.get('progress_max')).toBe('49');
    expect(sent?.getAll('status')).toEqual(['planning', 'active', 'on_hold']);
    const bar = activeFilters();
    expect(within(bar).getByText('7 projects')).toBeInTheDocument();
    expect(within(bar).getByText('Progress: 25%–49%')).toBeInTheDocument();
    expect(within(bar).getByText('Status: On hold')).toBeInTheDocument();
    expect(screen.getByLabelText('Progress from')).toHaveValue(25);
    expect(screen.getByLabelText('Progress to')).toHaveValue(49);
  });

  it('edits the progress band; a bound applies on Enter', async () => {
    signIn();
    const urls = serveProjects();
    const { router } = renderWithProviders(<ProjectsPage />, { path: '/projects?page=2' });
    await screen.findByTestId('projects-table');
    await userEvent.type(screen.getByLabelText('Progress from'), '60{Enter}');
    expect(router.state.location.search).toBe('?progress_min=60');
    await vi.waitFor(() => expect(lastSent(urls)?.get('progress_min')).toBe('60'));
    expect(lastSent(urls)?.has('page')).toBe(false);
    await userEvent.type(screen.getByLabelText('Progress to'), '250');
    await userEvent.tab();
    expect(screen.getByLabelText('Progress to')).toHaveValue(100);
    expect(router.state.location.search).toBe('?progress_min=60&progress_max=100');
    expect(within(activeFilters()).getByText('Progress: 60%–100%')).toBeInTheDocument();
  });

  it('removes one chip at a time and hands focus to the next chip', async () => {
    signIn();
    const urls = serveProjects();
    const { router } = renderWithProviders(<ProjectsPage />, { path: '/projects?status=active&status=on_hold&health=at_risk&overdue=true' });
    await screen.findByTestId('projects-table');
    const bar = activeFilters();
    await userEvent.click(within(bar).getByRole('button', { name: 'Remove filter Status: Active' }));
    expect(router.state.location.search).toBe('?status=on_hold&health=at_risk&overdue=true');
    await vi.waitFor(() => expect(lastSent(urls)?.getAll('status')).toEqual(['on_hold']));
    expect(within(bar).getByRole('button', { name: 'Remove filter Status: On hold' })).toHaveFocus();
    await userEvent.keyboard('{Delete}');
    expect(router.state.location.search).toBe('?health=at_risk&overdue=true');
    expect(within(bar).getByRole('button', { name: 'Remove filter Health: At risk' })).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(within(bar).getByRole('button', { name: 'Remove filter Overdue' })).toHaveFocus();
    await userEvent.keyboard(' ');
    expect(router.state.location.search).toBe('');
    expect(bar).toHaveFocus();
    expect(within(bar).queryByRole('list')).not.toBeInTheDocument();
    expect(within(bar).queryByRole('button', { name: 'Clear all' })).not.toBeInTheDocument();
  });

  it('clears every filter but keeps the sort order and page size', async () => {
    signIn();
    const urls = serveProjects();
    const { router } = renderWithProviders(<ProjectsPage />, {
      path: '/projects?q=checkout&status=active&progress_min=25&progress_max=49&ordering=-due_date&page_size=25&page=2',
    });
    await screen.findByTestId('projects-table');
    expect(within(activeFilters()).getAllByRole('listitem')).toHaveLength(3);
    await userEvent.click(within(activeFilters()).getByRole('button', { name: 'Clear all' }));
    expect(router.state.location.search).toBe('?ordering=-due_date&page_size=25');
    await vi.waitFor(() => expect([...(lastSent(urls)?.keys() ?? [])].sort()).toEqual(['ordering', 'page_size']));
    expect(activeFilters()).toHaveFocus();
    expect(screen.getByRole('searchbox', { name: 'Search projects' })).toHaveValue('');
  });

  it('walks back and forward through filter changes', async () => {
    signIn();
    const urls = serveProjects();
    const { router } = renderWithProviders(<ProjectsPage />, { path: '/projects' });
    await screen.findByTestId('projects-table');
    await userEvent.click(screen.getByRole('button', { name: 'At risk' }));
    await userEvent.type(screen.getByLabelText('Progress from'), '25{Enter}');
    expect(router.state.location.search).toBe('?health=at_risk&progress_min=25');
    await router.navigate(-1);
    await vi.waitFor(() => expect(screen.getByLabelText('Progress from')).toHaveValue(null));
    // The earlier view is in the cache; it is shown at once and checked again with the API.
    await vi.waitFor(() => expect(lastSent(urls)?.has('progress_min')).toBe(false));
    expect(lastSent(urls)?.get('health')).toBe('at_risk');
    expect(within(activeFilters()).queryByText(/Progress/)).not.toBeInTheDocument();
    await router.navigate(1);
    await vi.waitFor(() => expect(screen.getByLabelText('Progress from')).toHaveValue(25));
    expect(within(activeFilters()).getByText('Progress: at least 25%')).toBeInTheDocument();
    await vi.waitFor(() => expect(lastSent(urls)?.get('progress_min')).toBe('25'));
  });

  it('sends the tags of the URL once they are known, dropping ids no tag has', async () => {
    signIn();
    const tagCalls = serveTags();
    const urls = serveProjects();
    renderWithProviders(<ProjectsPage />, { path: '/projects?tag=3&tag=999&tag=7' });
    await screen.findByTestId('projects-table');
    expect(tagCalls).toHaveLength(1);
    expect(urls.map((u) => u.searchParams.getAll('tag'))).toEqual([['3', '7']]);
    const bar = activeFilters();
    expect(within(bar).getByText('Tag: backend')).toBeInTheDocument();
    expect(within(bar).getByText('Tag: design')).toBeInTheDocument();
    expect(within(bar).queryByText(/999/)).not.toBeInTheDocument();
    const chosen = screen.getByRole('list', { name: 'Chosen tags' });
    expect(within(chosen).getAllByRole('listitem').map((li) => li.textContent?.replace('×', ''))).toEqual(['backend', 'design']);
  });

  it('picks and removes tags with the keyboard; the URL repeats tag', async () => {
    signIn();
    serveTags();
    const urls = serveProjects();
    const { router } = renderWithProviders(<ProjectsPage />, { path: '/projects' });
    await screen.findByTestId('projects-table');
    const box = screen.getByRole('combobox', { name: 'Tags' });
    await userEvent.click(box);
    const list = await screen.findByRole('listbox', { name: 'Tags' });
    expect(within(list).getAllByRole('option').map((o) => o.textContent)).toEqual(['✓backend4 projects', '✓design1 project', '✓mobile2 projects']);
    await userEvent.keyboard('{ArrowDown}{Enter}');
    expect(router.state.location.search).toBe('?tag=7');
    expect(within(list).getByRole('option', { name: /design/ })).toHaveAttribute('aria-selected', 'true');
    await userEvent.type(box, 'mob{Enter}');
    expect(router.state.location.search).toBe('?tag=7&tag=9');
    await vi.waitFor(() => expect(lastSent(urls)?.getAll('tag')).toEqual(['7', '9']));
    expect(box).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    expect(box).toHaveAttribute('aria-expanded', 'false');
    await userEvent.keyboard('{Backspace}');
    expect(router.state.location.search).toBe('?tag=7');
    await userEvent.keyboard('{ArrowLeft}');
    expect(screen.getByRole('button', { name: 'Remove tag design' })).toHaveFocus();
    await userEvent.keyboard('{Delete}');
    expect(router.state.location.search).toBe('');
    expect(box).toHaveFocus();
    expect(screen.queryByRole('list', { name: 'Chosen tags' })).not.toBeInTheDocument();
  });

  it('says when no tag matches, and when tags cannot be loaded', async () => {
    signIn();
    serveProjects();
    server.use(http.get('/api/v1/tags/', () => HttpResponse.json({ error: { code: 'server_error', message: 'Tags are unavailable.', details: {} } }, { status: 503 })));
    const first = renderWithProviders(<ProjectsPage />, { path: '/projects' });
    await screen.findByTestId('projects-table');
    await userEvent.click(screen.getByRole('combobox', { name: 'Tags' }));
    expect(await screen.findByText(/Could not load tags: Tags are unavailable\./)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
    first.unmount();
    serveTags();
    renderWithProviders(<ProjectsPage />, { path: '/projects' });
    await screen.findByTestId('projects-table');
    await userEvent.type(screen.getByRole('combobox', { name: 'Tags' }), 'zzz');
    expect(await screen.findByText('No tag matches “zzz”.')).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Tags' })).toHaveAttribute('aria-expanded', 'false');
  });

  it('filters by a due range and overdue, and drops a day that does not exist', async () => {
    signIn();
    const urls = serveProjects();
    const { router } = renderWithProviders(<ProjectsPage />, { path: '/projects?due_before=2027-02-30' });
    await screen.findByTestId('projects-table');
    expect(lastSent(urls)?.has('due_before')).toBe(false);
    expect(screen.getByLabelText('Due by')).toHaveValue('');
    await userEvent.type(screen.getByLabelText('Due from'), '2026-12-01');
    await userEvent.type(screen.getByLabelText('Due by'), '2027-01-31');
    await userEvent.click(screen.getByRole('button', { name: 'Overdue' }));
    expect(router.state.location.search).toBe('?due_after=2026-12-01&due_before=2027-01-31&overdue=true');
    await vi.waitFor(() => expect(lastSent(urls)?.get('overdue')).toBe('true'));
    expect(lastSent(urls)?.get('due_after')).toBe('2026-12-01');
    expect(lastSent(urls)?.get('due_before')).toBe('2027-01-31');
    expect(screen.getByLabelText('Due from')).toHaveAttribute('max', '2027-01-31');
    const bar = activeFilters();
    expect(within(bar).getByText('Due from Dec 1, 2026')).toBeInTheDocument();
    expect(within(bar).getByText('Due by Jan 31, 2027')).toBeInTheDocument();
    await userEvent.click(within(bar).getByRole('button', { name: 'Remove filter Due from Dec 1, 2026' }));
    expect(screen.getByLabelText('Due from')).toHaveValue('');
    expect(router.state.location.search).toBe('?due_before=2027-01-31&overdue=true');
  });

  it('keeps focus in the search box while the typed search lands in the URL', async () => {
    signIn();
    const urls = serveProjects();
    const { router } = renderWithProviders(<ProjectsPage />, { path: '/projects' });
    await screen.findByTestId('projects-table');
    const box = screen.getByRole('searchbox', { name: 'Search projects' });
    await userEvent.type(box, 'checkout');
    await vi.waitFor(() => expect(router.state.location.search).toBe('?q=checkout'));
    await vi.waitFor(() => expect(lastSent(urls)?.get('q')).toBe('checkout'));
    expect(box).toHaveFocus();
    expect(box).toHaveValue('checkout');
  });

  it('folds the filters behind a Filters button that counts them (phone width)', async () => {
    signIn();
    serveProjects();
    renderWithProviders(<ProjectsPage />, { path: '/projects?q=checkout&status=active&health=at_risk&progress_min=25' });
    await screen.findByTestId('projects-table');
    // The search stays in sight, so the badge counts the three filters behind the button.
    const button = screen.getByRole('button', { name: 'Filters, 3 active' });
    expect(button).toHaveAttribute('aria-expanded', 'false');
    const panel = document.getElementById(button.getAttribute('aria-controls') ?? '');
    expect(panel).toHaveClass('hidden', 'sm:flex');
    expect(panel).toContainElement(screen.getByRole('combobox', { name: 'Tags' }));
    await userEvent.click(button);
    expect(button).toHaveAttribute('aria-expanded', 'true');
    expect(panel).not.toHaveClass('hidden');
    await userEvent.click(within(activeFilters()).getByRole('button', { name: 'Remove filter Health: At risk' }));
    expect(screen.getByRole('button', { name: 'Filters, 2 active' })).toBeInTheDocument();
    await userEvent.click(within(activeFilters()).getByRole('button', { name: 'Clear all' }));
    expect(screen.getByRole('button', { name: 'Filters' })).toHaveAttribute('aria-expanded', 'true');
  });

  describe('owner and member', () => {
    const farah = { id: 7, name: 'Farah Haddad', email: 'farah@pulse.example', username: 'farah' };
    const gus = { id: 8, name: 'Gus Fring', email: 'gus@pulse.example', username: 'gus' };
    const withFarah = makeProject({
      id: 5,
      title: 'Mobile app',
      members: [
        { id: 50, user: { id: 7, name: 'Farah Haddad', email: 'farah@pulse.example' }, role: 'developer', allocation: 50 },
      ],
    });

    function servePeople(people = [farah, gus]) {
      const calls: URL[] = [];
      server.use(
        http.get('/api/v1/users/', ({ request }) => {
          const url = new URL(request.url);
          calls.push(url);
          const q = (url.searchParams.get('q') ?? '').toLowerCase();
          const results = people.filter((p) => `${p.name} ${p.email}`.toLowerCase().includes(q));
          return HttpResponse.json({ count: results.length, next: null, previous: null, results });
        }),
      );
      return calls;
    }

    /** The list answers `list`; a one-row lookup (page_size=1) answers `lookup`. */
    function serveList(list: ReturnType<typeof makeProject>[], lookup: ReturnType<typeof makeProject>[] = []) {
      const urls: URL[] = [];
      const lookups: URL[] = [];
      server.use(
        http.get('/api/v1/projects/', ({ request }) => {
          const url = new URL(request.url);
          const isLookup = url.searchParams.get('page_size') === '1';
          (isLookup ? lookups : urls).push(url);
          const results = isLookup ? lookup : list;
          return HttpResponse.json({ count: results.length, next: null, previous: null, results });
        }),
      );
      return { urls, lookups };
    }

    it('picks an owner by name with the keyboard and shows the name, never the id', async () => {
      signIn();
      const userCalls = servePeople();
      const { urls, lookups } = serveList([makeProject({ id: 1, title: 'Checkout redesign' })]);
      const { router } = renderWithProviders(<ProjectsPage />, { path: '/projects' });
      await screen.findByTestId('projects-table');
      const owner = screen.getByRole('combobox', { name: 'Owner' });
      await userEvent.type(owner, 'far');
      const list = await screen.findByRole('listbox', { name: 'Owner suggestions' });
      expect(within(list).getAllByRole('option')).toHaveLength(1);
      expect(within(list).getByRole('option')).toHaveTextContent('Farah Haddadfarah@pulse.example');
      expect(owner).toHaveAttribute('aria-activedescendant', within(list).getByRole('option').id);
      expect(userCalls.at(-1)?.searchParams.get('q')).toBe('far');
      await userEvent.keyboard('{Enter}');
      expect(router.state.location.search).toBe('?owner=7');
      await vi.waitFor(() => expect(lastSent(urls)?.get('owner')).toBe('7'));
      expect(owner).toHaveValue('Farah Haddad');
      expect(owner).toHaveAttribute('aria-expanded', 'false');
      expect(within(activeFilters()).getByText('Owner: Farah Haddad')).toBeInTheDocument();
      expect(lookups).toHaveLength(0);
    });

    it('names a member linked from the dashboard from the projects on screen', async () => {
      signIn();
      const userCalls = servePeople();
      const { urls, lookups } = serveList([withFarah]);
      renderWithProviders(<ProjectsPage />, { path: '/projects?member=7' });
      await screen.findByTestId('projects-table');
      expect(lastSent(urls)?.get('member')).toBe('7');
      expect(within(activeFilters()).getByText('Member: Farah Haddad')).toBeInTheDocument();
      expect(screen.getByRole('combobox', { name: 'Member' })).toHaveValue('Farah Haddad');
      expect(userCalls).toHaveLength(0);
      expect(lookups).toHaveLength(0);
    });

    it('looks a person up when no project on screen names them', async () => {
      signIn();
      servePeople();
      const { lookups } = serveList([], [withFarah]);
      renderWithProviders(<ProjectsPage />, { path: '/projects?member=7&status=completed' });
      expect(await screen.findByText('No project matches these filters')).toBeInTheDocument();
      expect(await within(activeFilters()).findByText('Member: Farah Haddad')).toBeInTheDocument();
      expect(lookups.map((u) => u.search)).toEqual(['?member=7&page_size=1']);
    });

    it('says so when the id in the URL is nobody on a visible project', async () => {
      signIn();
      const { lookups } = serveList([]);
      renderWithProviders(<ProjectsPage />, { path: '/projects?owner=4242' });
      expect(await within(activeFilters()).findByText('Owner: someone not on your projects')).toBeInTheDocument();
      expect(lookups.map((u) => u.search)).toEqual(['?member=4242&page_size=1', '?owner=4242&page_size=1']);
    });

    it('tells when no one matches and when the people search fails', async () => {
      signIn();
      servePeople();
      serveList([makeProject({ id: 1 })]);
      const first = renderWithProviders(<ProjectsPage />, { path: '/projects' });
      await screen.findByTestId('projects-table');
      await userEvent.type(screen.getByRole('combobox', { name: 'Member' }), 'zed');
      expect(await screen.findByText('No one matches “zed”.')).toBeInTheDocument();
      expect(screen.getByRole('combobox', { name: 'Member' })).toHaveAttribute('aria-expanded', 'false');
      first.unmount();
      server.use(http.get('/api/v1/users/', () => HttpResponse.json({ error: { code: 'server_error', message: 'People are unavailable.', details: {} } }, { status: 503 })));
      renderWithProviders(<ProjectsPage />, { path: '/projects' });
      await screen.findByTestId('projects-table');
      await userEvent.type(screen.getByRole('combobox', { name: 'Member' }), 'far');
      expect(await screen.findByText('Could not search people: People are unavailable.')).toBeInTheDocument();
    });

    it('Esc restores the chosen name; emptying the field or the clear button removes the filter', async () => {
      signIn();
      servePeople();
      serveList([withFarah]);
      const { router } = renderWithProviders(<ProjectsPage />, { path: '/projects?member=7&owner=1' });
      await screen.findByTestId('projects-table');
      const member = screen.getByRole('combobox', { name: 'Member' });
      await userEvent.clear(member);
      await userEvent.type(member, 'gu');
      await userEvent.keyboard('{Escape}{Escape}');
      expect(member).toHaveValue('Farah Haddad');
      expect(router.state.location.search).toBe('?member=7&owner=1');
      expect(screen.getByRole('combobox', { name: 'Owner' })).toHaveValue('Dana Demo');
      await userEvent.clear(member);
      await userEvent.tab();
      expect(router.state.location.search).toBe('?owner=1');
      expect(member).toHaveValue('');
      await userEvent.click(screen.getByRole('button', { name: 'Clear owner filter' }));
      expect(router.state.location.search).toBe('');
      expect(screen.getByRole('combobox', { name: 'Owner' })).toHaveValue('');
    });
  });
});
