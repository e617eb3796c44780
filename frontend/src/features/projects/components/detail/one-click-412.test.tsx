// One-click writes (a transition, clear override, mark done, delete, remove) that meet a 412: a
// small dialog says what changed meanwhile and who changed it, then "Do it anyway" retries once
// with the fresh ETag (a second 412 asks again) or Cancel leaves their version on the page.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { formatValue } from '@/lib/activity-format';
import { formatDate } from '@/lib/format';
import { makeProject, signIn } from '@/testing/fixtures';
import { makeActivity, makeMember, makeMilestone, serveProject } from '@/testing/mocks/project-detail';

import { renderDetail } from './test-utils';

const ada = { id: 8, name: 'Ada Lovelace', email: 'ada@pulse.example' };
const dana = { id: 1, name: 'Dana Demo', email: 'dana@pulse.example' };
const lee = { id: 5, name: 'Lee Dev', email: 'lee@pulse.example' };
const day = (iso: string) => formatValue('due_date', iso, new Map());

const lifecycle = async () => within(await screen.findByRole('group', { name: 'Lifecycle' }));
const changedDialog = (name: string) => screen.findByRole('dialog', { name: `${name} changed meanwhile` });

/** Someone (Ada) changed the project: the server's copy moves on and its 412 names her. */
function adaChangesProject(api: ReturnType<typeof serveProject>, changes: Parameters<ReturnType<typeof serveProject>['changeProjectElsewhere']>[0]) {
  api.changeProjectElsewhere(changes, ada);
}

describe('A transition that meets a newer version', () => {
  it('says who changed what, shows their version and Do it anyway retries with the fresh ETag', async () => {
    signIn();
    const api = serveProject();
    renderDetail();
    const group = await lifecycle();
    adaChangesProject(api, { due_date: '2026-12-24' });
    await userEvent.click(group.getByRole('button', { name: 'Put on hold' }));
    const dialog = await changedDialog('“Project 1”');
    await waitFor(() => expect(dialog).toHaveAccessibleDescription(`Ada Lovelace changed due date to ${day('2026-12-24')}.`));
    expect(within(dialog).getByText('Put it on hold anyway?')).toBeInTheDocument();
    // The page behind shows their copy already (the 412 body went into the cache).
    expect(screen.getByText(formatDate('2026-12-24'))).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Do it anyway' })).toHaveFocus();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Do it anyway' }));
    expect(await screen.findByText(/^Now /)).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(api.requests.map((r) => [r.path, r.ifMatch])).toEqual([
      ['/api/v1/projects/1/transitions/hold/', '"project-1-v3"'],
      ['/api/v1/projects/1/transitions/hold/', '"project-1-v4"'],
    ]);
  });

  it('names the person the 412 names, not the timeline; a 412 naming nobody says Someone', async () => {
    signIn();
    const api = serveProject();
    renderDetail();
    const group = await lifecycle();
    api.changeProjectElsewhere({ due_date: '2026-12-24' }); // no changed_by: a job, a removed author
    api.state.activity = [makeActivity({ id: 104, actor: ada, target_type: 'project', target_id: 1, version: 4 }), ...api.state.activity];
    await userEvent.click(group.getByRole('button', { name: 'Put on hold' }));
    const dialog = await changedDialog('“Project 1”');
    expect(dialog).toHaveAccessibleDescription(`Someone changed due date to ${day('2026-12-24')}.`);
  });

  it('a second 412 asks again with the newer state', async () => {
    signIn();
    const api = serveProject();
    renderDetail();
    const group = await lifecycle();
    adaChangesProject(api, { due_date: '2026-12-24' });
    await userEvent.click(group.getByRole('button', { name: 'Put on hold' }));
    const dialog = await changedDialog('“Project 1”');
    adaChangesProject(api, { title: 'Billing revamp' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Do it anyway' }));
    const again = await changedDialog('“Billing revamp”');
    expect(within(again).getByRole('status')).toHaveTextContent('It changed again while you were deciding.');
    // What changed since the copy the first answer showed: only the title now.
    await waitFor(() => expect(again).toHaveAccessibleDescription('Ada Lovelace changed title to Billing revamp.'));
    await waitFor(() => expect(within(again).getByRole('button', { name: 'Do it anyway' })).toHaveFocus());
    await userEvent.click(within(again).getByRole('button', { name: 'Do it anyway' }));
    expect(await screen.findByText(/^Now /)).toBeInTheDocument();
    expect(api.requests.map((r) => r.ifMatch)).toEqual(['"project-1-v3"', '"project-1-v4"', '"project-1-v5"']);
  });

  it('a transition their status no longer allows is explained, not retried; Esc closes it', async () => {
    signIn();
    const api = serveProject();
    renderDetail();
    const group = await lifecycle();
    adaChangesProject(api, { status: 'completed', allowed_transitions: [] });
    await userEvent.click(group.getByRole('button', { name: 'Put on hold' }));
    const dialog = await changedDialog('“Project 1”');
    expect(within(dialog).getByRole('alert')).toHaveTextContent('It is completed now, so “Put on hold” no longer applies.');
    expect(within(dialog).queryByRole('button', { name: 'Do it anyway' })).not.toBeInTheDocument();
    await waitFor(() => expect(dialog).toHaveAccessibleDescription('Ada Lovelace changed status to Completed.'));
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    // Their copy is on the page: a completed project offers no lifecycle buttons.
    await waitFor(() => expect(screen.queryByRole('group', { name: 'Lifecycle' })).not.toBeInTheDocument());
    expect(api.requests).toHaveLength(1);
  });

  it('Cancel sends nothing more, and a final transition asks its question first', async () => {
    signIn();
    const api = serveProject();
    renderDetail();
    await userEvent.click((await lifecycle()).getByRole('button', { name: 'Complete' }));
    adaChangesProject(api, { due_date: '2026-12-24' });
    await userEvent.click(within(screen.getByRole('dialog', { name: 'Complete “Project 1”?' })).getByRole('button', { name: 'Complete project' }));
    const dialog = await changedDialog('“Project 1”');
    expect(within(dialog).getByText('Complete it anyway?')).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(api.requests).toHaveLength(1);
  });
});

