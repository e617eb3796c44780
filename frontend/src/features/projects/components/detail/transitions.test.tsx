import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { makeProject, signIn } from '@/testing/fixtures';
import { serveProject } from '@/testing/mocks/project-detail';

import { renderDetail } from './test-utils';

const lifecycle = async () => within(await screen.findByRole('group', { name: 'Lifecycle' }));

describe('Lifecycle buttons', () => {
  it('offers what the status allows and runs a reversible step at once, with If-Match', async () => {
    signIn();
    const api = serveProject({ project: makeProject({ status: 'active', allowed_transitions: ['hold', 'complete', 'cancel'] }) });
    renderDetail();
    const group = await lifecycle();
    expect(group.getAllByRole('button').map((b) => b.textContent)).toEqual(['Put on hold', 'Complete', 'Cancel project']);
    await userEvent.click(group.getByRole('button', { name: 'Put on hold' }));
    expect(await screen.findByText(/^Now /)).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(api.requests).toEqual([expect.objectContaining({ method: 'POST', path: '/api/v1/projects/1/transitions/hold/', ifMatch: '"project-1-v3"' })]);
  });

  it('asks before a step that ends the project, and Keep it open sends nothing', async () => {
    signIn();
    const api = serveProject({ project: makeProject({ title: 'Billing revamp', status: 'active', allowed_transitions: ['hold', 'complete', 'cancel'] }) });
    renderDetail();
    await userEvent.click((await lifecycle()).getByRole('button', { name: 'Cancel project' }));
    const dialog = screen.getByRole('dialog', { name: 'Cancel “Billing revamp”?' });
    expect(dialog).toHaveAccessibleDescription(/cannot be restarted/);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Keep it open' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(api.requests).toEqual([]);

    await userEvent.click((await lifecycle()).getByRole('button', { name: 'Complete' }));
    const complete = screen.getByRole('dialog', { name: 'Complete “Billing revamp”?' });
    await userEvent.click(within(complete).getByRole('button', { name: 'Complete project' }));
    expect(await screen.findByText(/^Now /)).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(api.requests).toEqual([expect.objectContaining({ method: 'POST', path: '/api/v1/projects/1/transitions/complete/' })]);
  });
});
