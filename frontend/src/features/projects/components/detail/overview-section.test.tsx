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

  it('on a 412 from a change to other fields, saves again at once against their copy (no dialog), keeping their change', async () => {
    signIn();
    const api = serveProject();
    renderDetail();
    await userEvent.click((await overview()).getByRole('button', { name: 'Override health' }));
    api.changeProjectElsewhere({ title: 'Renamed elsewhere' });
    const dialog = screen.getByRole('dialog', { name: 'Override health' });
    await userEvent.selectOptions(within(dialog).getByLabelText('Health'), 'at_risk');
    await userEvent.type(within(dialog).getByLabelText('Reason'), 'Too many open bugs');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save override' }));
    expect(await screen.findByText('Health set to at risk by hand, merged with what someone else saved meanwhile')).toBeInTheDocument();
    expect(api.requests.map((r) => r.ifMatch)).toEqual(['"project-1-v3"', '"project-1-v4"']);
    expect(api.requests[1]?.body).toEqual({ health_override: 'at_risk', health_override_reason: 'Too many open bugs' });
    expect(screen.queryByRole('dialog', { name: 'Someone else saved changes meanwhile' })).not.toBeInTheDocument();
    expect(await screen.findByRole('heading', { level: 1, name: 'Renamed elsewhere' })).toBeInTheDocument();
  });

  it('on a 412 from their own override, asks per field in the merge dialog and saves the choice with their ETag', async () => {
    signIn();
    const api = serveProject({ project: makeProject({ health: 'on_track' }) });
    renderDetail();
    await userEvent.click((await overview()).getByRole('button', { name: 'Override health' }));
    api.changeProjectElsewhere({ health: 'at_risk', health_override: 'at_risk', health_override_reason: 'Their reason' });
    const form = screen.getByRole('dialog', { name: 'Override health' });
    await userEvent.selectOptions(within(form).getByLabelText('Health'), 'off_track');
    await userEvent.type(within(form).getByLabelText('Reason'), 'My reason');
    await userEvent.click(within(form).getByRole('button', { name: 'Save override' }));
    const merge = await screen.findByRole('dialog', { name: 'Someone else saved changes meanwhile' });
    expect(merge).toHaveAccessibleDescription(/Both of you changed 2 fields of this project’s health override/);
    // The form is marked, not reset: what they saved shows under each field, what I typed stays.
    expect(within(form).getByLabelText('Health')).toHaveAccessibleDescription('Changed by someone else: At risk');
    expect(within(form).getByLabelText('Reason')).toHaveValue('My reason');
    const health = within(merge).getByRole('group', { name: 'Health' });
    expect(within(health).getByText('On track')).toBeInTheDocument(); // what I started from
    await userEvent.click(within(health).getByRole('radio', { name: 'Theirs: At risk' }));
    await userEvent.click(within(within(merge).getByRole('group', { name: 'Reason' })).getByRole('radio', { name: 'Mine: My reason' }));
    await userEvent.click(within(merge).getByRole('button', { name: 'Save merged' }));
    expect(await screen.findByText('Health set to at risk by hand')).toBeInTheDocument();
    expect(api.requests.map((r) => [r.ifMatch, r.body])).toEqual([
      ['"project-1-v3"', { health_override: 'off_track', health_override_reason: 'My reason' }],
      ['"project-1-v4"', { health_override: 'at_risk', health_override_reason: 'My reason' }],
    ]);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('cancelling the merge goes back to the override form with what was typed', async () => {
    signIn();
    const api = serveProject({ project: makeProject({ health: 'on_track' }) });
    renderDetail();
    await userEvent.click((await overview()).getByRole('button', { name: 'Override health' }));
    api.changeProjectElsewhere({ health: 'at_risk', health_override: 'at_risk', health_override_reason: 'Their reason' });
    const form = screen.getByRole('dialog', { name: 'Override health' });
    await userEvent.type(within(form).getByLabelText('Reason'), 'My reason');
    await userEvent.click(within(form).getByRole('button', { name: 'Save override' }));
    const merge = await screen.findByRole('dialog', { name: 'Someone else saved changes meanwhile' });
    await userEvent.click(within(merge).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog', { name: 'Someone else saved changes meanwhile' })).not.toBeInTheDocument();
    expect(within(form).getByLabelText('Reason')).toHaveValue('My reason');
    expect(api.requests).toHaveLength(1);
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

  it('on a 412 from another field, saves the progress again at once with their ETag', async () => {
    signIn();
    const api = serveProject({ project: makeProject({ progress: 40, progress_mode: 'manual' }) });
    renderDetail();
    await userEvent.click((await overview()).getByRole('button', { name: 'Edit progress' }));
    api.changeProjectElsewhere({ description: 'Rewritten elsewhere' });
    await userEvent.clear(screen.getByLabelText('Progress (%)'));
    await userEvent.type(screen.getByLabelText('Progress (%)'), '70{Enter}');
    expect(await screen.findByText('Progress set to 70%, merged with what someone else saved meanwhile')).toBeInTheDocument();
    expect(api.requests.map((r) => [r.ifMatch, r.body])).toEqual([
      ['"project-1-v3"', { progress: 70 }],
      ['"project-1-v4"', { progress: 70 }],
    ]);
  });

  it.each([
    ['Mine: 70%', 70, ['"project-1-v3"', '"project-1-v4"']],
    ['Theirs: 55%', 55, ['"project-1-v3"']],
  ])('on a 412 from their own progress, the merge dialog asks: %s', async (choice, shown, ifMatches) => {
    signIn();
    const api = serveProject({ project: makeProject({ progress: 40, progress_mode: 'manual' }) });
    renderDetail();
    await userEvent.click((await overview()).getByRole('button', { name: 'Edit progress' }));
    api.changeProjectElsewhere({ progress: 55 });
    await userEvent.clear(screen.getByLabelText('Progress (%)'));
    await userEvent.type(screen.getByLabelText('Progress (%)'), '70{Enter}');
    const merge = await screen.findByRole('dialog', { name: 'Someone else saved changes meanwhile' });
    expect(merge).toHaveAccessibleDescription(/Both of you changed one field of this project’s progress/);
    expect(screen.getByLabelText('Progress (%)')).toHaveAccessibleDescription('Changed by someone else: 55%');
    expect(screen.getByLabelText('Progress (%)')).toHaveValue(70);
    await userEvent.click(within(merge).getByRole('radio', { name: choice }));
    await userEvent.click(within(merge).getByRole('button', { name: 'Save merged' }));
    await waitFor(() => expect(screen.getByRole('progressbar', { name: 'Project progress' })).toHaveAttribute('aria-valuenow', String(shown)));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(api.requests.map((r) => r.ifMatch)).toEqual(ifMatches);
    expect(screen.getByRole('button', { name: 'Edit progress' })).toBeInTheDocument();
  });

  it('a second 412 while saving the merge reopens the dialog with the newer copy', async () => {
    signIn();
    const api = serveProject({ project: makeProject({ progress: 40, progress_mode: 'manual' }) });
    renderDetail();
    await userEvent.click((await overview()).getByRole('button', { name: 'Edit progress' }));
    api.changeProjectElsewhere({ progress: 55 });
    await userEvent.clear(screen.getByLabelText('Progress (%)'));
    await userEvent.type(screen.getByLabelText('Progress (%)'), '70{Enter}');
    let merge = await screen.findByRole('dialog', { name: 'Someone else saved changes meanwhile' });
    api.changeProjectElsewhere({ progress: 60 });
    await userEvent.click(within(merge).getByRole('radio', { name: 'Mine: 70%' }));
    await userEvent.click(within(merge).getByRole('button', { name: 'Save merged' }));
    merge = await screen.findByRole('dialog', { name: 'Someone else saved changes meanwhile' });
    expect(await within(merge).findByRole('radio', { name: 'Theirs: 60%' })).toBeInTheDocument();
    await userEvent.click(within(merge).getByRole('radio', { name: 'Mine: 70%' }));
    await userEvent.click(within(merge).getByRole('button', { name: 'Save merged' }));
    expect(await screen.findByText('Progress set to 70%')).toBeInTheDocument();
    expect(api.requests.map((r) => r.ifMatch)).toEqual(['"project-1-v3"', '"project-1-v4"', '"project-1-v5"']);
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
