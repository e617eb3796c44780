import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { makeProject, signIn } from '@/testing/fixtures';
import { serveProject } from '@/testing/mocks/project-detail';

import { renderDetail } from './test-utils';

describe('Project page header', () => {
  it('links to the edit form for someone who may edit the project', async () => {
    signIn();
    serveProject({ project: makeProject({ id: 1 }) });
    renderDetail();
    expect(await screen.findByRole('link', { name: 'Edit' })).toHaveAttribute('href', '/projects/1/edit');
  });

  it('offers no edit link to a stakeholder', async () => {
    signIn();
    serveProject({
      project: makeProject({
        my_role: 'stakeholder',
        capabilities: { can_edit: false, can_manage_team: false, can_delete: false, can_change_owner: false },
      }),
    });
    renderDetail();
    expect(await screen.findByText('View only')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Edit' })).not.toBeInTheDocument();
  });
});
