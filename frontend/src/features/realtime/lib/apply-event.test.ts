import { QueryClient, type InfiniteData } from '@tanstack/react-query';
import { beforeEach, describe, expect, it } from 'vitest';

import { dashboardKeys } from '@/features/dashboard/api/keys';
import { projectKeys, type ProjectListParams } from '@/features/projects/api/keys';
import { makeProject } from '@/testing/fixtures';
import { makeActivity, makeMember, makeMilestone } from '@/testing/mocks/project-detail';
import type { Activity, Member, Milestone, Paginated, Project } from '@/types/models';

import { applyEvent, listAffected, listsMayNowHold } from './apply-event';
import type { LiveEvent } from './types';

let qc: QueryClient;

beforeEach(() => {
  qc = new QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Infinity, staleTime: Infinity } } });
});

function event(overrides: Partial<LiveEvent> & { changes?: LiveEvent['data']['changes']; metadata?: Record<string, unknown>; target?: [string, number] } = {}): LiveEvent {
  const { changes = {}, metadata = {}, target = ['project', overrides.project_id ?? 1], ...rest } = overrides;
  return {
    id: 500,
    type: 'project.updated',
    project_id: 1,
    version: 4,
    actor: { id: 2, name: 'Sam Lead' },
    data: { target_type: target[0], target_id: target[1], changes, metadata, prev_id: 499 },
    ts: '2026-12-03T10:00:00Z',
    ...rest,
  };
}

const page = <T,>(results: T[]): Paginated<T> => ({ count: results.length, next: null, previous: null, results });
const listKey = (params: ProjectListParams = {}) => projectKeys.list(params);
const isStale = (key: readonly unknown[]) => qc.getQueryState(key)?.isInvalidated ?? false;
const seed = <T,>(key: readonly unknown[], data: T) => qc.setQueryData(key, data);

describe('project events on the detail', () => {
  it('patches a newer version in place, with its ETag, and flashes the changed fields', () => {
    seed(projectKeys.detail(1), makeProject({ id: 1, title: 'Old', version: 3 }));
    const out = applyEvent(qc, event({ changes: { title: ['Old', 'New'] } }));
    const p = qc.getQueryData<Project>(projectKeys.detail(1));
    expect(p).toMatchObject({ title: 'New', version: 4, etag: '"project-1-v4"', updated_at: '2026-12-03T10:00:00Z' });
    expect(out.flashes).toEqual(['project:1:title']);
    expect(out.dashboard).toBe(true);
    // A title needs nothing derived: no refetch.
    expect(isStale(projectKeys.detail(1))).toBe(false);
  });

  it('leaves a copy at that version or newer alone (the own write, or a stale/out-of-order event)', () => {
    seed(projectKeys.detail(1), makeProject({ id: 1, title: 'Mine', version: 4 }));
    const own = applyEvent(qc, event({ changes: { title: ['Old', 'Mine'] } }));
    expect(own.flashes).toEqual([]);
    const older = applyEvent(qc, event({ id: 480, version: 2, changes: { title: ['A', 'Older'] } }));
    expect(older.flashes).toEqual([]);
    expect(qc.getQueryData<Project>(projectKeys.detail(1))).toMatchObject({ title: 'Mine', version: 4 });
  });

  it('patches a status change and refetches the detail for what follows from it (transitions)', () => {
    seed(projectKeys.detail(1), makeProject({ id: 1, status: 'active' }));
    applyEvent(qc, event({ type: 'project.transitioned', changes: { status: ['active', 'on_hold'] } }));
    expect(qc.getQueryData<Project>(projectKeys.detail(1))?.status).toBe('on_hold');
    expect(isStale(projectKeys.detail(1))).toBe(true);
  });

  it('takes a milestone change’s recomputed project progress and health from its metadata', () => {
    seed(projectKeys.detail(1), makeProject({ id: 1, progress: 40 }));
    applyEvent(
      qc,
      event({ type: 'milestone.updated', target: ['milestone', 11], changes: { progress: [50, 80] }, metadata: { project_changes: { progress: [40, 65] } } }),
    );
    expect(qc.getQueryData<Project>(projectKeys.detail(1))).toMatchObject({ progress: 65, version: 4 });
  });

  it('reports a delete (for the banner) and a restore, invalidating lists and trash', () => {
    seed(listKey(), page([makeProject({ id: 1 })]));
    seed(projectKeys.trash(), page([]));
    const del = applyEvent(qc, event({ type: 'project.deleted', changes: { deleted_at: [null, '2026-12-03T10:00:00Z'] } }));
    expect(del.deleted).toEqual({ projectId: 1, actor: 'Sam Lead', at: '2026-12-03T10:00:00Z' });
    expect(isStale(listKey())).toBe(true);
    expect(isStale(projectKeys.trash())).toBe(true);
    const restored = applyEvent(qc, event({ id: 501, type: 'project.restored', version: 5 }));
    expect(restored.restored).toBe(1);
  });

  it('a new project invalidates the lists only', () => {
    seed(listKey(), page([makeProject({ id: 2 })]));
    seed(projectKeys.detail(2), makeProject({ id: 2 }));
    applyEvent(qc, event({ type: 'project.created', project_id: 9, version: 1, target: ['project', 9] }));
    expect(isStale(listKey())).toBe(true);
    expect(isStale(projectKeys.detail(2))).toBe(false);
  });
});

