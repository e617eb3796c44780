import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { formatDate } from '@/lib/format';
import { makeProject, signIn } from '@/testing/fixtures';
import { failOnce, makeMember, makeMilestone, serveProject } from '@/testing/mocks/project-detail';
import { server } from '@/testing/mocks/server';

import { renderDetail } from './test-utils';

const dana = { id: 1, name: 'Dana Demo', email: 'dana@pulse.example' };
const lee = { id: 5, name: 'Lee Dev', email: 'lee@pulse.example' };
const team = [makeMember({ id: 21, user: dana, role: 'lead' }), makeMember({ id: 22, user: lee, role: 'developer' })];
const section = async () => within(await screen.findByRole('region', { name: 'Milestones' }));
const rows = async () => within(await (await section()).findByRole('list', { name: 'Milestones' })).getAllByRole('listitem');

function withMilestones(extra: Parameters<typeof serveProject>[0] = {}) {
  return serveProject({
    project: makeProject({ progress_mode: 'milestones' }),
    members: team,
    milestones: [
      makeMilestone({ id: 11, title: 'Design review', status: 'in_progress', progress: 50, due_date: '2026-12-01', assignee: lee }),
      makeMilestone({ id: 12, title: 'Launch', status: 'done', progress: 100, due_date: '2027-01-10', weight: 3 }),
    ],
    ...extra,
  });
}

