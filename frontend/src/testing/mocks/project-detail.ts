// A small stateful stand-in for one project's API (project, milestones, team, activity, people),
// with the API's conditional-request rules: writes need the current ETag, a stale one is a 412
// carrying the current copy. Tests read `requests` and change `state` to play "someone else".
import { http, HttpResponse } from 'msw';

import { makeProject, me as defaultMe } from '@/testing/fixtures';
import type { Activity, Me, Member, Milestone, Project, User } from '@/types/models';

import { server } from './server';

export type Recorded = { method: string; path: string; body: unknown; ifMatch: string | null; search: string };

export function makeMilestone(overrides: Partial<Milestone> = {}): Milestone {
  const id = overrides.id ?? 11;
  const version = overrides.version ?? 2;
  return {
    id, project_id: 1, title: `Milestone ${id}`, description: '', status: 'in_progress', start_date: '2026-11-01', due_date: '2026-12-01',
    progress: 50, weight: 1, assignee: null, is_overdue: false, completed_at: null, version, etag: `"milestone-${id}-v${version}"`,
    created_at: '2026-11-01T09:00:00Z', updated_at: '2026-11-10T09:00:00Z',
    ...overrides,
  };
}

export function makeMember(overrides: Partial<Member> = {}): Member {
  const id = overrides.id ?? 21;
  const version = overrides.version ?? 1;
  const allocation = overrides.allocation ?? 50;
  const total = overrides.total_allocation ?? allocation;
  return {
    id, project_id: 1, user: { id: 1, name: 'Dana Demo', email: 'dana@pulse.example' }, role: 'lead', allocation, total_allocation: total,
    over_allocated: total > 100, version, etag: `"member-${id}-v${version}"`, created_at: '2026-11-01T09:00:00Z',
    ...overrides,
  };
}

export function makeActivity(overrides: Partial<Activity> = {}): Activity {
  const id = overrides.id ?? 100;
  return {
    id, verb: 'project.updated', project_id: 1, actor: { id: 2, name: 'Sam Lead', email: 'sam@pulse.example' }, target_type: 'project',
    target_id: 1, version: 3, changes: {}, metadata: {}, created_at: new Date(Date.now() - 2 * 3_600_000).toISOString(),
    ...overrides,
  };
}

type State = { project: Project; deleted: boolean; milestones: Milestone[]; members: Member[]; activity: Activity[]; users: User[]; others: Project[] };

type Changer = { id: number; name: string };
/** Who changed each object elsewhere (keyed "kind-id"), and which fields: what a 412 names. */
type Meanwhile = Map<string, { by: Changer | null; fields: string[] }>;

