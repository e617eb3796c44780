import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';

import { ToastRegion } from '@/components/ui/toast-region';
import { useToastStore } from '@/stores/toast-store';
import { makeProject, me, signIn } from '@/testing/fixtures';
import { server } from '@/testing/mocks/server';
import { renderWithProviders } from '@/testing/render';
import type { Project, User } from '@/types/models';

import { ProjectEditPage } from './project-form-page';

type Write = { body: Record<string, unknown>; ifMatch: string | null };

const dana: User = { id: 1, name: 'Dana Demo', email: 'dana@pulse.example', username: 'dana' };
const sam: User = { id: 7, name: 'Sam Lee', email: 'sam@pulse.example', username: 'sam' };
const rita: User = { id: 8, name: 'Rita Moreno', email: 'rita@pulse.example', username: 'rita' };
const people = [dana, sam, rita];
const ref = ({ id, name, email }: User) => ({ id, name, email });

function serveUsers() {
  server.use(
    http.get('/api/v1/users/', ({ request }) => {
      const q = (new URL(request.url).searchParams.get('q') ?? '').toLowerCase();
      const results = people.filter((u) => u.name.toLowerCase().includes(q) || u.email.includes(q));
      return HttpResponse.json({ count: results.length, next: null, previous: null, results });
    }),
  );
}

const errorReply = (status: number, code: string, details: Record<string, unknown> = {}, message = 'Invalid input.') =>
  HttpResponse.json({ error: { code, message, details } }, { status });

/** GET and PATCH one project as the API does: owner_id in, the new owner (and their lead seat) out. */
function serveProject(initial: Project, reply?: (body: Record<string, unknown>) => Response | undefined) {
  let current = initial;
  const patches: Write[] = [];
  server.use(
    http.get('/api/v1/auth/me/', () => HttpResponse.json(me)), // the merge dialog names the signed-in person "You"
    http.get(`/api/v1/projects/${initial.id}/`, () => HttpResponse.json(current, { headers: { ETag: current.etag } })),
    http.patch(`/api/v1/projects/${initial.id}/`, async ({ request }) => {
      const { owner_id: ownerId, ...body } = (await request.json()) as Record<string, unknown>;
      patches.push({ body: ownerId === undefined ? body : { ...body, owner_id: ownerId }, ifMatch: request.headers.get('If-Match') });
      const custom = reply?.({ ...body, owner_id: ownerId });
      if (custom) return custom;
      const version = current.version + 1;
      const owner = people.find((u) => u.id === ownerId);
      current = { ...current, ...body, ...(owner && { owner: ref(owner) }), version, etag: `"project-${current.id}-v${version}"` } as Project;
      return HttpResponse.json(current, { headers: { ETag: current.etag } });
    }),
  );
  return {
    patches,
    set: (next: Project) => {
      current = next;
    },
  };
}

const project = makeProject({ id: 5, title: 'Apollo', description: 'First launch', owner: ref(dana), version: 3, etag: '"project-5-v3"' });
const asLead = { ...project, capabilities: { can_edit: true, can_manage_team: true, can_delete: false, can_change_owner: false } };

// The toast outlives the form's page, as the app shell's does.
const projectPage = (
  <>
    <h1>Project page</h1>
    <ToastRegion />
  </>
);
const renderEdit = () =>
  renderWithProviders(<ProjectEditPage projectId={5} />, {
    path: '/projects/5/edit',
    routePath: '/projects/:projectId/edit',
    extraRoutes: [{ path: '/projects/:projectId', element: projectPage }],
  });

const field = (name: string) => screen.getByLabelText(name);
const ownerBox = () => screen.getByRole('combobox', { name: 'Owner' });
const save = () => userEvent.click(screen.getByRole('button', { name: 'Save changes' }));

async function pickOwner(search: string, name: RegExp) {
  await userEvent.clear(ownerBox());
  await userEvent.type(ownerBox(), search);
  await userEvent.click(await screen.findByRole('option', { name }));
}

beforeEach(() => useToastStore.setState({ toasts: [] }));