describe('Milestones', () => {
  it('lists milestones with status, due date, weight, assignee and a progress bar', async () => {
    signIn();
    withMilestones();
    renderDetail();
    const [review, launch] = (await rows()) as [HTMLElement, HTMLElement];
    expect(within(review).getByText('In progress')).toBeInTheDocument();
    expect(within(review).getByText(`Due ${formatDate('2026-12-01')}`)).toBeInTheDocument();
    expect(within(review).getByText('Lee Dev')).toBeInTheDocument();
    expect(within(review).getByRole('progressbar', { name: 'Progress of Design review' })).toHaveAttribute('aria-valuenow', '50');
    expect(within(launch).getByText('Weight 3')).toBeInTheDocument();
    expect(within(launch).getByText('Unassigned')).toBeInTheDocument();
    expect(within(launch).queryByRole('button', { name: 'Complete Launch' })).not.toBeInTheDocument();
    expect((await section()).getByText('1 of 2 done')).toBeInTheDocument();
  });

  it('says when there are none yet', async () => {
    signIn();
    serveProject({ milestones: [] });
    renderDetail();
    expect(await (await section()).findByText(/No milestones yet/)).toBeInTheDocument();
  });

  it('shows a failed load with a retry', async () => {
    signIn();
    serveProject();
    let calls = 0;
    server.use(
      http.get('/api/v1/projects/1/milestones/', () => {
        calls += 1;
        return HttpResponse.json({ error: { code: 'server_error', message: 'Database unavailable.', details: {} } }, { status: 503 });
      }),
    );
    renderDetail();
    expect(await (await section()).findByText('Database unavailable.')).toBeInTheDocument();
    await userEvent.click((await section()).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(calls).toBe(2));
  });

  it('creates one: the title is required, then POST with the team member as assignee', async () => {
    signIn();
    const api = withMilestones();
    renderDetail();
    await userEvent.click(await (await section()).findByRole('button', { name: 'Add milestone' }));
    const form = screen.getByRole('form', { name: 'New milestone' });
    expect(within(form).getByLabelText('Title')).toHaveFocus();
    await userEvent.click(within(form).getByRole('button', { name: 'Add milestone' }));
    expect(within(form).getByLabelText('Title')).toHaveAccessibleDescription('Give the milestone a title.');
    await userEvent.type(within(form).getByLabelText('Title'), 'Beta');
    await userEvent.type(within(form).getByLabelText('Due date'), '2026-12-20');
    await userEvent.clear(within(form).getByLabelText('Weight'));
    await userEvent.type(within(form).getByLabelText('Weight'), '2');
    await userEvent.selectOptions(within(form).getByLabelText('Assignee'), 'Lee Dev');
    await userEvent.click(within(form).getByRole('button', { name: 'Add milestone' }));
    expect(await screen.findByText('Added “Beta”')).toBeInTheDocument();
    expect(api.requests).toEqual([
      expect.objectContaining({ method: 'POST', path: '/api/v1/projects/1/milestones/', body: { title: 'Beta', weight: 2, due_date: '2026-12-20', assignee_id: 5 } }),
    ]);
    expect(screen.queryByRole('form', { name: 'New milestone' })).not.toBeInTheDocument();
    await waitFor(async () => expect(await rows()).toHaveLength(3));
    expect(await (await section()).findByRole('button', { name: 'Add milestone' })).toHaveFocus();
  });

  it('refuses a title with a control character, a pasted tab included, as the API does', async () => {
    signIn();
    const api = withMilestones();
    renderDetail();
    await userEvent.click(await (await section()).findByRole('button', { name: 'Add milestone' }));
    const form = screen.getByRole('form', { name: 'New milestone' });
    await userEvent.click(within(form).getByLabelText('Title'));
    await userEvent.paste('Beta\tlaunch');
    await userEvent.click(within(form).getByRole('button', { name: 'Add milestone' }));
    expect(within(form).getByLabelText('Title')).toHaveAccessibleDescription(/Remove the control characters/);
    expect(api.requests).toHaveLength(0);
  });

  it('puts the server’s field errors on their fields', async () => {
    signIn();
    withMilestones();
    failOnce('post', '/api/v1/projects/1/milestones/', 400, {
      code: 'validation_failed', message: 'Invalid input.', details: { assignee_id: ['The assignee must be a member of the project.'] },
    });
    renderDetail();
    await userEvent.click(await (await section()).findByRole('button', { name: 'Add milestone' }));
    const form = screen.getByRole('form', { name: 'New milestone' });
    await userEvent.type(within(form).getByLabelText('Title'), 'Beta');
    await userEvent.selectOptions(within(form).getByLabelText('Assignee'), 'Lee Dev');
    await userEvent.click(within(form).getByRole('button', { name: 'Add milestone' }));
    await waitFor(() => expect(within(form).getByLabelText('Assignee')).toHaveAccessibleDescription(/The assignee must be a member of the project\./));
  });

  it('edits one, sending only the fields changed, with its ETag', async () => {
    signIn();
    const api = withMilestones();
    renderDetail();
    await userEvent.click(await (await section()).findByRole('button', { name: 'Edit Design review' }));
    const form = screen.getByRole('form', { name: 'Edit Design review' });
    await userEvent.clear(within(form).getByLabelText('Title'));
    await userEvent.type(within(form).getByLabelText('Title'), 'Design sign-off');
    await userEvent.selectOptions(within(form).getByLabelText('Status'), 'missed');
    await userEvent.clear(within(form).getByLabelText('Start date'));
    await userEvent.type(within(form).getByLabelText('Start date'), '2026-12-05');
    await userEvent.click(within(form).getByRole('button', { name: 'Save milestone' }));
    expect(within(form).getByLabelText('Due date')).toHaveAccessibleDescription('The due date cannot be before the start date.');
    await userEvent.clear(within(form).getByLabelText('Start date'));
    await userEvent.type(within(form).getByLabelText('Start date'), '2026-11-01'); // as it was
    await userEvent.click(within(form).getByRole('button', { name: 'Save milestone' }));
    expect(await screen.findByText('Saved “Design sign-off”')).toBeInTheDocument();
    expect(api.requests).toEqual([
      expect.objectContaining({ method: 'PATCH', path: '/api/v1/projects/1/milestones/11/', ifMatch: '"milestone-11-v2"', body: { title: 'Design sign-off', status: 'missed' } }),
    ]);
    const [first] = (await rows()) as [HTMLElement];
    expect(within(first).getByText('Missed')).toBeInTheDocument();
    expect(within(first).getByRole('button', { name: 'Edit Design sign-off' })).toHaveFocus();
  });

  it('on a 412 merges a field only they changed without asking, sending only mine with their ETag', async () => {
    signIn();
    const api = withMilestones();
    renderDetail();
    await userEvent.click(await (await section()).findByRole('button', { name: 'Edit Design review' }));
    api.changeMilestoneElsewhere(11, { title: 'Design review (moved)' });
    const form = screen.getByRole('form', { name: 'Edit Design review' });
    await userEvent.clear(within(form).getByLabelText('Progress (%)'));
    await userEvent.type(within(form).getByLabelText('Progress (%)'), '60');
    await userEvent.click(within(form).getByRole('button', { name: 'Save milestone' }));
    expect(await screen.findByText('Saved “Design review (moved)”, merged with what someone else saved meanwhile')).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(api.requests.map((r) => [r.ifMatch, r.body])).toEqual([
      ['"milestone-11-v2"', { progress: 60 }],
      ['"milestone-11-v3"', { progress: 60 }],
    ]);
    expect(api.state.milestones[0]).toMatchObject({ title: 'Design review (moved)', progress: 60 });
  });

  it('on a 412 over a field both changed asks; Esc keeps the form as typed, an edited value is then saved with the new ETag', async () => {
    signIn();
    const api = withMilestones();
    renderDetail();
    await userEvent.click(await (await section()).findByRole('button', { name: 'Edit Design review' }));
    api.changeMilestoneElsewhere(11, { progress: 80 });
    const form = screen.getByRole('form', { name: 'Edit Design review' });
    await userEvent.clear(within(form).getByLabelText('Progress (%)'));
    await userEvent.type(within(form).getByLabelText('Progress (%)'), '60');
    await userEvent.click(within(form).getByRole('button', { name: 'Save milestone' }));
    let dialog = await screen.findByRole('dialog', { name: 'Someone else saved changes meanwhile' });
    const group = within(dialog).getByRole('group', { name: 'Progress' });
    expect(within(group).getByRole('radio', { name: 'Theirs: 80%' })).toHaveFocus();
    expect(within(group).getByRole('radio', { name: 'Mine: 60%' })).toBeInTheDocument();
    expect(within(group).getByText('You started from').nextSibling).toHaveTextContent('50%');

    // Esc cancels the merge only: the edit stays open with what was typed, and says what they saved.
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(within(form).getByLabelText('Progress (%)')).toHaveValue(60);
    expect(within(form).getByLabelText('Progress (%)')).toHaveAccessibleDescription('Changed by someone else: 80%');

    await userEvent.click(within(form).getByRole('button', { name: 'Save milestone' }));
    dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('radio', { name: 'Edit: type a value of your own' }));
    await userEvent.clear(within(dialog).getByLabelText('Progress, your value'));
    await userEvent.type(within(dialog).getByLabelText('Progress, your value'), '90');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save merged' }));
    await screen.findByText('Saved “Design review”');
    expect(api.requests.map((r) => [r.ifMatch, r.body])).toEqual([
      ['"milestone-11-v2"', { progress: 60 }],
      ['"milestone-11-v2"', { progress: 60 }],
      ['"milestone-11-v3"', { progress: 90 }],
    ]);
  });

  it('completes one in one click', async () => {
    signIn();
    const api = withMilestones();
    renderDetail();
    await userEvent.click(await (await section()).findByRole('button', { name: 'Complete Design review' }));
    expect(await screen.findByText('“Design review” is done')).toBeInTheDocument();
    expect(api.requests).toEqual([expect.objectContaining({ method: 'PATCH', ifMatch: '"milestone-11-v2"', body: { status: 'done' } })]);
    const [first] = (await rows()) as [HTMLElement];
    expect(within(first).getByText('Done')).toBeInTheDocument();
    expect(within(first).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
    expect(within(first).queryByRole('button', { name: 'Complete Design review' })).not.toBeInTheDocument();
  });

  it('deletes with Undo: the row goes at once, Undo brings it back and nothing is sent', async () => {
    signIn();
    const api = withMilestones();
    renderDetail();
    await userEvent.click(await (await section()).findByRole('button', { name: 'Delete Design review' }));
    expect((await section()).queryByText('Design review')).not.toBeInTheDocument();
    expect(await rows()).toHaveLength(1);
    expect(screen.getByText('Deleted “Design review”')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await rows()).toHaveLength(2);
    expect(api.requests).toEqual([]);
  });

  it('sends the DELETE, with the ETag, once the Undo toast goes', async () => {
    signIn();
    const api = withMilestones();
    renderDetail();
    await userEvent.click(await (await section()).findByRole('button', { name: 'Delete Design review' }));
    expect(api.requests).toEqual([]);
    await userEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    await waitFor(() => expect(api.requests).toEqual([expect.objectContaining({ method: 'DELETE', path: '/api/v1/projects/1/milestones/11/', ifMatch: '"milestone-11-v2"' })]));
    await waitFor(async () => expect(await rows()).toHaveLength(1));
  });

  it('brings the row back and says why when the DELETE fails', async () => {
    signIn();
    withMilestones();
    failOnce('delete', '/api/v1/projects/1/milestones/11/', 403, { code: 'permission_denied', message: 'Only the owner, a lead or a manager may delete milestones.' });
    renderDetail();
    await userEvent.click(await (await section()).findByRole('button', { name: 'Delete Design review' }));
    await userEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(await screen.findByText('Only the owner, a lead or a manager may delete milestones.')).toBeInTheDocument();
    expect(await rows()).toHaveLength(2);
  });
});

