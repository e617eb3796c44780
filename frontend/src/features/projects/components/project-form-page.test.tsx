import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';

import { ToastRegion } from '@/components/ui/toast-region';
import { useLiveStore } from '@/stores/live-store';
import { useToastStore } from '@/stores/toast-store';
import { makeProject, me, signIn } from '@/testing/fixtures';
import { server } from '@/testing/mocks/server';
import { renderWithProviders } from '@/testing/render';
import type { Project, Tag } from '@/types/models';

import { ProjectCreatePage, ProjectEditPage } from './project-form-page';

type Write = { body: Record<string, unknown>; ifMatch: string | null };

const tag = (id: number, name: string): Tag => ({ id, name, colour: '#3b82f6', project_count: 1, version: 1, etag: `"tag-${id}-v1"`, created_at: '2026-01-01T00:00:00Z' });

function serveTags(initial: Tag[] = [tag(1, 'Backend'), tag(2, 'Design')]) {
  const tags = [...initial];
  const created: unknown[] = [];
  server.use(
    http.get('/api/v1/tags/', ({ request }) => {
      const q = (new URL(request.url).searchParams.get('q') ?? '').toLowerCase();
      const results = tags.filter((t) => t.name.toLowerCase().includes(q));
      return HttpResponse.json({ count: results.length, next: null, previous: null, results });
    }),
    http.post('/api/v1/tags/', async ({ request }) => {
      const body = (await request.json()) as { name: string };
      created.push(body);
      const made = tag(40 + tags.length, body.name);
      tags.push(made);
      return HttpResponse.json(made, { status: 201, headers: { ETag: made.etag } });
    }),
  );
  return created;
}

const errorReply = (status: number, code: string, details: Record<string, unknown> = {}, message = 'Invalid input.') =>
  HttpResponse.json({ error: { code, message, details } }, { status });

// The toasts outlive the form's page, as the app shell's do.
const routes = [
  { path: '/projects', element: <h1>Project list</h1> },
  {
    path: '/projects/:projectId',
    element: (
      <>
        <h1>Project page</h1>
        <ToastRegion />
      </>
    ),
  },
];

beforeEach(() => useToastStore.setState({ toasts: [] }));

// --------------------------------------------------------------- create

function serveCreate(reply?: (body: Record<string, unknown>) => Response | undefined) {
  const posts: Record<string, unknown>[] = [];
  server.use(
    http.post('/api/v1/projects/', async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      posts.push(body);
      const custom = reply?.(body);
      if (custom) return custom;
      const project = makeProject({ id: 77, title: String(body.title), status: 'planning', version: 1, etag: '"project-77-v1"' });
      return HttpResponse.json(project, { status: 201, headers: { Location: 'http://localhost/api/v1/projects/77/', ETag: project.etag } });
    }),
  );
  return posts;
}

const renderCreate = () =>
  renderWithProviders(
    <>
      <ProjectCreatePage />
      <ToastRegion />
    </>,
    { path: '/projects/new', routePath: '/projects/new', extraRoutes: routes },
  );

const field = (name: string) => screen.getByLabelText(name);
const submit = (name = 'Create project') => userEvent.click(screen.getByRole('button', { name }));

