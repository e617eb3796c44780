import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { formatPercent } from '@/lib/format';
import { makeProject, signIn } from '@/testing/fixtures';
import { failOnce, makeMember, makeMilestone, serveProject } from '@/testing/mocks/project-detail';

import { renderDetail } from './test-utils';

const dana = { id: 1, name: 'Dana Demo', email: 'dana@pulse.example' };
const lee = { id: 5, name: 'Lee Dev', email: 'lee@pulse.example' };
const alice = { id: 7, name: 'Alice Archer', email: 'alice@pulse.example', username: 'alice' };

const section = async () => within(await screen.findByRole('region', { name: 'Team' }));
const rows = async () => within(await (await section()).findByRole('list', { name: 'Team members' })).getAllByRole('listitem');

function withTeam(extra: Parameters<typeof serveProject>[0] = {}) {
  return serveProject({
    project: makeProject({ owner: dana }),
    members: [
      makeMember({ id: 21, user: dana, role: 'lead', allocation: 50, total_allocation: 50 }),
      makeMember({ id: 22, user: lee, role: 'developer', allocation: 60, total_allocation: 120 }),
    ],
    milestones: [makeMilestone({ id: 11, title: 'Build', assignee: lee })],
    users: [alice],
    // Alice is already on another open project the caller can see.
    others: [makeProject({ id: 9, title: 'Other', members: [{ id: 90, user: alice, role: 'developer', allocation: 80 }] })],
    ...extra,
  });
}

