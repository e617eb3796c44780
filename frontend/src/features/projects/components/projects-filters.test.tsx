import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';

import { makeProject, signIn } from '@/testing/fixtures';
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
    expect(lastSent(urls)?.has('progress_min')).toBe(false);
    expect(within(activeFilters()).queryByText(/Progress/)).not.toBeInTheDocument();
    await router.navigate(1);
    await vi.waitFor(() => expect(screen.getByLabelText('Progress from')).toHaveValue(25));
    expect(within(activeFilters()).getByText('Progress: at least 25%')).toBeInTheDocument();
  });
});
