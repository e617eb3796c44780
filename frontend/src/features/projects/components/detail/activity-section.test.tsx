import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { formatDateTime, formatShortDate } from '@/lib/format';
import { signIn } from '@/testing/fixtures';
import { makeActivity, makeMember, serveProject } from '@/testing/mocks/project-detail';
import { server } from '@/testing/mocks/server';

import { renderDetail } from './test-utils';

const section = async () => within(await screen.findByRole('region', { name: 'Activity' }));

describe('Activity', () => {
  it('shows who did what, field by field, with relative time and the exact time on hover', async () => {
    signIn();
    const at = new Date(Date.now() - 3 * 3_600_000).toISOString();
    serveProject({
      members: [makeMember({ user: { id: 5, name: 'Lee Dev', email: 'lee@pulse.example' }, role: 'developer' })],
      activity: [
        makeActivity({ id: 3, verb: 'milestone.updated', actor: { id: 2, name: 'Sam Lead', email: 's@x' }, changes: { due_date: ['2026-12-01', '2026-12-15'], assignee_id: [null, 5] }, metadata: { title: 'Beta' }, created_at: at }),
        makeActivity({ id: 2, verb: 'project.transitioned', actor: null, changes: { status: ['planning', 'active'] }, metadata: { transition: 'start' } }),
      ],
    });
    renderDetail();
    const list = await (await section()).findByRole('list', { name: 'Activity' });
    const [first, second] = within(list).getAllByRole('listitem').filter((li) => li.parentElement === list) as [HTMLElement, HTMLElement];
    expect(first).toHaveTextContent('Sam Lead updated milestone “Beta”');
    expect(first).toHaveTextContent(`Due date: ${formatShortDate('2026-12-01')} → changed to ${formatShortDate('2026-12-15')}`);
    expect(first).toHaveTextContent('Assignee: — → changed to Lee Dev');
    const time = within(first).getByText('3 hours ago');
    expect(time).toHaveAttribute('dateTime', at);
    expect(time).toHaveAttribute('title', formatDateTime(at));
    expect(second).toHaveTextContent('Pulse started the project');
    expect(second).toHaveTextContent('Status: Planning → changed to Active');
  });

  it('gives dates and times of another year their year', async () => {
    signIn();
    const year = new Date().getFullYear();
    const lastYear = new Date(year - 1, 11, 20, 9, 30).toISOString();
    serveProject({
      activity: [
        makeActivity({ id: 4, verb: 'project.updated', changes: { start_date: [`${year - 1}-12-15`, `${year}-01-10`] }, created_at: lastYear }),
      ],
    });
    renderDetail();
    const list = await (await section()).findByRole('list', { name: 'Activity' });
    const entry = within(list).getAllByRole('listitem')[0] as HTMLElement;
    // jsdom's locale is en-US.
    expect(entry).toHaveTextContent(`Start date: Dec 15, ${year - 1} → changed to Jan 10`);
    expect(entry).not.toHaveTextContent(`Jan 10, ${year}`);
    expect(entry.querySelector('time')).toHaveAttribute('title', expect.stringContaining(String(year - 1)));
  });

  it('loads older entries with Load more over the cursor', async () => {
    signIn();
    const activity = Array.from({ length: 35 }, (_, i) => makeActivity({ id: 100 - i, verb: 'project.updated', changes: { progress: [i, i + 1] } }));
    serveProject({ activity });
    const cursors: (string | null)[] = [];
    server.events.on('request:start', ({ request }) => {
      const url = new URL(request.url);
      if (url.pathname.endsWith('/activity/')) cursors.push(url.searchParams.get('cursor'));
    });
    renderDetail();
    const list = await (await section()).findByRole('list', { name: 'Activity' });
    expect(list.children).toHaveLength(30);
    await userEvent.click((await section()).getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(list.children).toHaveLength(35));
    expect(cursors).toEqual([null, '30']);
    expect((await section()).queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    server.events.removeAllListeners();
  });

  it('says when an older page fails, and tries again', async () => {
    signIn();
    serveProject({ activity: Array.from({ length: 31 }, (_, i) => makeActivity({ id: 100 - i })) });
    renderDetail();
    const list = await (await section()).findByRole('list', { name: 'Activity' });
    server.use(
      http.get('/api/v1/projects/1/activity/', () => HttpResponse.json({ error: { code: 'server_error', message: 'Database unavailable.', details: {} } }, { status: 503 }), { once: true }),
    );
    await userEvent.click((await section()).getByRole('button', { name: 'Load more' }));
    expect(await (await section()).findByText('Could not load older activity. Database unavailable.')).toBeInTheDocument();
    await userEvent.click((await section()).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(list.children).toHaveLength(31));
  });

  it('says when nothing has happened yet', async () => {
    signIn();
    serveProject({ activity: [] });
    renderDetail();
    expect(await (await section()).findByText('Nothing has happened here yet.')).toBeInTheDocument();
  });

  it('shows a failed load with a retry', async () => {
    signIn();
    serveProject();
    server.use(
      http.get('/api/v1/projects/1/activity/', () => HttpResponse.json({ error: { code: 'server_error', message: 'Database unavailable.', details: {} } }, { status: 503 }), { once: true }),
    );
    renderDetail();
    expect(await (await section()).findByText('Database unavailable.')).toBeInTheDocument();
    await userEvent.click((await section()).getByRole('button', { name: 'Try again' }));
    expect(await (await section()).findByText('Nothing has happened here yet.')).toBeInTheDocument();
  });
});
