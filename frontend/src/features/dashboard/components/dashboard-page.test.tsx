import { screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { signIn } from '@/testing/fixtures';
import { makeActivity } from '@/testing/mocks/project-detail';
import { server } from '@/testing/mocks/server';
import { renderWithProviders } from '@/testing/render';
import type { Dashboard } from '@/types/models';

import { DashboardPage } from './dashboard-page';

const dashboard: Dashboard = {
  totals: { projects: 12, open: 9, overdue: 2, average_progress: 47 },
  by_status: { planning: 2, active: 6, on_hold: 1, completed: 2, cancelled: 1 },
  by_health: { on_track: 5, at_risk: 3, off_track: 1 },
  by_progress: { '0-24': 3, '25-49': 2, '50-74': 2, '75-99': 1, '100': 1 },
  overdue_milestones: [],
  at_risk_projects: [
    {
      id: 4, title: 'Billing', status: 'active', health: 'off_track', progress: 20, due_date: '2026-11-30',
      owner: { id: 1, name: 'Dana Demo', email: 'd@x' },
      health_reasons: [{ code: 'overdue', severity: 'off_track', message: 'Project was due 2026-11-30 and is not complete.' }],
    },
  ],
  over_allocated_people: [{ user: { id: 7, name: 'Farah Haddad', email: 'f@x' }, total_allocation: 140, project_count: 3 }],
  recent_activity: [],
};

describe('DashboardPage', () => {
  it('shows the numbers with drill-downs into the filtered list', async () => {
    signIn();
    server.use(http.get('/api/v1/dashboard/', () => HttpResponse.json(dashboard)));
    const { container } = renderWithProviders(<DashboardPage />);
    const open = await screen.findByRole('link', { name: /Open\s*9/ });
    expect(open).toHaveAttribute('href', '/projects?status=planning&status=active&status=on_hold');
    expect(screen.getByRole('link', { name: /Overdue\s*2/ })).toHaveAttribute('href', '/projects?overdue=true');
    expect(screen.getAllByRole('link', { name: /Off track\s*1/ }).map((a) => a.getAttribute('href'))).toEqual([
      '/projects?status=planning&status=active&status=on_hold&health=off_track',
      '/projects?status=planning&status=active&status=on_hold&health=off_track',
    ]);
    // Progress bands drill into the open projects in that band.
    expect(screen.getByRole('link', { name: /25–49 %\s*2/ })).toHaveAttribute(
      'href',
      '/projects?status=planning&status=active&status=on_hold&progress_min=25&progress_max=49',
    );
    expect(screen.getByRole('link', { name: /^100 %\s*1/ })).toHaveAttribute(
      'href',
      '/projects?status=planning&status=active&status=on_hold&progress_min=100&progress_max=100',
    );
    // Bands read low to high, though an object's integer-like key ("100") comes first.
    expect(
      screen.getAllByRole('link', { name: /^\d+(–\d+)? %/ }).map((a) => a.textContent?.replace(/\s*\d+$/, '')),
    ).toEqual(['0–24 %', '25–49 %', '50–74 %', '75–99 %', '100 %']);
    // The chart itself arrives as a lazy chunk, one bar per band.
    await waitFor(() => expect(container.querySelectorAll('.recharts-bar-rectangle')).toHaveLength(5));
    expect(screen.getByRole('link', { name: /Active\s*6/ })).toHaveAttribute('href', '/projects?status=active');
    expect(screen.getByText('Project was due 2026-11-30 and is not complete.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Farah Haddad' })).toHaveAttribute('href', '/projects?member=7');
  });

  it('reads recent activity as sentences, each linking the project it happened in', async () => {
    signIn();
    const recent_activity = [
      makeActivity({ id: 2, verb: 'milestone.created', project_id: 4, metadata: { title: 'Launch', project_title: 'Billing' } }),
      makeActivity({ id: 1, verb: 'project.transitioned', project_id: 4, metadata: { title: 'Billing', transition: 'start' } }),
    ];
    server.use(http.get('/api/v1/dashboard/', () => HttpResponse.json({ ...dashboard, recent_activity })));
    renderWithProviders(<DashboardPage />);
    const panel = within(await screen.findByRole('region', { name: 'Recent activity' }));
    const [first, second] = panel.getAllByRole('listitem') as [HTMLElement, HTMLElement];
    expect(first).toHaveTextContent('added milestone “Launch”');
    expect(second).toHaveTextContent('started the project');
    // The milestone row links its project by the project's name, not the milestone's.
    expect(within(first).getByRole('link')).toHaveTextContent('Billing');
    expect(within(first).getByRole('link')).toHaveAttribute('href', '/projects/4');
    expect(within(second).getByRole('link')).toHaveTextContent('Billing');
  });

  it('invites to create a project when the portfolio is empty', async () => {
    signIn();
    server.use(http.get('/api/v1/dashboard/', () => HttpResponse.json({ ...dashboard, totals: { projects: 0, open: 0, overdue: 0, average_progress: 0 } })));
    renderWithProviders(<DashboardPage />);
    expect(await screen.findByRole('link', { name: 'Create a project' })).toHaveAttribute('href', '/projects/new');
  });

  it('shows an error with a retry', async () => {
    signIn();
    server.use(http.get('/api/v1/dashboard/', () => HttpResponse.json({ error: { code: 'permission_denied', message: 'Nope.', details: {} } }, { status: 403 })));
    renderWithProviders(<DashboardPage />);
    expect(await screen.findByRole('alert')).toHaveTextContent('Nope.');
  });
});