describe('Team', () => {
  it('lists each person with role, allocation here and in total, and who is over-allocated', async () => {
    signIn();
    withTeam();
    renderDetail();
    const [owner, dev] = (await rows()) as [HTMLElement, HTMLElement];
    expect(within(owner).getByText('Lead')).toBeInTheDocument();
    expect(within(owner).getByText('Owner')).toBeInTheDocument();
    expect(within(owner).queryByRole('button', { name: 'Remove Dana Demo' })).not.toBeInTheDocument();
    expect(within(dev).getByText('lee@pulse.example')).toBeInTheDocument();
    expect(within(dev).getByText(`${formatPercent(60)} here · ${formatPercent(120)} across open projects · over-allocated`)).toHaveClass('text-danger');
  });

  it('adds a member picked by name, warning when they would be over-allocated', async () => {
    signIn();
    const api = withTeam();
    renderDetail();
    await userEvent.click(await (await section()).findByRole('button', { name: 'Add member' }));
    const form = screen.getByRole('form', { name: 'Add a member' });
    await userEvent.click(within(form).getByRole('button', { name: 'Add member' }));
    expect(within(form).getByRole('combobox', { name: 'Person' })).toHaveAccessibleDescription(/Pick someone to add\./);
    expect(api.requests).toEqual([]);

    await userEvent.type(within(form).getByRole('combobox', { name: 'Person' }), 'ali');
    await userEvent.click(await within(form).findByRole('option', { name: /Alice Archer/ }));
    await userEvent.selectOptions(within(form).getByLabelText('Role'), 'manager');
    await userEvent.clear(within(form).getByLabelText('Allocation (%)'));
    await userEvent.type(within(form).getByLabelText('Allocation (%)'), '30');
    expect(await within(form).findByText(`Over-allocated: Alice Archer would be at ${formatPercent(110)} across open projects you can see.`)).toBeInTheDocument();
    await userEvent.clear(within(form).getByLabelText('Allocation (%)'));
    await userEvent.type(within(form).getByLabelText('Allocation (%)'), '20');
    expect(within(form).getByText(`Alice Archer would be at ${formatPercent(100)} across open projects you can see.`)).toBeInTheDocument();

    await userEvent.click(within(form).getByRole('button', { name: 'Add member' }));
    expect(await screen.findByText('Added Alice Archer as manager')).toBeInTheDocument();
    expect(api.requests).toEqual([
      expect.objectContaining({ method: 'POST', path: '/api/v1/projects/1/members/', body: { user_id: 7, role: 'manager', allocation: 20 } }),
    ]);
    await waitFor(async () => expect(await rows()).toHaveLength(3));
    expect(await (await section()).findByRole('button', { name: 'Add member' })).toHaveFocus();
  });

  it('does not offer people already on the team', async () => {
    signIn();
    withTeam({ users: [alice, { ...lee, username: 'lee' }] });
    renderDetail();
    await userEvent.click(await (await section()).findByRole('button', { name: 'Add member' }));
    await userEvent.type(screen.getByRole('combobox', { name: 'Person' }), 'e');
    expect(await screen.findByRole('option', { name: /Alice Archer/ })).toBeInTheDocument();
    expect(screen.queryByRole('option', { name: /Lee Dev/ })).not.toBeInTheDocument();
  });

  it('puts the server’s error about the person on the picker', async () => {
    signIn();
    withTeam();
    failOnce('post', '/api/v1/projects/1/members/', 400, { code: 'validation_failed', message: 'Invalid input.', details: { user_id: ['This person is already a member of the project.'] } });
    renderDetail();
    await userEvent.click(await (await section()).findByRole('button', { name: 'Add member' }));
    const form = screen.getByRole('form', { name: 'Add a member' });
    await userEvent.type(within(form).getByRole('combobox', { name: 'Person' }), 'ali');
    await userEvent.click(await within(form).findByRole('option', { name: /Alice Archer/ }));
    await userEvent.click(within(form).getByRole('button', { name: 'Add member' }));
    await waitFor(() =>
      expect(within(form).getByRole('combobox', { name: 'Person' })).toHaveAccessibleDescription(/This person is already a member of the project\./),
    );
  });

  it('changes role and allocation, sending only what changed, with the ETag, and warns past 100 %', async () => {
    signIn();
    const api = withTeam();
    renderDetail();
    await userEvent.click(await (await section()).findByRole('button', { name: 'Edit Dana Demo' }));
    const form = screen.getByRole('form', { name: 'Edit Dana Demo' });
    const share = within(form).getByLabelText('Allocation (%)');
    await userEvent.clear(share);
    await userEvent.type(share, '120');
    await userEvent.click(within(form).getByRole('button', { name: 'Save' }));
    expect(share).toHaveAccessibleDescription('Enter a whole number from 0 to 100.');
    await userEvent.clear(share);
    await userEvent.type(share, '70');
    expect(within(form).getByText(`Dana Demo would be at ${formatPercent(70)} across open projects.`)).toBeInTheDocument();
    await userEvent.click(within(form).getByRole('button', { name: 'Save' }));
    expect(await screen.findByText(`Saved Dana Demo: lead, ${formatPercent(70)}`)).toBeInTheDocument();
    expect(api.requests).toEqual([expect.objectContaining({ method: 'PATCH', path: '/api/v1/projects/1/members/21/', ifMatch: '"member-21-v1"', body: { allocation: 70 } })]);
    expect(screen.getByRole('button', { name: 'Edit Dana Demo' })).toHaveFocus();

    await userEvent.click(screen.getByRole('button', { name: 'Edit Lee Dev' }));
    const lees = screen.getByRole('form', { name: 'Edit Lee Dev' });
    await userEvent.selectOptions(within(lees).getByLabelText('Role'), 'qa');
    await userEvent.clear(within(lees).getByLabelText('Allocation (%)'));
    await userEvent.type(within(lees).getByLabelText('Allocation (%)'), '90');
    expect(within(lees).getByText(`Over-allocated: Lee Dev would be at ${formatPercent(150)} across open projects.`)).toBeInTheDocument();
  });

  it('on a 412 merges their role with my allocation without asking, sending only mine with their ETag', async () => {
    signIn();
    const api = withTeam();
    renderDetail();
    await userEvent.click(await (await section()).findByRole('button', { name: 'Edit Lee Dev' }));
    api.changeMemberElsewhere(22, { role: 'designer' });
    const form = screen.getByRole('form', { name: 'Edit Lee Dev' });
    await userEvent.clear(within(form).getByLabelText('Allocation (%)'));
    await userEvent.type(within(form).getByLabelText('Allocation (%)'), '40');
    await userEvent.click(within(form).getByRole('button', { name: 'Save' }));
    expect(await screen.findByText(`Saved Lee Dev: designer, ${formatPercent(40)}, merged with what someone else saved meanwhile`)).toBeInTheDocument();
    expect(api.requests.map((r) => [r.ifMatch, r.body])).toEqual([
      ['"member-22-v1"', { allocation: 40 }],
      ['"member-22-v2"', { allocation: 40 }],
    ]);
  });

  it('on a 412 over a field both changed asks theirs / mine / edit; theirs is kept and nothing else is sent', async () => {
    signIn();
    const api = withTeam();
    renderDetail();
    await userEvent.click(await (await section()).findByRole('button', { name: 'Edit Lee Dev' }));
    api.changeMemberElsewhere(22, { role: 'designer', allocation: 30 });
    const form = screen.getByRole('form', { name: 'Edit Lee Dev' });
    await userEvent.selectOptions(within(form).getByLabelText('Role'), 'qa');
    await userEvent.clear(within(form).getByLabelText('Allocation (%)'));
    await userEvent.type(within(form).getByLabelText('Allocation (%)'), '40');
    await userEvent.click(within(form).getByRole('button', { name: 'Save' }));
    const dialog = await screen.findByRole('dialog', { name: 'Someone else saved changes meanwhile' });
    expect(dialog).toHaveAccessibleDescription(/Both of you changed 2 fields of Lee Dev on the team/);
    const role = within(dialog).getByRole('group', { name: 'Role' });
    expect(within(role).getByRole('radio', { name: 'Theirs: Designer' })).toHaveFocus();
    // The form marks what they saved under each field, while the dialog asks.
    expect(within(form).getByLabelText('Role')).toHaveAccessibleDescription('Changed by someone else: Designer');
    await userEvent.click(within(role).getByRole('radio', { name: 'Theirs: Designer' }));
    const share = within(dialog).getByRole('group', { name: 'Allocation' });
    await userEvent.click(within(share).getByRole('radio', { name: 'Edit: type a value of your own' }));
    await userEvent.clear(within(share).getByLabelText('Allocation, your value'));
    await userEvent.type(within(share).getByLabelText('Allocation, your value'), '35');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save merged' }));
    expect(await screen.findByText(`Saved Lee Dev: designer, ${formatPercent(35)}`)).toBeInTheDocument();
    expect(api.requests.map((r) => [r.ifMatch, r.body])).toEqual([
      ['"member-22-v1"', { role: 'qa', allocation: 40 }],
      ['"member-22-v2"', { allocation: 35 }],
    ]);
  });

  it('removes a member after confirming; their milestones are refetched unassigned', async () => {
    signIn();
    const api = withTeam();
    renderDetail();
    const milestones = within(await screen.findByRole('region', { name: 'Milestones' }));
    expect(await milestones.findByText('Lee Dev')).toBeInTheDocument();
    await userEvent.click(await (await section()).findByRole('button', { name: 'Remove Lee Dev' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove Lee Dev from the team?' });
    expect(dialog).toHaveAccessibleDescription(/Milestones assigned to them become unassigned\./);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Remove' }));
    expect(await screen.findByText('Removed Lee Dev from the team')).toBeInTheDocument();
    expect(api.requests).toEqual([expect.objectContaining({ method: 'DELETE', path: '/api/v1/projects/1/members/22/', ifMatch: '"member-22-v1"' })]);
    await waitFor(async () => expect(await rows()).toHaveLength(1));
    expect(await milestones.findByText('Unassigned')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('button', { name: 'Add member' })).toHaveFocus());
  });

  it('a refused remove says why in the question', async () => {
    signIn();
    withTeam();
    renderDetail();
    failOnce('delete', '/api/v1/projects/1/members/22/', 403, { code: 'permission_denied', message: 'Only the owner, a lead or a manager may manage the team.' });
    await userEvent.click(await (await section()).findByRole('button', { name: 'Remove Lee Dev' }));
    const dialog = screen.getByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Remove' }));
    expect(await within(dialog).findByText('Only the owner, a lead or a manager may manage the team.')).toBeInTheDocument();
  });

  it('a stakeholder sees the team read-only', async () => {
    signIn();
    withTeam({ project: makeProject({ owner: dana, my_role: 'stakeholder', capabilities: { can_edit: false, can_manage_team: false, can_delete: false, can_change_owner: false } }) });
    renderDetail();
    await rows();
    expect((await section()).queryByRole('button')).not.toBeInTheDocument();
  });
});