describe('project events on the lists', () => {
  it('patches the row in place and keeps the default order (last updated first) on page 1', () => {
    seed(listKey(), page([makeProject({ id: 2 }), makeProject({ id: 1, progress: 10 })]));
    const out = applyEvent(qc, event({ changes: { progress: [10, 30] } }));
    const rows = qc.getQueryData<Paginated<Project>>(listKey())?.results ?? [];
    expect(rows.map((p) => p.id)).toEqual([1, 2]);
    expect(rows[0]).toMatchObject({ progress: 30, version: 4, etag: '"project-1-v4"' });
    expect(out.flashes).toEqual(['project:1:progress']);
    expect(isStale(listKey())).toBe(false);
  });

  it('invalidates a list a filter or sort of which the change touches, and only that one', () => {
    const byStatus = listKey({ status: ['active'] });
    const byTitle = listKey({ ordering: 'title' });
    const plain = listKey({ ordering: 'progress' });
    for (const key of [byStatus, byTitle, plain]) seed(key, page([makeProject({ id: 1 })]));
    applyEvent(qc, event({ type: 'project.transitioned', changes: { status: ['active', 'on_hold'] } }));
    expect(isStale(byStatus)).toBe(true);
    expect(isStale(byTitle)).toBe(false);
    expect(isStale(plain)).toBe(false);
    expect(qc.getQueryData<Paginated<Project>>(plain)?.results[0]?.status).toBe('on_hold');
    applyEvent(qc, event({ id: 501, version: 5, changes: { title: ['Project 1', 'Zed'] } }));
    expect(isStale(byTitle)).toBe(true);
    expect(isStale(plain)).toBe(false);
  });

  it('a later page in the default order is refetched (the row moves to the first page)', () => {
    const second = listKey({ page: 2 });
    seed(second, page([makeProject({ id: 1 })]));
    applyEvent(qc, event({ changes: { title: ['a', 'b'] } }));
    expect(isStale(second)).toBe(true);
  });

  it('lists without the project are untouched by its field changes', () => {
    seed(listKey({ status: ['active'] }), page([makeProject({ id: 7 })]));
    applyEvent(qc, event({ changes: { status: ['active', 'on_hold'] } }));
    expect(isStale(listKey({ status: ['active'] }))).toBe(false);
  });

  it.each<[ProjectListParams, string, boolean]>([
    [{ health: ['at_risk'] }, 'health', true],
    [{ tag: [3] }, 'tags', true],
    [{ due_before: '2027-01-01' }, 'due_date', true],
    [{ overdue: true }, 'status', true],
    [{ progress_min: 50 }, 'progress', true],
    [{ owner: 4 }, 'owner_id', true],
    [{ q: 'alpha' }, 'description', true],
    [{ ordering: '-due_date' }, 'due_date', true],
    [{ ordering: 'health' }, 'health', true],
    [{ status: ['active'] }, 'title', false],
    [{ tag: [3] }, 'progress', false],
    [{}, 'status', false],
  ])('listAffected(%o, %s) is %s', (params, field, expected) => {
    expect(listAffected(params, new Set([field]))).toBe(expected);
  });
});