const stale = (current: { etag: string }, meanwhile?: Meanwhile) => {
  const said = meanwhile?.get(/^"(\w+-\d+)-v/.exec(current.etag)?.[1] ?? '');
  return HttpResponse.json(
    {
      error: {
        code: 'precondition_failed',
        message: 'The resource changed since you read it.',
        details: { current, etag: current.etag, changed_by: said?.by ?? null, changed_fields: said?.fields ?? [] },
      },
    },
    { status: 412 },
  );
};
const notFound = () => HttpResponse.json({ error: { code: 'not_found', message: 'Not found.', details: {} } }, { status: 404 });

function bumpVersion<T extends { version: number; etag: string }>(obj: T, kind: string, id: number): T {
  const version = obj.version + 1;
  return { ...obj, version, etag: `"${kind}-${id}-v${version}"` };
}

export function serveProject({
  project = makeProject(),
  milestones = [],
  members = [makeMember()],
  activity = [],
  users = [],
  others = [],
  me = defaultMe,
}: { project?: Project; milestones?: Milestone[]; members?: Member[]; activity?: Activity[]; users?: User[]; others?: Project[]; me?: Me } = {}) {
  const state: State = { project, deleted: false, milestones, members, activity, users, others };
  const requests: Recorded[] = [];
  const meanwhile: Meanwhile = new Map();
  const saidMeanwhile = (key: string, changes: object, by?: Changer) => {
    const fields = new Set([...(meanwhile.get(key)?.fields ?? []), ...Object.keys(changes)]);
    meanwhile.set(key, { by: by ? { id: by.id, name: by.name } : null, fields: [...fields].sort() });
  };
  const base = `/api/v1/projects/${project.id}`;
  let nextId = 500;

  async function record(request: Request) {
    const url = new URL(request.url);
    const text = request.method === 'GET' || request.method === 'DELETE' ? '' : await request.text();
    const entry = { method: request.method, path: url.pathname, body: text ? JSON.parse(text) : undefined, ifMatch: request.headers.get('If-Match'), search: url.search };
    if (request.method !== 'GET') requests.push(entry);
    return entry;
  }

  /** A child changed: the project's version moves, its progress follows the milestones. */
  function touchProject() {
    const live = state.milestones;
    const weight = live.reduce((sum, m) => sum + m.weight, 0);
    const progress = live.length ? Math.round(live.reduce((sum, m) => sum + m.progress * m.weight, 0) / weight) : state.project.progress;
    state.project = {
      ...bumpVersion(state.project, 'project', project.id),
      progress,
      progress_mode: live.length ? 'milestones' : 'manual',
      milestone_summary: { ...state.project.milestone_summary, total: live.length, done: live.filter((m) => m.status === 'done').length },
      members: state.members.map((m) => ({ id: m.id, user: m.user, role: m.role, allocation: m.allocation })),
    };
  }

  server.use(
    http.get('/api/v1/auth/me/', () => HttpResponse.json(me)),
    http.get(`${base}/`, () => (state.deleted ? notFound() : HttpResponse.json(state.project, { headers: { ETag: state.project.etag } }))),
    http.patch(`${base}/`, async ({ request }) => {
      const { body, ifMatch } = await record(request);
      if (ifMatch !== state.project.etag) return stale(state.project, meanwhile);
      const changes = body as Partial<Project>;
      const next = { ...bumpVersion(state.project, 'project', project.id), ...changes };
      if ('health_override' in changes) {
        next.health = changes.health_override ?? 'on_track';
        if (!changes.health_override) next.health_override_reason = '';
      }
      state.project = next;
      return HttpResponse.json(state.project);
    }),
    http.delete(`${base}/`, async ({ request }) => {
      const { ifMatch } = await record(request);
      if (ifMatch !== state.project.etag) return stale(state.project, meanwhile);
      state.deleted = true;
      state.project = bumpVersion(state.project, 'project', project.id);
      return new HttpResponse(null, { status: 204 });
    }),
    http.post(`${base}/restore/`, async ({ request }) => {
      await record(request);
      state.deleted = false;
      state.project = bumpVersion(state.project, 'project', project.id);
      return HttpResponse.json(state.project);
    }),
    http.post(`${base}/transitions/:name/`, async ({ request }) => {
      const { ifMatch } = await record(request);
      if (ifMatch !== state.project.etag) return stale(state.project, meanwhile);
      state.project = bumpVersion(state.project, 'project', project.id);
      return HttpResponse.json(state.project);
    }),

    http.get(`${base}/milestones/`, () => HttpResponse.json({ count: state.milestones.length, next: null, previous: null, results: state.milestones })),
    http.post(`${base}/milestones/`, async ({ request }) => {
      const { body } = await record(request);
      const input = body as Record<string, unknown>;
      const assignee = state.members.find((m) => m.user.id === input.assignee_id)?.user ?? null;
      const { assignee_id: _ignored, ...fields } = input;
      const created = makeMilestone({ id: nextId++, project_id: project.id, status: 'pending', progress: 0, version: 1, ...fields, assignee });
      state.milestones = [...state.milestones, created];
      touchProject();
      return HttpResponse.json(created, { status: 201 });
    }),
    http.patch(`${base}/milestones/:mid/`, async ({ request, params }) => {
      const { body, ifMatch } = await record(request);
      const current = state.milestones.find((m) => m.id === Number(params.mid));
      if (!current) return notFound();
      if (ifMatch !== current.etag) return stale(current, meanwhile);
      const input = { ...(body as Record<string, unknown>) };
      const patch: Partial<Milestone> = {};
      if ('assignee_id' in input) patch.assignee = state.members.find((m) => m.user.id === input.assignee_id)?.user ?? null;
      delete input.assignee_id;
      Object.assign(patch, input);
      if (patch.status === 'done' && !('progress' in input)) patch.progress = 100;
      const updated = { ...bumpVersion(current, 'milestone', current.id), ...patch };
      state.milestones = state.milestones.map((m) => (m.id === current.id ? updated : m));
      touchProject();
      return HttpResponse.json(updated);
    }),
    http.delete(`${base}/milestones/:mid/`, async ({ request, params }) => {
      const { ifMatch } = await record(request);
      const current = state.milestones.find((m) => m.id === Number(params.mid));
      if (!current) return notFound();
      if (ifMatch !== current.etag) return stale(current, meanwhile);
      state.milestones = state.milestones.filter((m) => m.id !== current.id);
      touchProject();
      return new HttpResponse(null, { status: 204 });
    }),

    http.get(`${base}/members/`, () => HttpResponse.json({ count: state.members.length, next: null, previous: null, results: state.members })),
    http.post(`${base}/members/`, async ({ request }) => {
      const { body } = await record(request);
      const input = body as { user_id: number; role: Member['role']; allocation: number };
      const user = state.users.find((u) => u.id === input.user_id);
      if (!user) return HttpResponse.json({ error: { code: 'validation_failed', message: 'Invalid input.', details: { user_id: ['No active user with this id.'] } } }, { status: 400 });
      const created = makeMember({ id: nextId++, project_id: project.id, user: { id: user.id, name: user.name, email: user.email }, role: input.role, allocation: input.allocation });
      state.members = [...state.members, created];
      touchProject();
      return HttpResponse.json(created, { status: 201 });
    }),
    http.patch(`${base}/members/:mid/`, async ({ request, params }) => {
      const { body, ifMatch } = await record(request);
      const current = state.members.find((m) => m.id === Number(params.mid));
      if (!current) return notFound();
      if (ifMatch !== current.etag) return stale(current, meanwhile);
      const patch = body as Partial<Member>;
      const allocation = patch.allocation ?? current.allocation;
      const total = current.total_allocation - current.allocation + allocation;
      const updated = { ...bumpVersion(current, 'member', current.id), ...patch, total_allocation: total, over_allocated: total > 100 };
      state.members = state.members.map((m) => (m.id === current.id ? updated : m));
      touchProject();
      return HttpResponse.json(updated);
    }),
    http.delete(`${base}/members/:mid/`, async ({ request, params }) => {
      const { ifMatch } = await record(request);
      const current = state.members.find((m) => m.id === Number(params.mid));
      if (!current) return notFound();
      if (ifMatch !== current.etag) return stale(current, meanwhile);
      state.members = state.members.filter((m) => m.id !== current.id);
      state.milestones = state.milestones.map((m) => (m.assignee?.id === current.user.id ? { ...m, assignee: null } : m));
      touchProject();
      return new HttpResponse(null, { status: 204 });
    }),

    http.get(`${base}/activity/`, ({ request }) => {
      const url = new URL(request.url);
      const size = Number(url.searchParams.get('page_size') ?? 30);
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const results = state.activity.slice(start, start + size);
      const next = start + size < state.activity.length ? `http://testserver${base}/activity/?cursor=${start + size}&page_size=${size}` : null;
      return HttpResponse.json({ next, previous: null, results });
    }),

    http.get('/api/v1/users/', ({ request }) => {
      const q = (new URL(request.url).searchParams.get('q') ?? '').toLowerCase();
      const results = state.users.filter((u) => u.name.toLowerCase().includes(q) || u.email.includes(q));
      return HttpResponse.json({ count: results.length, next: null, previous: null, results });
    }),
    http.get('/api/v1/projects/', ({ request }) => {
      const member = Number(new URL(request.url).searchParams.get('member'));
      const results = state.others.filter((p) => p.members.some((m) => m.user.id === member));
      return HttpResponse.json({ count: results.length, next: null, previous: null, results });
    }),
  );

  return {
    state,
    requests,
    /** Someone else (`by`, whom a 412 then names) changes the project: the ETag on screen goes stale. */
    changeProjectElsewhere(changes: Partial<Project> = {}, by?: Changer) {
      state.project = { ...bumpVersion(state.project, 'project', project.id), ...changes };
      saidMeanwhile(`project-${project.id}`, changes, by);
    },
    changeMilestoneElsewhere(id: number, changes: Partial<Milestone> = {}, by?: Changer) {
      state.milestones = state.milestones.map((m) => (m.id === id ? { ...bumpVersion(m, 'milestone', id), ...changes } : m));
      saidMeanwhile(`milestone-${id}`, changes, by);
    },
    changeMemberElsewhere(id: number, changes: Partial<Member> = {}, by?: Changer) {
      state.members = state.members.map((m) => (m.id === id ? { ...bumpVersion(m, 'member', id), ...changes } : m));
      saidMeanwhile(`member-${id}`, changes, by);
    },
  };
}

/** A one-off error answer for the next matching request (field errors, 403, …). */
export function failOnce(method: 'patch' | 'post' | 'delete', path: string, status: number, error: { code: string; message: string; details?: Record<string, unknown> }) {
  server.use(http[method](path, () => HttpResponse.json({ error: { details: {}, ...error } }, { status }), { once: true }));
}
