import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';

import { makeProject, signIn } from '@/testing/fixtures';
import { server } from '@/testing/mocks/server';
import { renderWithProviders } from '@/testing/render';

import { ProjectsPage } from './projects-page';

function serve(results = [makeProject({ id: 1, title: 'Checkout redesign' }), makeProject({ id: 2, title: 'Billing', is_overdue: true })]) {
  const urls: URL[] = [];
  server.use(
    http.get('/api/v1/projects/', ({ request }) => {
      urls.push(new URL(request.url));
      return HttpResponse.json({ count: results.length, next: null, previous: null, results });
    }),
  );
  return urls;
}

describe('ProjectsPage', () => {
  it('renders the rows and sends the URL filters to the API', async () => {
    signIn();
    const urls = serve();
    renderWithProviders(<ProjectsPage />, { path: '/projects?status=active&health=at_risk&q=checkout' });
    const table = await screen.findByTestId('projects-table');
    expect(within(table).getByRole('link', { name: 'Checkout redesign' })).toHaveAttribute('href', '/projects/1');
    expect(within(table).getByText('checkout', { selector: 'mark', exact: false })).toBeInTheDocument();
    const sent = urls.at(-1);
    expect(sent?.searchParams.getAll('status')).toEqual(['active']);
    expect(sent?.searchParams.get('health')).toBe('at_risk');
    expect(sent?.searchParams.get('q')).toBe('checkout');
    expect(screen.getByText('2 projects')).toBeInTheDocument();
  });

  it('sorts by a column through the API and the URL', async () => {
    signIn();
    const urls = serve();
    const { router } = renderWithProviders(<ProjectsPage />, { path: '/projects' });
    await screen.findByTestId('projects-table');
    await userEvent.click(screen.getByRole('button', { name: /Due/ }));
    await vi.waitFor(() => expect(urls.at(-1)?.searchParams.get('ordering')).toBe('due_date'));
    expect(router.state.location.search).toBe('?ordering=due_date');
    await userEvent.click(screen.getByRole('button', { name: /Due/ }));
    await vi.waitFor(() => expect(urls.at(-1)?.searchParams.get('ordering')).toBe('-due_date'));
  });

  it('toggles a status filter into the URL', async () => {
    signIn();
    serve();
    const { router } = renderWithProviders(<ProjectsPage />, { path: '/projects' });
    await screen.findByTestId('projects-table');
    await userEvent.click(screen.getByRole('button', { name: 'On hold' }));
    expect(router.state.location.search).toBe('?status=on_hold');
    expect(screen.getByRole('button', { name: 'On hold' })).toHaveAttribute('aria-pressed', 'true');
  });

  it('tells apart an empty portfolio and filters that match nothing', async () => {
    signIn();
    serve([]);
    const first = renderWithProviders(<ProjectsPage />, { path: '/projects' });
    expect(await screen.findByText('No projects yet')).toBeInTheDocument();
    first.unmount();
    renderWithProviders(<ProjectsPage />, { path: '/projects?health=off_track' });
    expect(await screen.findByText('No project matches these filters')).toBeInTheDocument();
  });

  it('shows the API error with a retry', async () => {
    signIn();
    server.use(http.get('/api/v1/projects/', () => HttpResponse.json({ error: { code: 'server_error', message: 'Database unavailable.', details: {} } }, { status: 503 })));
    renderWithProviders(<ProjectsPage />, { path: '/projects' });
    expect(await screen.findByRole('alert', {}, { timeout: 4000 })).toHaveTextContent('Database unavailable.');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });
});