describe('projects.changed: lists that may now hold a project they do not show', () => {
  const held = (params: ProjectListParams, ids: number[]) => seed(listKey(params), page(ids.map((id) => makeProject({ id }))));
  const due = (id: number, verbs: string[], fields: string[]) => listsMayNowHold(qc, [{ id, verbs, fields }]).map((k) => k[2]);

  it.each<[string, ProjectListParams, string[], string[], boolean]>([
    ['a status filter, the status changed', { status: ['active'], ordering: 'title' }, ['project.transitioned'], ['status'], true],
    ['a status filter, only the title changed', { status: ['active'], ordering: 'progress' }, ['project.updated'], ['title'], false],
    ['any filter, a project was created', { health: ['at_risk'], ordering: 'title' }, ['project.created'], [], true],
    ['any filter, a project was restored', { status: ['done'], ordering: 'title' }, ['project.restored'], ['deleted_at'], true],
    ['a member filter, the team changed', { member: 4, ordering: 'title' }, ['member.added'], [], true],
    ['no member filter, the team changed', { ordering: 'title' }, ['member.added'], [], false],
    ['a milestone recomputed the progress under a progress filter', { progress_min: 50, ordering: 'title' }, ['milestone.updated'], ['progress'], true],
    ['ordered by due date, the due date changed', { ordering: 'due_date' }, ['project.updated'], ['due_date'], true],
    ['page 1 newest first, anything changed', {}, ['project.updated'], ['description'], true],
    ['page 1 explicitly newest first', { ordering: '-updated_at' }, ['member.updated'], [], true],
    ['page 2 newest first, a description changed', { page: 2 }, ['project.updated'], ['description'], false],
    ['a search, the description changed', { q: 'moon' }, ['project.updated'], ['description'], true],
    ['a search, the status changed', { q: 'moon' }, ['project.transitioned'], ['status'], false],
  ])('%s → %s', (_name, params, verbs, fields, expected) => {
    held(params, [1, 2]);
    expect(due(7, verbs, fields)).toEqual(expected ? [params] : []);
  });

  it('leaves a list that shows the project to its own event, and names each other list once', () => {
    held({ status: ['active'] }, [7]);
    held({ status: ['planning'] }, [1]);
    held({ status: ['planning'], page: 2 }, [2]);
    const keys = listsMayNowHold(qc, [
      { id: 7, verbs: ['project.transitioned'], fields: ['status'] },
      { id: 8, verbs: ['project.transitioned'], fields: ['status'] },
    ]);
    expect(keys.map((k) => k[2])).toEqual([{ status: ['active'] }, { status: ['planning'] }, { status: ['planning'], page: 2 }]);
    expect(listsMayNowHold(qc, [{ id: 7, verbs: ['project.transitioned'], fields: ['status'] }]).map((k) => k[2])).toEqual([
      { status: ['planning'] },
      { status: ['planning'], page: 2 },
    ]);
  });

  it('a list not yet loaded is left to its own fetch', () => {
    qc.getQueryCache().build(qc, { queryKey: listKey({ status: ['active'] }) });
    expect(listsMayNowHold(qc, [{ id: 7, verbs: ['project.created'], fields: [] }])).toEqual([]);
  });
});

