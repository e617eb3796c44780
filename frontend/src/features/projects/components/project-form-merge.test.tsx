// The project edit form over a change saved elsewhere: a three-way merge, never a silent overwrite.
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';

import { ToastRegion } from '@/components/ui/toast-region';
import { useToastStore } from '@/stores/toast-store';
import { makeProject, me, signIn } from '@/testing/fixtures';
import { server } from '@/testing/mocks/server';
import { renderWithProviders } from '@/testing/render';
import type { Project } from '@/types/models';

import { projectKeys } from '../api/keys';
import { ProjectEditPage } from './project-form-page';

type Write = { body: Record<string, unknown>; ifMatch: string | null };

/** One project behind GET and PATCH with the API's rule: a stale If-Match is a 412 carrying the current copy. */
function serveProject(initial: Project) {
  let current = initial;
  let changedBy: { id: number; name: string } | null = null; // who the 412 names
  const patches: Write[] = [];
  const bump = (changes: Partial<Project>, by?: { id: number; name: string }) => {
    const version = current.version + 1;
    current = { ...current, ...changes, version, etag: `"project-${current.id}-v${version}"` };
    changedBy = by ?? null;
  };
  server.use(
    http.get('/api/v1/auth/me/', () => HttpResponse.json(me)),
    http.get(`/api/v1/projects/${initial.id}/`, () => HttpResponse.json(current, { headers: { ETag: current.etag } })),
    http.patch(`/api/v1/projects/${initial.id}/`, async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      const ifMatch = request.headers.get('If-Match');
      patches.push({ body, ifMatch });
      if (ifMatch !== current.etag)
        return HttpResponse.json(
          {
            error: {
              code: 'precondition_failed',
              message: 'The resource changed since you read it.',
              details: { current, etag: current.etag, changed_by: changedBy, changed_fields: [] },
            },
          },
          { status: 412 },
        );
      bump(body as Partial<Project>);
      return HttpResponse.json(current, { headers: { ETag: current.etag } });
    }),
  );
  return { patches, current: () => current, changeElsewhere: bump };
}

const project = makeProject({
  id: 5, title: 'Apollo', description: 'First launch', start_date: '2026-11-01', due_date: '2027-01-15', progress: 40,
  tags: [{ id: 1, name: 'Backend', colour: '#3b82f6' }], version: 3, etag: '"project-5-v3"',
});

const renderEdit = () =>
  renderWithProviders(
    <>
      <ProjectEditPage projectId={5} />
      <ToastRegion />
    </>,
    {
      path: '/projects/5/edit',
      routePath: '/projects/:projectId/edit',
      extraRoutes: [{ path: '/projects/:projectId', element: (<><h1>Project page</h1><ToastRegion /></>) }],
    },
  );

const field = (name: string) => screen.getByLabelText(name);
const save = () => userEvent.click(screen.getByRole('button', { name: 'Save changes' }));
async function retype(name: string, value: string) {
  await userEvent.clear(field(name));
  if (value) await userEvent.type(field(name), value);
}

beforeEach(() => useToastStore.setState({ toasts: [] }));