describe('Who may change milestones', () => {
  it('a stakeholder sees them read-only', async () => {
    signIn();
    withMilestones({ project: makeProject({ my_role: 'stakeholder', capabilities: { can_edit: false, can_manage_team: false, can_delete: false, can_change_owner: false } }) });
    renderDetail();
    await rows();
    const s = await section();
    expect(s.queryByRole('button')).not.toBeInTheDocument();
  });

  it('a developer updates status and progress of their own milestone only', async () => {
    signIn(); // signed in as Dana (id 1)
    const api = serveProject({
      project: makeProject({ my_role: 'developer', capabilities: { can_edit: false, can_manage_team: false, can_delete: false, can_change_owner: false } }),
      members: [makeMember({ user: dana, role: 'developer' })],
      milestones: [makeMilestone({ id: 11, title: 'Mine', assignee: dana }), makeMilestone({ id: 12, title: 'Theirs', assignee: lee })],
    });
    renderDetail();
    await rows();
    const s = await section();
    await waitFor(() => expect(s.getByRole('button', { name: 'Complete Mine' })).toBeInTheDocument());
    expect(s.queryByRole('button', { name: 'Complete Theirs' })).not.toBeInTheDocument();
    expect(s.queryByRole('button', { name: 'Edit Theirs' })).not.toBeInTheDocument();
    expect(s.queryByRole('button', { name: /^Delete/ })).not.toBeInTheDocument();
    expect(s.queryByRole('button', { name: 'Add milestone' })).not.toBeInTheDocument();
    await userEvent.click(s.getByRole('button', { name: 'Edit Mine' }));
    const form = screen.getByRole('form', { name: 'Edit Mine' });
    expect(within(form).queryByLabelText('Title')).not.toBeInTheDocument();
    expect(within(form).queryByLabelText('Assignee')).not.toBeInTheDocument();
    await userEvent.selectOptions(within(form).getByLabelText('Status'), 'done');
    await userEvent.click(within(form).getByRole('button', { name: 'Save milestone' }));
    await screen.findByText('Saved “Mine”');
    expect(api.requests).toEqual([expect.objectContaining({ method: 'PATCH', path: '/api/v1/projects/1/milestones/11/', body: { status: 'done' } })]);
  });
});