describe('Clear override on a newer version', () => {
  const overridden = () => makeProject({ health: 'at_risk', health_override: 'at_risk', health_override_reason: 'Vendor late' });

  it('asks, retries with the fresh ETag, and a second 412 asks again', async () => {
    signIn();
    const api = serveProject({ project: overridden() });
    renderDetail();
    const clear = await screen.findByRole('button', { name: 'Clear override' });
    adaChangesProject(api, { due_date: '2026-12-24' });
    await userEvent.click(clear);
    const dialog = await changedDialog('“Project 1”');
    expect(within(dialog).getByText(/Clear the override anyway\?/)).toBeInTheDocument();
    adaChangesProject(api, { progress: 55 });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Do it anyway' }));
    const again = await changedDialog('“Project 1”');
    await waitFor(() => expect(again).toHaveAccessibleDescription('Ada Lovelace changed progress to 55%.'));
    await userEvent.click(within(again).getByRole('button', { name: 'Do it anyway' }));
    expect(await screen.findByText(/Health override cleared/)).toBeInTheDocument();
    expect(api.requests.map((r) => [r.method, r.ifMatch, r.body])).toEqual([
      ['PATCH', '"project-1-v3"', { health_override: null }],
      ['PATCH', '"project-1-v4"', { health_override: null }],
      ['PATCH', '"project-1-v5"', { health_override: null }],
    ]);
  });

  it('an override someone else cleared already needs nothing more', async () => {
    signIn();
    const api = serveProject({ project: overridden() });
    renderDetail();
    const clear = await screen.findByRole('button', { name: 'Clear override' });
    adaChangesProject(api, { health_override: null, health: 'on_track', health_override_reason: '' });
    await userEvent.click(clear);
    const dialog = await changedDialog('“Project 1”');
    expect(within(dialog).getByRole('alert')).toHaveTextContent('The override is cleared already: nothing left to do.');
    await userEvent.click(within(dialog).getByRole('button', { name: 'OK' }));
    expect(screen.queryByRole('button', { name: 'Clear override' })).not.toBeInTheDocument();
    expect(api.requests).toHaveLength(1);
  });
});

