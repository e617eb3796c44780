import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';

import { useLiveStore } from '@/stores/live-store';
import { makeProject, signIn } from '@/testing/fixtures';
import { makeMember, makeMilestone, serveProject } from '@/testing/mocks/project-detail';
import type { Milestone, Paginated, Project } from '@/types/models';

import { projectKeys } from '../../api/keys';
import { renderDetail } from './test-utils';

beforeEach(() => useLiveStore.setState({ topics: {}, deleted: {}, flashes: {} }));

describe('Project page, live', () => {
  it('subscribes to its project while open', async () => {
    signIn();
    serveProject({ project: makeProject({ id: 1 }) });
    const { unmount } = renderDetail();
    await screen.findByRole('heading', { level: 1, name: 'Project 1' });
    expect(useLiveStore.getState().topics).toEqual({ 'project:1': 1 });
    unmount();
    expect(useLiveStore.getState().topics).toEqual({});
  });

  it('shows a value someone else changed, highlighted', async () => {
    signIn();
    serveProject({ project: makeProject({ id: 1 }) });
    const { queryClient } = renderDetail();
    await screen.findByRole('heading', { level: 1, name: 'Project 1' });
    act(() => {
      queryClient.setQueryData<Project>(projectKeys.detail(1), (p) => p && { ...p, title: 'Renamed', version: 4 });
      useLiveStore.getState().flash(['project:1:title']);
    });
    const heading = await screen.findByRole('heading', { level: 1, name: 'Renamed' });
    expect(within(heading).getByText('Renamed')).toHaveClass('live-flash');
  });

  it('says when someone else deleted it, and restores it for an owner', async () => {
    signIn();
    const served = serveProject({ project: makeProject({ id: 1 }) });
    renderDetail();
    await screen.findByRole('heading', { level: 1, name: 'Project 1' });
    act(() => useLiveStore.getState().markDeleted(1, { actor: 'Sam Lead', at: new Date().toISOString() }));
    const banner = screen.getByRole('alert');
    expect(banner).toHaveTextContent('This project was deleted by Sam Lead');
    await userEvent.click(within(banner).getByRole('button', { name: 'Restore' }));
    expect(await screen.findByText('Restored “Project 1”')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(served.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/v1/projects/1/restore/']);
  });

  it('offers no Restore to someone who may not delete', async () => {
    signIn();
    serveProject({ project: makeProject({ id: 1, capabilities: { can_edit: true, can_manage_team: true, can_delete: false, can_change_owner: false } }) });
    renderDetail();
    await screen.findByRole('heading', { level: 1, name: 'Project 1' });
    act(() => useLiveStore.getState().markDeleted(1, { actor: 'Sam Lead', at: new Date().toISOString() }));
    expect(screen.getByRole('alert')).toHaveTextContent('deleted');
    expect(screen.queryByRole('button', { name: 'Restore' })).not.toBeInTheDocument();
  });

  it('a live change to a milestone being edited neither resets the form nor lends it the new ETag', async () => {
    signIn();
    const api = serveProject({
      project: makeProject({ progress_mode: 'milestones' }),
      members: [makeMember({ id: 21 })],
      milestones: [makeMilestone({ id: 11, title: 'Design review', progress: 50 })],
    });
    const { queryClient } = renderDetail();
    await userEvent.click(await screen.findByRole('button', { name: 'Edit Design review' }));
    const form = screen.getByRole('form', { name: 'Edit Design review' });
    await userEvent.clear(within(form).getByLabelText('Title'));
    await userEvent.type(within(form).getByLabelText('Title'), 'Design sign-off');
    // Someone else moves its progress; the live layer patches the cached row (version and ETag too).
    api.changeMilestoneElsewhere(11, { progress: 70 });
    act(() =>
      queryClient.setQueryData<Paginated<Milestone>>(projectKeys.milestones(1), (page) =>
        page && { ...page, results: page.results.map((m) => (m.id === 11 ? { ...m, progress: 70, version: 3, etag: '"milestone-11-v3"' } : m)) },
      ),
    );
    expect(await screen.findByRole('progressbar', { name: 'Progress of Design review' })).toHaveAttribute('aria-valuenow', '70');
    expect(within(form).getByLabelText('Title')).toHaveValue('Design sign-off');
    await userEvent.click(within(form).getByRole('button', { name: 'Save milestone' }));
    // Sent with the ETag the edit started from: the server says it changed (412) instead of taking it blind;
    // only one side changed each field, so the merge retries at once with the newer ETag.
    await waitFor(() => expect(api.requests).toHaveLength(2));
    expect(api.requests).toEqual([
      expect.objectContaining({ method: 'PATCH', ifMatch: '"milestone-11-v2"', body: { title: 'Design sign-off' } }),
      expect.objectContaining({ method: 'PATCH', ifMatch: '"milestone-11-v3"', body: { title: 'Design sign-off' } }),
    ]);
  });
});
