import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { formatDate } from '@/lib/format';
import { makeProject, signIn } from '@/testing/fixtures';
import { failOnce, makeMember, makeMilestone, serveProject } from '@/testing/mocks/project-detail';

import { renderDetail } from './test-utils';

const overview = async () => within(await screen.findByRole('region', { name: 'Overview' }));

describe('Project overview', () => {
  it('shows health with its reasons, progress, dates, owner and tags', async () => {
    signIn();
    serveProject({
      project: makeProject({
        title: 'Billing revamp', health: 'at_risk', progress: 35, start_date: '2026-11-01', due_date: '2027-01-15',
        health_reasons: [{ code: 'behind', severity: 'at_risk', message: 'Progress is 20 points behind the time elapsed.' }],
        owner: { id: 1, name: 'Dana Demo', email: 'dana@pulse.example' }, tags: [{ id: 4, name: 'finance', colour: '#3b82f6' }],
      }),
    });
    renderDetail();
    const o = await overview();
    expect(o.getByRole('list', { name: 'Health reasons' })).toHaveTextContent('At risk: Progress is 20 points behind the time elapsed.');
    expect(o.getByRole('progressbar', { name: 'Project progress' })).toHaveAttribute('aria-valuenow', '35');
    expect(o.getByText(formatDate('2026-11-01'))).toBeInTheDocument();
    expect(o.getByText(formatDate('2027-01-15'))).toBeInTheDocument();
    expect(o.getByText('dana@pulse.example')).toBeInTheDocument();
    expect(o.getByText('finance')).toBeInTheDocument();
  });

  it('overrides health: the reason is required, then PATCH with If-Match', async () => {
    signIn();
    const api = serveProject({ project: makeProject({ health: 'on_track' }) });
    renderDetail();
    await userEvent.click((await overview()).getByRole('button', { name: 'Override health' }));
    const dialog = screen.getByRole('dialog', { name: 'Override health' });
    await userEvent.selectOptions(within(dialog).getByLabelText('Health'), 'off_track');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save override' }));
    expect(within(dialog).getByLabelText('Reason')).toHaveAccessibleDescription(/Say why/);
    expect(api.requests).toHaveLength(0);
    await userEvent.type(within(dialog).getByLabelText('Reason'), 'Vendor slipped two weeks');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save override' }));
    expect(await screen.findByText('Health set to off track by hand')).toBeInTheDocument();
    expect(api.requests).toEqual([
      expect.objectContaining({ method: 'PATCH', path: '/api/v1/projects/1/', ifMatch: '"project-1-v3"', body: { health_override: 'off_track', health_override_reason: 'Vendor slipped two weeks' } }),
    ]);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect((await overview()).getByText(/Set by hand to/)).toHaveTextContent('Set by hand to Off track: “Vendor slipped two weeks”');
    expect(screen.getByRole('button', { name: 'Change override' })).toHaveFocus(); // the opener, relabelled
  });

  it('sends the reason as one line (the API refuses control characters in it) and refuses other control characters', async () => {
    signIn();
    const api = serveProject({ project: makeProject({ health: 'on_track' }) });
    renderDetail();
    await userEvent.click((await overview()).getByRole('button', { name: 'Override health' }));
    const dialog = screen.getByRole('dialog', { name: 'Override health' });
    const reason = within(dialog).getByLabelText('Reason');
    await userEvent.selectOptions(within(dialog).getByLabelText('Health'), 'off_track');
    await userEvent.click(reason);
    await userEvent.paste('bad\u0007bell');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save override' }));
    expect(reason).toHaveAccessibleDescription(/Remove the control characters/);
    expect(api.requests).toHaveLength(0);
    await userEvent.clear(reason);
    await userEvent.type(reason, 'Vendor slipped{Enter}two weeks');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save override' }));
    expect(await screen.findByText('Health set to off track by hand')).toBeInTheDocument();
    expect(api.requests).toEqual([expect.objectContaining({ body: { health_override: 'off_track', health_override_reason: 'Vendor slipped two weeks' } })]);
  });

  it('puts the server’s field error on the reason', async () => {
    signIn();
    serveProject();
    failOnce('patch', '/api/v1/projects/1/', 400, { code: 'validation_failed', message: 'Invalid input.', details: { health_override_reason: ['Control characters are not allowed.'] } });
    renderDetail();
    await userEvent.click((await overview()).getByRole('button', { name: 'Override health' }));
    const dialog = screen.getByRole('dialog', { name: 'Override health' });
    await userEvent.type(within(dialog).getByLabelText('Reason'), 'odd');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save override' }));
    await waitFor(() => expect(within(dialog).getByLabelText('Reason')).toHaveAccessibleDescription('Control characters are not allowed.'));
    expect(within(dialog).getByLabelText('Reason')).toHaveAttribute('aria-invalid', 'true');
  });

  it('on a 412 says it changed elsewhere; Reload fetches the latest and the next save uses its ETag', async () => {
    signIn();
    const api = serveProject();
    renderDetail();
    await userEvent.click((await overview()).getByRole('button', { name: 'Override health' }));
    api.changeProjectElsewhere({ title: 'Renamed elsewhere' });
    const dialog = screen.getByRole('dialog', { name: 'Override health' });
    await userEvent.type(within(dialog).getByLabelText('Reason'), 'Too many open bugs');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save override' }));
    expect(await within(dialog).findByText(/Changed by someone else since you opened it\./)).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Reload' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Renamed elsewhere' })).toBeInTheDocument();
    await waitFor(() => expect(within(dialog).queryByText(/Changed by someone else/)).not.toBeInTheDocument());
    await userEvent.type(within(dialog).getByLabelText('Reason'), 'Too many open bugs');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save override' }));
    await screen.findByText(/by hand$/);
    expect(api.requests.map((r) => r.ifMatch)).toEqual(['"project-1-v3"', '"project-1-v4"']);
  });

  it('clears an override', async () => {
    signIn();
    const api = serveProject({ project: makeProject({ health: 'off_track', health_override: 'off_track', health_override_reason: 'Vendor late' }) });
    renderDetail();
    await userEvent.click((await overview()).getByRole('button', { name: 'Clear override' }));
    expect(await screen.findByText(/Health override cleared/)).toBeInTheDocument();
    expect(api.requests[0]).toMatchObject({ method: 'PATCH', body: { health_override: null }, ifMatch: '"project-1-v3"' });
    expect((await overview()).queryByRole('button', { name: 'Clear override' })).not.toBeInTheDocument();
  });

  it('edits progress by hand while there are no milestones', async () => {
    signIn();
    const api = serveProject({ project: makeProject({ progress: 40, progress_mode: 'manual' }) });
    renderDetail();
    await userEvent.click((await overview()).getByRole('button', { name: 'Edit progress' }));
    const input = screen.getByLabelText('Progress (%)');
    expect(input).toHaveFocus();
    await userEvent.clear(input);
    await userEvent.type(input, '140{Enter}');
    expect(input).toHaveAccessibleDescription('Enter a whole number from 0 to 100.');
    await userEvent.clear(input);
    await userEvent.type(input, '70{Enter}');
    expect(await screen.findByText('Progress set to 70%')).toBeInTheDocument();
    expect(api.requests[0]).toMatchObject({ method: 'PATCH', body: { progress: 70 }, ifMatch: '"project-1-v3"' });
    expect(screen.getByRole('progressbar', { name: 'Project progress' })).toHaveAttribute('aria-valuenow', '70');
    expect(screen.getByRole('button', { name: 'Edit progress' })).toHaveFocus();
  });

  it('shows the server’s progress error on the field', async () => {
    signIn();
    serveProject();
    failOnce('patch', '/api/v1/projects/1/', 400, { code: 'validation_failed', message: 'Invalid input.', details: { progress: ['Progress is derived from milestones while the project has any.'] } });
    renderDetail();
    await userEvent.click((await overview()).getByRole('button', { name: 'Edit progress' }));
    await userEvent.clear(screen.getByLabelText('Progress (%)'));
    await userEvent.type(screen.getByLabelText('Progress (%)'), '5{Enter}');
    await waitFor(() => expect(screen.getByLabelText('Progress (%)')).toHaveAccessibleDescription('Progress is derived from milestones while the project has any.'));
  });

  it('offers no manual progress once there are milestones', async () => {
    signIn();
    serveProject({ project: makeProject({ progress_mode: 'milestones', milestone_summary: { total: 1, done: 0, overdue: 0, next_due: null } }), milestones: [makeMilestone()] });
    renderDetail();
    const o = await overview();
    expect(o.getByText('Weighted from the milestones')).toBeInTheDocument();
    expect(o.queryByRole('button', { name: 'Edit progress' })).not.toBeInTheDocument();
  });
});

