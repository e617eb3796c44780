import { act, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { getCommands } from '@/lib/commands';
import { recentProjects } from '@/lib/recent-projects';
import { makeProject, signIn } from '@/testing/fixtures';
import { serveProject } from '@/testing/mocks/project-detail';
import { server } from '@/testing/mocks/server';

import { renderDetail } from './test-utils';

const pageCommands = () => getCommands().filter((c) => c.scope === 'page');
const titles = () => pageCommands().map((c) => c.title);
const run = (title: string) =>
  act(() => {
    const command = pageCommands().find((c) => c.title === title);
    if (!command) throw new Error(`no command ${title}`);
    command.run();
  });

describe('the project page’s commands in the palette', () => {
  it('offers the transitions allowed now, New milestone, Add member and Edit project, and drops them with the page', async () => {
    signIn();
    serveProject({ project: makeProject({ status: 'active', allowed_transitions: ['hold', 'complete', 'cancel'] }) });
    const { unmount } = renderDetail();
    await screen.findByRole('group', { name: 'Lifecycle' });
    await waitFor(() =>
      expect(titles().sort()).toEqual(['Add member', 'Cancel project…', 'Complete project…', 'Edit project', 'New milestone', 'Put project on hold']),
    );
    expect(new Set(pageCommands().map((c) => c.group))).toEqual(new Set(['This project']));
    unmount();
    expect(pageCommands()).toEqual([]);
  });

  it('a transition runs as the button does (If-Match), and the list follows the new status', async () => {
    signIn();
    serveProject({ project: makeProject({ status: 'planning', allowed_transitions: ['start', 'cancel'] }) });
    const sent: (string | null)[] = [];
    server.use(
      http.post('/api/v1/projects/1/transitions/start/', ({ request }) => {
        sent.push(request.headers.get('If-Match'));
        return HttpResponse.json(makeProject({ status: 'active', allowed_transitions: ['hold', 'complete', 'cancel'], version: 4, etag: '"project-1-v4"' }));
      }),
    );
    renderDetail();
    await waitFor(() => expect(titles()).toContain('Start project'));
    run('Start project');
    expect(await screen.findByText('Now active')).toBeInTheDocument();
    expect(sent).toEqual(['"project-1-v3"']);
    await waitFor(() => expect(titles()).toContain('Put project on hold'));
    expect(titles()).not.toContain('Start project');
  });

  it('a final transition asks first, as the button does', async () => {
    signIn();
    const api = serveProject({ project: makeProject({ title: 'Billing revamp', status: 'active', allowed_transitions: ['hold', 'complete', 'cancel'] }) });
    renderDetail();
    await waitFor(() => expect(titles()).toContain('Cancel project…'));
    run('Cancel project…');
    expect(await screen.findByRole('dialog', { name: 'Cancel “Billing revamp”?' })).toBeInTheDocument();
    expect(api.requests).toEqual([]);
  });

  it('New milestone and Add member open the same forms as the buttons, with the focus in them', async () => {
    signIn();
    serveProject();
    renderDetail();
    await waitFor(() => expect(titles()).toContain('New milestone'));
    run('New milestone');
    const milestone = await screen.findByRole('form', { name: /milestone/i });
    await waitFor(() => expect(within(milestone).getByLabelText(/^Title/)).toHaveFocus());
    run('Add member');
    const member = await screen.findByRole('form', { name: 'Add a member' });
    await waitFor(() => expect(within(member).getByRole('combobox', { name: /Person/ })).toHaveFocus());
  });

  it('those who may only look get no commands; the project is remembered for the palette', async () => {
    signIn();
    serveProject({
      project: makeProject({ title: 'Read only', my_role: 'stakeholder', capabilities: { can_edit: false, can_manage_team: false, can_delete: false, can_change_owner: false } }),
    });
    renderDetail();
    expect(await screen.findByText('View only')).toBeInTheDocument();
    expect(pageCommands()).toEqual([]);
    expect(recentProjects()).toEqual([{ id: 1, title: 'Read only' }]);
  });
});