describe('ProjectEditPage over a change made elsewhere', () => {
  it('merges fields only one side changed without asking, and retries with their ETag and my changes only', async () => {
    signIn();
    const api = serveProject(project);
    renderEdit();
    await screen.findByLabelText('Title');
    api.changeElsewhere({ title: 'Apollo (renamed)' });
    await retype('Description', 'Mine');
    await save();
    expect(await screen.findByRole('heading', { name: 'Project page' })).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(api.patches).toEqual([
      { body: { description: 'Mine' }, ifMatch: '"project-5-v3"' },
      { body: { description: 'Mine' }, ifMatch: '"project-5-v4"' },
    ]);
    expect(api.current()).toMatchObject({ title: 'Apollo (renamed)', description: 'Mine' });
    expect(screen.getByText('Project saved, merged with what someone else saved meanwhile')).toBeInTheDocument();
  });

  it('asks about a field both changed: three columns, the one-sided ones merged and collapsed, focus on the first choice', async () => {
    signIn();
    const api = serveProject(project);
    renderEdit();
    await screen.findByLabelText('Title');
    api.changeElsewhere({ description: 'Theirs', title: 'Apollo (renamed)' });
    await retype('Description', 'Mine');
    await retype('Due date', '2027-02-01');
    await save();
    const dialog = await screen.findByRole('dialog', { name: 'Someone else saved changes meanwhile' });
    const group = within(dialog).getByRole('group', { name: 'Description' });
    expect(within(group).getByText('You started from').nextSibling).toHaveTextContent('First launch');
    expect(within(group).getByText('They saved').nextSibling).toHaveTextContent('Theirs');
    expect(within(group).getByText('You typed').nextSibling).toHaveTextContent('Mine');
    expect(within(group).getByRole('radio', { name: 'Theirs: Theirs' })).toHaveFocus();
    // Title (theirs) and due date (mine) are merged already, listed but folded away.
    const folded = within(dialog).getByText(/Merged automatically/);
    expect(folded).toHaveTextContent('Merged automatically: Title, Due date');
    expect(folded.closest('details')).not.toHaveAttribute('open');
    expect(within(dialog).getByText(/their change kept \(Apollo \(renamed\)\)/)).toBeInTheDocument();
    // Nothing was saved over them.
    expect(api.patches).toHaveLength(1);
    expect(api.current().description).toBe('Theirs');
  });

  it.each([
    ['theirs', 'Theirs: Theirs', undefined, { due_date: '2027-02-01' }, 'Theirs'],
    ['mine', 'Mine: Mine', undefined, { description: 'Mine', due_date: '2027-02-01' }, 'Mine'],
    ['edit', 'Edit: type a value of your own', 'Theirs and mine', { description: 'Theirs and mine', due_date: '2027-02-01' }, 'Theirs and mine'],
  ] as const)('keeps %s for the conflict and retries with the new ETag and the merged changes only', async (_, radio, typed, body, description) => {
    signIn();
    const api = serveProject(project);
    renderEdit();
    await screen.findByLabelText('Title');
    api.changeElsewhere({ description: 'Theirs', title: 'Apollo (renamed)' });
    await retype('Description', 'Mine');
    await retype('Due date', '2027-02-01');
    await save();
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('radio', { name: radio }));
    if (typed) {
      const input = within(dialog).getByLabelText('Description, your value');
      expect(input).toHaveValue('Mine');
      await userEvent.clear(input);
      await userEvent.type(input, typed);
    }
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save merged' }));
    expect(await screen.findByRole('heading', { name: 'Project page' })).toBeInTheDocument();
    expect(api.patches[1]).toEqual({ body, ifMatch: '"project-5-v4"' });
    expect(api.current()).toMatchObject({ title: 'Apollo (renamed)', description, due_date: '2027-02-01' });
  });

  it('insists on a choice for each conflict before saving', async () => {
    signIn();
    const api = serveProject(project);
    renderEdit();
    await screen.findByLabelText('Title');
    api.changeElsewhere({ progress: 70 });
    await retype('Progress (%)', '55');
    await save();
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save merged' }));
    expect(within(dialog).getByRole('alert')).toHaveTextContent('Choose a value for the field you both changed');
    expect(within(dialog).getByText('Choose which progress to keep.')).toBeInTheDocument();
    expect(within(dialog).getByRole('radio', { name: 'Theirs: 70%' })).toBeInTheDocument();
    expect(api.patches).toHaveLength(1);
  });

  it('names who saved meanwhile when the 412 says', async () => {
    signIn();
    const api = serveProject(project);
    renderEdit();
    await screen.findByLabelText('Title');
    api.changeElsewhere({ description: 'Theirs' }, { id: 8, name: 'Ada Lovelace' });
    await retype('Description', 'Mine');
    await save();
    const dialog = await screen.findByRole('dialog', { name: 'Ada Lovelace saved changes meanwhile' });
    expect(within(dialog).getByRole('group', { name: 'Description' })).toBeInTheDocument();
  });

  it('says You when the 412 names the reader (a save in another tab)', async () => {
    signIn();
    const api = serveProject(project);
    renderEdit();
    await screen.findByLabelText('Title');
    api.changeElsewhere({ description: 'Theirs' }, { id: me.id, name: me.name });
    await retype('Description', 'Mine');
    await save();
    expect(await screen.findByRole('dialog', { name: 'You saved changes meanwhile' })).toBeInTheDocument();
  });

  it('a second 412 reopens the dialog with the newer copy as theirs and the previous one as the base', async () => {
    signIn();
    const api = serveProject(project);
    renderEdit();
    await screen.findByLabelText('Title');
    api.changeElsewhere({ description: 'Theirs' });
    await retype('Description', 'Mine');
    await save();
    let dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('radio', { name: 'Mine: Mine' }));
    api.changeElsewhere({ description: 'Theirs again', title: 'Apollo 3' }); // saved while the dialog was open
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save merged' }));

    dialog = await screen.findByRole('dialog');
    const group = within(dialog).getByRole('group', { name: 'Description' });
    expect(within(group).getByText('You started from').nextSibling).toHaveTextContent('Theirs');
    expect(within(group).getByText('They saved').nextSibling).toHaveTextContent('Theirs again');
    expect(within(group).getByText('You typed').nextSibling).toHaveTextContent('Mine');
    expect(within(dialog).getByText(/Merged automatically/)).toHaveTextContent('Title');
    await userEvent.click(within(group).getByRole('radio', { name: 'Mine: Mine' }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save merged' }));
    expect(await screen.findByRole('heading', { name: 'Project page' })).toBeInTheDocument();
    expect(api.patches.map((p) => [p.ifMatch, p.body])).toEqual([
      ['"project-5-v3"', { description: 'Mine' }],
      ['"project-5-v4"', { description: 'Mine' }],
      ['"project-5-v5"', { description: 'Mine' }],
    ]);
    expect(api.current()).toMatchObject({ title: 'Apollo 3', description: 'Mine' });
  });

  it('Esc cancels the merge: the form keeps what was typed, nothing is saved, and says what they changed', async () => {
    signIn();
    const api = serveProject(project);
    renderEdit();
    await screen.findByLabelText('Title');
    api.changeElsewhere({ description: 'Theirs' });
    await retype('Description', 'Mine');
    await save();
    await screen.findByRole('dialog');
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(field('Description')).toHaveValue('Mine');
    expect(field('Description')).toHaveAccessibleDescription(/Changed by someone else: Theirs/);
    expect(api.patches).toHaveLength(1);
    // Saving again asks again: still against the copy it was opened from.
    await save();
    expect(await screen.findByRole('dialog')).toBeInTheDocument();
    expect(api.patches[1]?.ifMatch).toBe('"project-5-v3"');
  });

  it('marks the fields a newer copy changed while the form is open, and keeps what is typed', async () => {
    signIn();
    serveProject(project);
    const { queryClient } = renderEdit();
    await screen.findByLabelText('Title');
    await retype('Title', 'Apollo (mine)');
    expect(screen.queryByText(/Changed by someone else/)).not.toBeInTheDocument();
    act(() =>
      queryClient.setQueryData(projectKeys.detail(5), { ...project, title: 'Live title', progress: 65, tags: [], version: 4, etag: '"project-5-v4"' }),
    );
    expect(await screen.findByText('Changed by someone else: Live title')).toBeInTheDocument();
    expect(field('Progress (%)')).toHaveAccessibleDescription(/Changed by someone else: 65%/);
    expect(screen.getByText('Changed by someone else: —')).toBeInTheDocument(); // the tags, all removed
    expect(field('Title')).toHaveValue('Apollo (mine)');
    expect(field('Progress (%)')).toHaveValue(40);
    expect(field('Description')).not.toHaveAccessibleDescription(/Changed by someone else/);
  });
});
