import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';

import { useLiveStore } from '@/stores/live-store';
import { makeProject, signIn } from '@/testing/fixtures';
import { serveProject } from '@/testing/mocks/project-detail';
import type { Project } from '@/types/models';

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
});