describe('ProjectEditPage: the owner', () => {
  it('lets the owner hand the project over, saying what that means, and sends only owner_id', async () => {
    signIn();
    serveUsers();
    const api = serveProject(project);
    renderEdit();
    await screen.findByLabelText('Title');
    expect(ownerBox()).toHaveValue('Dana Demo');
    expect(ownerBox()).toHaveAccessibleDescription(/Only the owner and staff can hand the project to someone else/);
    // The owner is a field now, not also a read-only line above the form.
    expect(screen.getAllByRole('term').map((t) => t.textContent)).toEqual(['Status']);

    await pickOwner('Sam', /Sam Lee/);
    expect(ownerBox()).toHaveValue('Sam Lee');
    expect(ownerBox()).toHaveAccessibleDescription(/Saving hands the project from Dana Demo to Sam Lee, who joins the team as a lead/);
    await save();

    expect(await screen.findByRole('heading', { name: 'Project page' })).toBeInTheDocument();
    expect(api.patches).toEqual([{ body: { owner_id: 7 }, ifMatch: '"project-5-v3"' }]);
    expect(await screen.findByText('Project saved: Sam Lee owns it now')).toBeInTheDocument();
  });

  it('does not send the owner when it is unchanged, or picked away and back again', async () => {
    signIn();
    serveUsers();
    const api = serveProject(project);
    renderEdit();
    await userEvent.type(await screen.findByLabelText('Description'), '!');
    await pickOwner('Rita', /Rita Moreno/);
    await pickOwner('Dana', /Dana Demo/);
    expect(ownerBox()).toHaveAccessibleDescription(/Only the owner and staff can hand the project/);
    await save();
    await screen.findByRole('heading', { name: 'Project page' });
    expect(api.patches).toEqual([{ body: { description: 'First launch!' }, ifMatch: '"project-5-v3"' }]);
    expect(screen.getByText('Project saved')).toBeInTheDocument();
  });

  it('shows the owner read-only to an editor who may not hand the project over', async () => {
    signIn();
    const api = serveProject(asLead);
    renderEdit();
    await screen.findByLabelText('Title');
    expect(screen.queryByRole('combobox', { name: 'Owner' })).not.toBeInTheDocument();
    expect(screen.getAllByRole('term').map((t) => t.textContent)).toEqual(['Status', 'Owner']);
    expect(screen.getAllByRole('definition')[1]).toHaveTextContent('Dana Demo');

    await userEvent.type(field('Description'), '!');
    await save();
    await screen.findByRole('heading', { name: 'Project page' });
    expect(api.patches[0]?.body).toEqual({ description: 'First launch!' });
  });

  it('refuses to save with the owner emptied, on the field', async () => {
    signIn();
    serveUsers();
    const api = serveProject(project);
    renderEdit();
    await screen.findByLabelText('Title');
    await userEvent.clear(ownerBox());
    await userEvent.tab();
    await save();
    expect(await screen.findByText('Choose who owns the project.')).toBeInTheDocument();
    expect(ownerBox()).toHaveAttribute('aria-invalid', 'true');
    expect(ownerBox()).toHaveAccessibleDescription(/Choose who owns the project\./);
    expect(ownerBox()).toHaveFocus();
    expect(api.patches).toHaveLength(0);
  });

  it("puts the API's error on owner_id on the Owner field and focuses it", async () => {
    signIn();
    serveUsers();
    serveProject(project, () => errorReply(400, 'validation_error', { owner_id: ['No active user with this id.'] }));
    renderEdit();
    await screen.findByLabelText('Title');
    await pickOwner('Rita', /Rita Moreno/);
    await save();
    expect(await screen.findByText('No active user with this id.')).toBeInTheDocument();
    expect(ownerBox()).toHaveAttribute('aria-invalid', 'true');
    expect(ownerBox()).toHaveAccessibleDescription(/No active user with this id\./);
    expect(ownerBox()).toHaveFocus();
    expect(field('Title')).toHaveAttribute('aria-invalid', 'false');
    expect(screen.queryByRole('heading', { name: 'Project page' })).not.toBeInTheDocument();
  });

  it('a 403 (no longer allowed to hand it over) is explained above the form, keeping the pick', async () => {
    signIn();
    serveUsers();
    serveProject(project, () => errorReply(403, 'permission_denied', {}, 'Only the owner or staff may hand this project to someone else.'));
    renderEdit();
    await screen.findByLabelText('Title');
    await pickOwner('Sam', /Sam Lee/);
    await save();
    const form = screen.getByRole('form', { name: 'Edit Apollo' });
    expect(await within(form).findByRole('alert')).toHaveTextContent('Only the owner or staff may hand this project to someone else.');
    expect(ownerBox()).toHaveValue('Sam Lee');
    expect(ownerBox()).toHaveAttribute('aria-invalid', 'false');
  });

  it('on 412 from a hand-over that is no longer theirs to make, keeps the server’s owner and says the pick was not kept', async () => {
    signIn();
    serveUsers();
    // Staff handed it to Rita meanwhile: Dana stays a lead, who may no longer hand it over.
    const theirs = { ...asLead, owner: ref(rita), version: 4, etag: '"project-5-v4"' };
    const api = serveProject(project, (body) => {
      if (body.owner_id !== 7) return undefined;
      api.set(theirs);
      return errorReply(412, 'precondition_failed', { current: theirs, etag: theirs.etag }, 'The resource changed.');
    });
    renderEdit();
    await screen.findByLabelText('Title');
    await pickOwner('Sam', /Sam Lee/);
    await userEvent.type(field('Description'), '!');
    await save();
    expect(await screen.findByText(/Not kept: Owner\. Someone else changed the project/)).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    await screen.findByRole('heading', { name: 'Project page' });
    // The retry carries the description only, over their copy: no hand-over against their will.
    expect(api.patches.map((p) => [p.ifMatch, p.body])).toEqual([
      ['"project-5-v3"', { owner_id: 7, description: 'First launch!' }],
      ['"project-5-v4"', { description: 'First launch!' }],
    ]);
  });
});