describe('Deleting a project', () => {
  it('confirms, DELETEs with If-Match, goes to the list, and Undo restores it', async () => {
    signIn();
    const api = serveProject({ project: makeProject({ title: 'Billing revamp' }) });
    const { router } = renderDetail();
    await userEvent.click(await screen.findByRole('button', { name: 'Delete project' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete “Billing revamp”?' });
    expect(dialog).toHaveAccessibleDescription(/moves to the trash/);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete project' }));
    expect(await screen.findByRole('heading', { name: 'All projects' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/projects');
    expect(screen.getByText('Project deleted')).toBeInTheDocument();
    expect(api.requests).toEqual([expect.objectContaining({ method: 'DELETE', path: '/api/v1/projects/1/', ifMatch: '"project-1-v3"' })]);

    await userEvent.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await screen.findByText('Restored “Billing revamp”')).toBeInTheDocument();
    expect(api.requests[1]).toMatchObject({ method: 'POST', path: '/api/v1/projects/1/restore/', ifMatch: null });
    expect(router.state.location.pathname).toBe('/projects/1');
    expect(await screen.findByRole('heading', { level: 1, name: 'Billing revamp' })).toBeInTheDocument();
  });

  it('on a 412 keeps the project and offers Reload', async () => {
    signIn();
    const api = serveProject();
    const { router } = renderDetail();
    await userEvent.click(await screen.findByRole('button', { name: 'Delete project' }));
    api.changeProjectElsewhere();
    const dialog = screen.getByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete project' }));
    expect(await within(dialog).findByText(/Changed by someone else since you opened it\. Reload/)).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/projects/1');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Reload' }));
    await userEvent.click(await within(dialog).findByRole('button', { name: 'Delete project' }));
    expect(await screen.findByRole('heading', { name: 'All projects' })).toBeInTheDocument();
    expect(api.requests.map((r) => r.ifMatch)).toEqual(['"project-1-v3"', '"project-1-v4"']);
  });

  it('says why when the server refuses', async () => {
    signIn();
    serveProject();
    failOnce('delete', '/api/v1/projects/1/', 403, { code: 'permission_denied', message: 'Only the owner may delete this project.' });
    renderDetail();
    await userEvent.click(await screen.findByRole('button', { name: 'Delete project' }));
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete project' }));
    expect(await within(screen.getByRole('dialog')).findByText('Only the owner may delete this project.')).toBeInTheDocument();
  });
});

describe('Who may change the overview', () => {
  it('a stakeholder sees it read-only', async () => {
    signIn();
    serveProject({
      project: makeProject({ my_role: 'stakeholder', capabilities: { can_edit: false, can_manage_team: false, can_delete: false, can_change_owner: false }, health_override: 'at_risk', health_override_reason: 'x' }),
      members: [makeMember({ role: 'stakeholder' })],
    });
    renderDetail();
    const o = await overview();
    expect(screen.getByText('View only')).toBeInTheDocument();
    for (const name of ['Override health', 'Change override', 'Clear override', 'Edit progress']) expect(o.queryByRole('button', { name })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete project' })).not.toBeInTheDocument();
    expect(screen.queryByRole('group', { name: 'Lifecycle' })).not.toBeInTheDocument();
  });

  it('a lead edits but may not delete', async () => {
    signIn();
    serveProject({ project: makeProject({ my_role: 'lead', capabilities: { can_edit: true, can_manage_team: true, can_delete: false, can_change_owner: false } }) });
    renderDetail();
    expect((await overview()).getByRole('button', { name: 'Override health' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete project' })).not.toBeInTheDocument();
  });
});