describe('milestone and member events', () => {
  it('patches a milestone one version behind, with version + 1 and its ETag', () => {
    seed(projectKeys.milestones(1), page([makeMilestone({ id: 11, title: 'Design', version: 2 })]));
    const out = applyEvent(qc, event({ type: 'milestone.updated', target: ['milestone', 11], changes: { title: ['Design', 'Design v2'] } }));
    expect(qc.getQueryData<Paginated<Milestone>>(projectKeys.milestones(1))?.results[0]).toMatchObject({
      title: 'Design v2',
      version: 3,
      etag: '"milestone-11-v3"',
    });
    expect(out.flashes).toContain('milestone:11:title');
    expect(isStale(projectKeys.milestones(1))).toBe(false);
  });

  it('does nothing to a milestone that already has the change (own write), refetches one that missed some', () => {
    seed(projectKeys.milestones(1), page([makeMilestone({ id: 11, title: 'Design v2', version: 3 })]));
    applyEvent(qc, event({ type: 'milestone.updated', target: ['milestone', 11], changes: { title: ['Design', 'Design v2'] } }));
    expect(qc.getQueryData<Paginated<Milestone>>(projectKeys.milestones(1))?.results[0]?.version).toBe(3);
    expect(isStale(projectKeys.milestones(1))).toBe(false);
    applyEvent(qc, event({ id: 502, type: 'milestone.updated', target: ['milestone', 11], changes: { title: ['Something else', 'X'] } }));
    expect(isStale(projectKeys.milestones(1))).toBe(true);
  });

  it('removes a deleted milestone and fetches a created one', () => {
    seed(projectKeys.milestones(1), page([makeMilestone({ id: 11 }), makeMilestone({ id: 12 })]));
    applyEvent(qc, event({ type: 'milestone.deleted', target: ['milestone', 11] }));
    expect(qc.getQueryData<Paginated<Milestone>>(projectKeys.milestones(1))?.results.map((m) => m.id)).toEqual([12]);
    expect(isStale(projectKeys.milestones(1))).toBe(false);
    applyEvent(qc, event({ id: 503, type: 'milestone.created', target: ['milestone', 13] }));
    expect(isStale(projectKeys.milestones(1))).toBe(true);
  });

  it('patches a member’s allocation and removes a removed member, refetching milestones they were assigned', () => {
    seed(projectKeys.members(1), page([makeMember({ id: 21, allocation: 50 }), makeMember({ id: 22 })]));
    seed(projectKeys.milestones(1), page([makeMilestone({ id: 11 })]));
    applyEvent(qc, event({ type: 'member.updated', target: ['member', 21], changes: { allocation: [50, 70] } }));
    expect(qc.getQueryData<Paginated<Member>>(projectKeys.members(1))?.results[0]).toMatchObject({ allocation: 70, version: 2, etag: '"member-21-v2"' });
    applyEvent(qc, event({ id: 504, version: 5, type: 'member.removed', target: ['member', 22], metadata: { unassigned_milestones: [11] } }));
    expect(qc.getQueryData<Paginated<Member>>(projectKeys.members(1))?.results.map((m) => m.id)).toEqual([21]);
    expect(isStale(projectKeys.milestones(1))).toBe(true);
  });

  it('a member change refetches lists filtered by member', () => {
    const byMember = listKey({ member: 5 });
    seed(byMember, page([makeProject({ id: 3 })]));
    applyEvent(qc, event({ type: 'member.added', target: ['member', 30] }));
    expect(isStale(byMember)).toBe(true);
  });
});

describe('the activity timeline', () => {
  type Data = InfiniteData<{ next: string | null; results: Activity[] }, string | null>;
  it('gets the event prepended once, in id order', () => {
    seed<Data>(projectKeys.activity(1), { pages: [{ next: null, results: [makeActivity({ id: 400 })] }], pageParams: [null] });
    applyEvent(qc, event({ id: 500 }));
    applyEvent(qc, event({ id: 500 }));
    applyEvent(qc, event({ id: 450, version: 3 }));
    const ids = qc.getQueryData<Data>(projectKeys.activity(1))?.pages[0]?.results.map((a) => a.id);
    expect(ids).toEqual([500, 450, 400]);
    expect(qc.getQueryData<Data>(projectKeys.activity(1))?.pages[0]?.results[0]).toMatchObject({ verb: 'project.updated', actor: { name: 'Sam Lead' } });
  });
});

describe('events without a project', () => {
  it('a renamed tag refreshes the projects (they carry tag names), a new one only the tags', () => {
    seed(projectKeys.detail(1), makeProject({ id: 1 }));
    seed(projectKeys.tags(), []);
    applyEvent(qc, event({ type: 'tag.created', project_id: null, version: 1, target: ['tag', 4] }));
    expect(isStale(projectKeys.tags())).toBe(true);
    expect(isStale(projectKeys.detail(1))).toBe(false);
    applyEvent(qc, event({ id: 501, type: 'tag.updated', project_id: null, version: 2, target: ['tag', 4], changes: { name: ['a', 'b'] } }));
    expect(isStale(projectKeys.detail(1))).toBe(true);
  });

  it('bulk.completed reports the operation and refreshes project data and the dashboard', () => {
    seed(listKey(), page([makeProject({ id: 1 })]));
    const out = applyEvent(qc, event({ type: 'bulk.completed', project_id: null, version: null, target: ['bulk_operation', 77], metadata: { succeeded: 3 } }));
    expect(out.bulkCompleted).toEqual({ operationId: 77, result: { succeeded: 3 } });
    expect(out.dashboard).toBe(true);
    expect(isStale(listKey())).toBe(true);
    expect(qc.getQueryState(dashboardKeys.summary())).toBeUndefined();
  });
});