describe('ProjectCreatePage', () => {
  it('shows validation errors first, focusing the first, then creates the project and opens it', async () => {
    signIn();
    const posts = serveCreate();
    renderCreate();
    await waitFor(() => expect(field('Title')).toHaveFocus());
    await submit();
    expect(await screen.findByText('Enter a title.')).toBeInTheDocument();
    expect(field('Title')).toHaveAttribute('aria-invalid', 'true');
    expect(field('Title')).toHaveAccessibleDescription(/Enter a title\./);
    expect(field('Title')).toHaveFocus();

    await userEvent.type(field('Title'), '  Apollo  ');
    await userEvent.type(field('Start date'), '2026-12-01');
    await userEvent.type(field('Due date'), '2026-11-01');
    await userEvent.clear(field('Progress (%)'));
    await userEvent.type(field('Progress (%)'), '150');
    await submit();
    expect(await screen.findByText('The due date cannot be before the start date.')).toBeInTheDocument();
    expect(screen.getByText('Enter a whole number from 0 to 100.')).toBeInTheDocument();
    expect(field('Due date')).toHaveFocus();
    expect(field('Title')).toHaveAttribute('aria-invalid', 'false');
    expect(posts).toHaveLength(0);

    await userEvent.clear(field('Due date'));
    await userEvent.type(field('Due date'), '2027-02-01');
    await userEvent.clear(field('Progress (%)'));
    await userEvent.type(field('Progress (%)'), '10');
    await userEvent.type(field('Description'), 'Line one\nLine two');
    await submit();
    expect(await screen.findByRole('heading', { name: 'Project page' })).toBeInTheDocument();
    expect(posts).toEqual([
      { title: 'Apollo', description: 'Line one\nLine two', start_date: '2026-12-01', due_date: '2027-02-01', progress: 10, tag_ids: [] },
    ]);
    expect(screen.getByText('Project “Apollo” created')).toBeInTheDocument();
  });

  it('refuses control characters in the title and an over-long title', async () => {
    signIn();
    const posts = serveCreate();
    renderCreate();
    await userEvent.click(field('Title'));
    await userEvent.paste('Bad\u001btitle');
    await submit();
    expect(await screen.findByText(/Remove the control characters/)).toBeInTheDocument();
    await userEvent.clear(field('Title'));
    await userEvent.click(field('Title'));
    await userEvent.paste('x'.repeat(201));
    expect(await screen.findByText('Use at most 200 characters.')).toBeInTheDocument();
    expect(posts).toHaveLength(0);
  });

  it("puts the API's field errors on their fields and the rest above the form", async () => {
    signIn();
    let reply = errorReply(400, 'validation_error', { title: ['A project with this title already exists.'] });
    serveCreate(() => reply);
    renderCreate();
    await userEvent.type(field('Title'), 'Apollo');
    await userEvent.type(field('Description'), 'Notes');
    await submit();
    expect(await screen.findByText('A project with this title already exists.')).toBeInTheDocument();
    expect(field('Title')).toHaveAttribute('aria-invalid', 'true');
    expect(field('Title')).toHaveAccessibleDescription(/A project with this title already exists\./);
    expect(field('Title')).toHaveFocus();
    expect(field('Description')).toHaveAttribute('aria-invalid', 'false');

    reply = errorReply(400, 'validation_error', { constraint: ['The change violates a data constraint.'] });
    await userEvent.type(field('Title'), ' II');
    await submit();
    const form = screen.getByRole('form', { name: 'New project' });
    const alert = await within(form).findByText('The change violates a data constraint.');
    // Above the fields, not on one of them.
    expect(alert.compareDocumentPosition(field('Title')) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(field('Title')).toHaveAttribute('aria-invalid', 'false');
  });

  it('a server error with no details shows its message above the form', async () => {
    signIn();
    serveCreate(() => errorReply(500, 'server_error', {}, 'The server failed. Try again.'));
    renderCreate();
    await userEvent.type(field('Title'), 'Apollo');
    await submit();
    expect(await screen.findByRole('alert')).toHaveTextContent('The server failed. Try again.');
    expect(screen.queryByRole('heading', { name: 'Project page' })).not.toBeInTheDocument();
  });

  it('creates a tag inline and sends it with the new project', async () => {
    signIn();
    const createdTags = serveTags();
    const posts = serveCreate();
    renderCreate();
    await userEvent.type(field('Title'), 'Apollo');
    const tags = screen.getByRole('combobox', { name: 'Tags' });
    await userEvent.type(tags, 'Des');
    await userEvent.click(await screen.findByRole('option', { name: /Design/ }));
    await userEvent.type(tags, 'Research');
    await userEvent.click(await screen.findByRole('option', { name: 'Create tag “Research”' }));
    expect(await screen.findByRole('button', { name: 'Remove tag Research' })).toBeInTheDocument();
    expect(createdTags).toEqual([{ name: 'Research' }]);
    await submit();
    await screen.findByRole('heading', { name: 'Project page' });
    expect(posts[0]?.tag_ids).toEqual([2, 42]);
  });

  it('Ctrl+Enter submits from any field, Enter in the tag box does not', async () => {
    signIn();
    serveTags();
    const posts = serveCreate();
    renderCreate();
    await userEvent.type(field('Title'), 'Apollo');
    await userEvent.type(screen.getByRole('combobox', { name: 'Tags' }), 'zzz{Escape}{Enter}');
    expect(posts).toHaveLength(0);
    await userEvent.click(field('Description'));
    await userEvent.keyboard('{Control>}{Enter}{/Control}');
    await screen.findByRole('heading', { name: 'Project page' });
    expect(posts).toHaveLength(1);
  });

  it('leaves at once when nothing was typed', async () => {
    signIn();
    renderCreate();
    await userEvent.click(screen.getByRole('link', { name: 'Cancel' }));
    // Nothing typed: leaves at once.
    expect(await screen.findByRole('heading', { name: 'Project list' })).toBeInTheDocument();
  });

  it('keeps the form on "Keep editing" and leaves on "Discard changes"', async () => {
    signIn();
    renderCreate();
    await userEvent.type(field('Title'), 'Half done');
    await userEvent.click(screen.getByRole('link', { name: 'Cancel' }));
    const dialog = await screen.findByRole('dialog', { name: 'Discard unsaved changes?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Keep editing' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(field('Title')).toHaveValue('Half done');

    await userEvent.click(screen.getByRole('link', { name: 'Cancel' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Discard changes' }));
    expect(await screen.findByRole('heading', { name: 'Project list' })).toBeInTheDocument();
  });
});

// --------------------------------------------------------------- edit

/** GET and PATCH one project whose version moves with every write; `reply` may answer a PATCH instead. */
function serveProject(initial: Project, reply?: (body: Record<string, unknown>) => Response | undefined) {
  let current = initial;
  const patches: Write[] = [];
  let reads = 0;
  server.use(
    http.get('/api/v1/auth/me/', () => HttpResponse.json(me)), // the merge dialog names the signed-in person "You"
    http.get(`/api/v1/projects/${initial.id}/`, () => {
      reads += 1;
      return HttpResponse.json(current, { headers: { ETag: current.etag } });
    }),
    http.patch(`/api/v1/projects/${initial.id}/`, async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      patches.push({ body, ifMatch: request.headers.get('If-Match') });
      const custom = reply?.(body);
      if (custom) return custom;
      const version = current.version + 1;
      current = { ...current, ...body, version, etag: `"project-${current.id}-v${version}"` } as Project;
      return HttpResponse.json(current, { headers: { ETag: current.etag } });
    }),
  );
  return {
    patches,
    reads: () => reads,
    set: (next: Project) => {
      current = next;
    },
  };
}

const project = makeProject({
  id: 5, title: 'Apollo', description: 'First launch', start_date: '2026-11-01', due_date: '2027-01-15', progress: 40,
  tags: [{ id: 1, name: 'Backend', colour: '#3b82f6' }], version: 3, etag: '"project-5-v3"',
});

const renderEdit = (id = 5) =>
  renderWithProviders(
    <>
      <ProjectEditPage projectId={id} />
      <ToastRegion />
    </>,
    { path: `/projects/${id}/edit`, routePath: '/projects/:projectId/edit', extraRoutes: routes },
  );

describe('ProjectEditPage', () => {
  it('loads the project, then PATCHes only the changed fields with If-Match', async () => {
    signIn();
    const api = serveProject(project);
    renderEdit();
    expect(screen.getByRole('status')).toHaveTextContent('Loading the project');
    expect(await screen.findByLabelText('Title')).toHaveValue('Apollo');
    expect(field('Description')).toHaveValue('First launch');
    expect(field('Due date')).toHaveValue('2027-01-15');
    expect(field('Progress (%)')).toHaveValue(40);
    expect(screen.getByRole('button', { name: 'Remove tag Backend' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save changes' })).toBeDisabled();

    await userEvent.clear(field('Title'));
    await userEvent.type(field('Title'), 'Apollo 2');
    await userEvent.clear(field('Due date'));
    await submit('Save changes');
    expect(await screen.findByRole('heading', { name: 'Project page' })).toBeInTheDocument();
    expect(api.patches).toEqual([{ body: { title: 'Apollo 2', due_date: null }, ifMatch: '"project-5-v3"' }]);
    expect(screen.getByText('Project saved')).toBeInTheDocument();
  });

  it('sends the whole new tag set as tag_ids when only the tags changed', async () => {
    signIn();
    serveTags();
    const api = serveProject(project);
    renderEdit();
    await screen.findByLabelText('Title');
    await userEvent.click(screen.getByRole('button', { name: 'Remove tag Backend' }));
    await userEvent.type(screen.getByRole('combobox', { name: 'Tags' }), 'Des');
    await userEvent.click(await screen.findByRole('option', { name: /Design/ }));
    await submit('Save changes');
    await screen.findByRole('heading', { name: 'Project page' });
    expect(api.patches).toEqual([{ body: { tag_ids: [2] }, ifMatch: '"project-5-v3"' }]);
  });

  it('does not offer progress while milestones set it, and never sends it', async () => {
    signIn();
    const api = serveProject({ ...project, progress_mode: 'milestones', progress: 65, milestone_summary: { total: 2, done: 1, overdue: 0, next_due: null } });
    renderEdit();
    await screen.findByLabelText('Title');
    expect(screen.queryByLabelText('Progress (%)')).not.toBeInTheDocument();
    expect(screen.getByText(/worked out from the project's milestones/).closest('p')).toHaveTextContent('65%');
    await userEvent.type(field('Description'), '!');
    await submit('Save changes');
    await screen.findByRole('heading', { name: 'Project page' });
    expect(api.patches[0]?.body).toEqual({ description: 'First launch!' });
  });

  // A 412 and a newer copy arriving while the form is open: project-form-merge.test.tsx.

  it('listens to its project live while open', async () => {
    signIn();
    serveProject(project);
    renderEdit();
    await screen.findByLabelText('Title');
    expect(useLiveStore.getState().topics).toMatchObject({ 'project:5': 1 });
  });

  it('puts a field error from the API on its field', async () => {
    signIn();
    serveProject(project, () => errorReply(400, 'validation_error', { title: ['A project with this title already exists.'] }));
    renderEdit();
    await userEvent.type(await screen.findByLabelText('Title'), ' 2');
    await submit('Save changes');
    expect(await screen.findByText('A project with this title already exists.')).toBeInTheDocument();
    expect(field('Title')).toHaveAttribute('aria-invalid', 'true');
    expect(field('Title')).toHaveFocus();
  });

  it.each([
    [403, 'forbidden', 'Only the owner, a lead or a manager may edit this project.', 'Only the owner, a lead or a manager may edit this project.'],
    [404, 'not_found', 'Project not found.', 'This project no longer exists'],
    [428, 'precondition_required', 'If-Match is required.', 'did not say which version it was based on'],
  ])('a %i on save shows a message above the form', async (status, code, message, shown) => {
    signIn();
    serveProject(project, () => errorReply(status, code, {}, message));
    renderEdit();
    await userEvent.type(await screen.findByLabelText('Title'), ' 2');
    await submit('Save changes');
    expect(await screen.findByRole('alert')).toHaveTextContent(shown);
    expect(field('Title')).toHaveValue('Apollo 2');
  });

  it('says when the project is not there', async () => {
    signIn();
    server.use(http.get('/api/v1/projects/9/', () => errorReply(404, 'not_found', {}, 'Project not found.')));
    renderEdit(9);
    expect(await screen.findByRole('heading', { name: 'Project not found' })).toBeInTheDocument();
  });

  it('shows a load error with a retry', async () => {
    signIn();
    server.use(http.get('/api/v1/projects/5/', () => errorReply(500, 'server_error', {}, 'The server failed.')));
    renderEdit();
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not load the project');
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });

  it('offers no form to someone who may not edit', async () => {
    signIn();
    serveProject({ ...project, my_role: 'stakeholder', capabilities: { can_edit: false, can_manage_team: false, can_delete: false, can_change_owner: false } });
    renderEdit();
    expect(await screen.findByText(/You can see this project but not edit it/)).toBeInTheDocument();
    expect(screen.queryByRole('form')).not.toBeInTheDocument();
  });

  it('guards unsaved edits when leaving', async () => {
    signIn();
    serveProject(project);
    renderEdit();
    await userEvent.type(await screen.findByLabelText('Title'), '!');
    await userEvent.click(screen.getByRole('link', { name: 'Cancel' }));
    expect(await screen.findByRole('dialog', { name: 'Discard unsaved changes?' })).toBeInTheDocument();
  });
});