describe('Milestones on a newer version', () => {
  const milestoneSection = async () => within(await screen.findByRole('region', { name: 'Milestones' }));
  const withMilestone = () =>
    serveProject({
      project: makeProject({ progress_mode: 'milestones' }),
      members: [makeMember({ id: 21, user: dana }), makeMember({ id: 22, user: lee, role: 'developer' })],
      milestones: [makeMilestone({ id: 11, title: 'Design review', due_date: '2026-12-01' })],
    });
  const adaChangesMilestone = (api: ReturnType<typeof serveProject>, changes: Parameters<ReturnType<typeof serveProject>['changeMilestoneElsewhere']>[1]) => {
    api.changeMilestoneElsewhere(11, changes, ada);
  };

  it('mark done: asks, a second 412 asks again, then done with the newest ETag', async () => {
    signIn();
    const api = withMilestone();
    renderDetail();
    const complete = await (await milestoneSection()).findByRole('button', { name: 'Complete Design review' });
    adaChangesMilestone(api, { due_date: '2026-12-20', assignee: lee });
    await userEvent.click(complete);
    const dialog = await changedDialog('“Design review”');
    await waitFor(() => expect(dialog).toHaveAccessibleDescription(`Ada Lovelace changed due date to ${day('2026-12-20')} and assignee to Lee Dev.`));
    expect(within(dialog).getByText('Mark it done anyway?')).toBeInTheDocument();
    adaChangesMilestone(api, { title: 'Design review II' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Do it anyway' }));
    const again = await changedDialog('“Design review II”');
    await userEvent.click(within(again).getByRole('button', { name: 'Do it anyway' }));
    expect(await screen.findByText('“Design review II” is done')).toBeInTheDocument();
    expect(api.requests.map((r) => r.ifMatch)).toEqual(['"milestone-11-v2"', '"milestone-11-v3"', '"milestone-11-v4"']);
  });

  it('mark done on a milestone someone else finished says so and sends nothing more', async () => {
    signIn();
    const api = withMilestone();
    renderDetail();
    const complete = await (await milestoneSection()).findByRole('button', { name: 'Complete Design review' });
    adaChangesMilestone(api, { status: 'done', progress: 100 });
    await userEvent.click(complete);
    const dialog = await changedDialog('“Design review”');
    expect(within(dialog).getByRole('alert')).toHaveTextContent('It is marked done already');
    await userEvent.click(within(dialog).getByRole('button', { name: 'OK' }));
    expect((await milestoneSection()).queryByRole('button', { name: 'Complete Design review' })).not.toBeInTheDocument();
    expect(api.requests).toHaveLength(1);
  });

  it('delete after the Undo window: the row comes back with their copy, Do it anyway deletes it', async () => {
    signIn();
    const api = withMilestone();
    renderDetail();
    await userEvent.click(await (await milestoneSection()).findByRole('button', { name: 'Delete Design review' }));
    adaChangesMilestone(api, { title: 'Design review (moved)' });
    await userEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    const dialog = await changedDialog('“Design review (moved)”');
    await waitFor(() => expect(dialog).toHaveAccessibleDescription('Ada Lovelace changed title to Design review (moved).'));
    expect((await milestoneSection()).getByText('Design review (moved)')).toBeInTheDocument();
    // A removal starts on Cancel.
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    adaChangesMilestone(api, { weight: 2 });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Do it anyway' }));
    const again = await changedDialog('“Design review (moved)”');
    await waitFor(() => expect(again).toHaveAccessibleDescription('Ada Lovelace changed weight to 2.'));
    await userEvent.click(within(again).getByRole('button', { name: 'Do it anyway' }));
    await waitFor(() => expect((screen.queryByRole('region', { name: 'Milestones' }) as HTMLElement).textContent).toMatch(/No milestones yet/));
    expect(api.requests.map((r) => [r.method, r.ifMatch])).toEqual([
      ['DELETE', '"milestone-11-v2"'],
      ['DELETE', '"milestone-11-v3"'],
      ['DELETE', '"milestone-11-v4"'],
    ]);
  });
});

describe('Delete project on a newer version', () => {
  it('asks, a second 412 asks again, Do it anyway deletes it and goes to the list', async () => {
    signIn();
    const api = serveProject();
    const { router } = renderDetail();
    await userEvent.click(await screen.findByRole('button', { name: 'Delete project' }));
    adaChangesProject(api, { due_date: '2026-12-24' });
    await userEvent.click(within(screen.getByRole('dialog', { name: 'Delete “Project 1”?' })).getByRole('button', { name: 'Delete project' }));
    const dialog = await changedDialog('“Project 1”');
    expect(within(dialog).getByText(/Delete it anyway\?/)).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/projects/1');
    adaChangesProject(api, { title: 'Billing revamp' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Do it anyway' }));
    const again = await changedDialog('“Billing revamp”');
    await userEvent.click(within(again).getByRole('button', { name: 'Do it anyway' }));
    expect(await screen.findByRole('heading', { name: 'All projects' })).toBeInTheDocument();
    expect(api.requests.map((r) => r.ifMatch)).toEqual(['"project-1-v3"', '"project-1-v4"', '"project-1-v5"']);
  });

  it('a project this user may no longer delete is said, not retried', async () => {
    signIn();
    const api = serveProject();
    renderDetail();
    await userEvent.click(await screen.findByRole('button', { name: 'Delete project' }));
    adaChangesProject(api, { owner: ada, capabilities: { can_edit: true, can_manage_team: true, can_delete: false, can_change_owner: false } });
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete project' }));
    const dialog = await changedDialog('“Project 1”');
    expect(within(dialog).getByRole('alert')).toHaveTextContent('You may no longer delete it.');
    await waitFor(() => expect(dialog).toHaveAccessibleDescription('Ada Lovelace changed owner to Ada Lovelace.'));
    await userEvent.click(within(dialog).getByRole('button', { name: 'OK' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete project' })).not.toBeInTheDocument();
    expect(api.requests).toHaveLength(1);
  });

  it('Cancel keeps the project, with their version on the page', async () => {
    signIn();
    const api = serveProject();
    renderDetail();
    await userEvent.click(await screen.findByRole('button', { name: 'Delete project' }));
    adaChangesProject(api, { title: 'Billing revamp' });
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete project' }));
    const dialog = await changedDialog('“Billing revamp”');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(await screen.findByRole('heading', { level: 1, name: 'Billing revamp' })).toBeInTheDocument();
    expect(api.requests).toHaveLength(1);
  });
});

describe('Remove member on a newer version', () => {
  const teamSection = async () => within(await screen.findByRole('region', { name: 'Team' }));
  const withTeam = () =>
    serveProject({
      project: makeProject({ owner: dana }),
      members: [makeMember({ id: 21, user: dana, role: 'lead' }), makeMember({ id: 22, user: lee, role: 'developer', allocation: 60, total_allocation: 60 })],
    });
  const adaChangesMember = (api: ReturnType<typeof serveProject>, changes: Parameters<ReturnType<typeof serveProject>['changeMemberElsewhere']>[1]) => {
    api.changeMemberElsewhere(22, changes, ada);
  };

  it('asks, a second 412 asks again, Do it anyway removes them', async () => {
    signIn();
    const api = withTeam();
    renderDetail();
    await userEvent.click(await (await teamSection()).findByRole('button', { name: 'Remove Lee Dev' }));
    adaChangesMember(api, { role: 'qa', allocation: 20 });
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Remove' }));
    const dialog = await changedDialog('Lee Dev');
    await waitFor(() => expect(dialog).toHaveAccessibleDescription('Ada Lovelace changed role to QA and allocation to 20%.'));
    expect(within(dialog).getByText('Remove them anyway?')).toBeInTheDocument();
    adaChangesMember(api, { allocation: 30 });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Do it anyway' }));
    const again = await changedDialog('Lee Dev');
    await waitFor(() => expect(again).toHaveAccessibleDescription('Ada Lovelace changed allocation to 30%.'));
    await userEvent.click(within(again).getByRole('button', { name: 'Do it anyway' }));
    expect(await screen.findByText('Removed Lee Dev from the team')).toBeInTheDocument();
    expect((await teamSection()).queryByText('Lee Dev')).not.toBeInTheDocument();
    expect(api.requests.map((r) => r.ifMatch)).toEqual(['"member-22-v1"', '"member-22-v2"', '"member-22-v3"']);
  });

  it('Cancel keeps them, with their new role on the page', async () => {
    signIn();
    const api = withTeam();
    renderDetail();
    await userEvent.click(await (await teamSection()).findByRole('button', { name: 'Remove Lee Dev' }));
    adaChangesMember(api, { role: 'qa' });
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Remove' }));
    const dialog = await changedDialog('Lee Dev');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(await (await teamSection()).findByText('QA')).toBeInTheDocument();
    expect(api.requests).toHaveLength(1);
  });
});
