/**
 * Events into the query cache: patch what is held in place, invalidate only what a patch cannot
 * make exact.
 *
 * - An event's `version` is the project's version after the change. A cached project (detail or
 *   list row) at that version or newer already has it: the user's own write put it there, or an
 *   earlier copy of the event did. Older copies get the changed values, the version and its ETag
 *   (so the next write's If-Match is right), and the changed fields are flashed.
 * - Milestones and members carry versions of their own, which events do not: a row still holding
 *   every "before" value is exactly one version behind, so it gets the "after" values and version
 *   + 1; a row holding every "after" value already has the change; anything else was missed and
 *   that list is refetched.
 * - What a patch cannot compute (allowed transitions after a status change, tag colours, health
 *   reasons, an owner's name) comes from one refetch of the open detail, in the background.
 * - Lists: a change to a field a list filters or sorts on, or one that adds or removes projects
 *   (create, delete, restore), invalidates just the lists; the default order (last updated first)
 *   is kept in place by moving the row to the top of the first page.
 * - The activity timeline gets the event prepended; the dashboard is refetched shortly after
 *   (debounced by the caller).
 */
import type { InfiniteData, QueryClient } from '@tanstack/react-query';

import { dashboardKeys } from '@/features/dashboard/api/keys';
import { notificationKeys } from '@/features/notifications/api/keys';
import { projectKeys, type ProjectListParams } from '@/features/projects/api/keys';
import type { Activity, Member, Milestone, Paginated, Project } from '@/types/models';

import type { LiveEvent } from './types';

type ActivityPage = { next: string | null; results: Activity[] };

export type EventOutcome = {
  /** Keys for useLiveFlash: `project:{id}:{field}`, `milestone:{id}:{field}`, `member:{id}:{field}`. */
  flashes: string[];
  deleted?: { projectId: number; actor: string | null; at: string };
  restored?: number;
  /** The dashboard's numbers may have moved. */
  dashboard: boolean;
  bulkCompleted?: { operationId: number; result: Record<string, unknown> };
};

const etagOf = (kind: 'project' | 'milestone' | 'member', id: number, version: number) => `"${kind}-${id}-v${version}"`;

/** Project fields an event's `changes` name that the cached project holds as they are. */
const PROJECT_PLAIN = ['title', 'description', 'status', 'health', 'progress', 'start_date', 'due_date', 'health_override', 'health_override_reason'] as const;
/** Changes after which the detail holds something derived (transitions, tags, health reasons, …). */
const NEEDS_REFETCH = new Set(['status', 'health', 'health_override', 'due_date', 'start_date', 'tags', 'owner_id', 'progress']);

const after = (changes: LiveEvent['data']['changes']) => Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v[1]]));

function patchProject(project: Project, values: Record<string, unknown>, version: number, ts: string): Project {
  const next: Project = { ...project, version, etag: etagOf('project', project.id, version), updated_at: ts };
  const writable = next as unknown as Record<string, unknown>;
  for (const field of PROJECT_PLAIN) if (field in values) writable[field] = values[field];
  return next;
}

/** The project-level values an event changes: its own fields, or (for milestones) the recomputed ones. */
function projectValues(event: LiveEvent): Record<string, unknown> {
  if (event.data.target_type === 'project') return after(event.data.changes);
  const recomputed = event.data.metadata.project_changes;
  return recomputed && typeof recomputed === 'object' ? after(recomputed as LiveEvent['data']['changes']) : {};
}

/** Does a change of `fields` alter which projects this list holds, or their order? */
export function listAffected(params: ProjectListParams, fields: Set<string>): boolean {
  const has = (...names: string[]) => names.some((n) => fields.has(n));
  if (params.status?.length && has('status')) return true;
  if (params.health?.length && has('health', 'health_override')) return true;
  if (params.tag?.length && has('tags')) return true;
  if ((params.due_before || params.due_after) && has('due_date')) return true;
  if (params.overdue !== undefined && has('due_date', 'status')) return true;
  if ((params.progress_min !== undefined || params.progress_max !== undefined) && has('progress')) return true;
  if (params.owner !== undefined && has('owner_id')) return true;
  if (params.q && has('title', 'description', 'tags')) return true;
  const ordering = params.ordering?.replace(/^-/, '');
  if (ordering === 'health' && has('health', 'health_override')) return true;
  if (ordering && ordering !== 'health' && ordering !== 'updated_at' && has(ordering)) return true;
  return false;
}

type ListEntry = [readonly unknown[], Paginated<Project> | undefined];

/** Patches, reorders or invalidates every cached list holding the project; true if a row was patched. */
function applyToLists(qc: QueryClient, event: LiveEvent, projectId: number, version: number, values: Record<string, unknown>, fields: Set<string>): boolean {
  let patchedAny = false;
  const entries = qc.getQueriesData<Paginated<Project>>({ queryKey: projectKeys.lists() }) as ListEntry[];
  for (const [key, page] of entries) {
    if (!page) continue;
    const params = (key[2] ?? {}) as ProjectListParams;
    const index = page.results.findIndex((p) => p.id === projectId);
    const row = page.results[index];
    if (params.member !== undefined && event.type.startsWith('member.')) {
      void qc.invalidateQueries({ queryKey: key, exact: true });
      continue;
    }
    if (!row) continue;
    if (row.version >= version) continue;
    if (listAffected(params, fields)) {
      void qc.invalidateQueries({ queryKey: key, exact: true });
      continue;
    }
    // Milestone and member changes alter summaries (members, milestone counts) the event does not
    // carry: refetch the list; the project's own fields are patched below meanwhile.
    const childChange = event.data.target_type !== 'project';
    const patched = patchProject(row, values, version, event.ts);
    let results = page.results.map((p) => (p.id === projectId ? patched : p));
    const defaultOrder = !params.ordering && !params.q;
    const firstPage = (params.page ?? 1) === 1;
    if (defaultOrder && firstPage) results = [patched, ...results.filter((p) => p.id !== projectId)];
    qc.setQueryData<Paginated<Project>>(key, { ...page, results });
    patchedAny = true;
    // After the patch (setting data clears a query's invalidation): a row that moves to another
    // page, or summaries the event does not carry, come from a refetch.
    const moves = (defaultOrder && !firstPage) || params.ordering?.replace(/^-/, '') === 'updated_at';
    if (moves || childChange) void qc.invalidateQueries({ queryKey: key, exact: true });
  }
  return patchedAny;
}

function prependActivity(qc: QueryClient, event: LiveEvent, projectId: number) {
  const entry: Activity = {
    id: event.id,
    verb: event.type,
    project_id: event.project_id,
    actor: event.actor ? { id: event.actor.id, name: event.actor.name, email: '' } : null,
    target_type: event.data.target_type,
    target_id: event.data.target_id,
    version: event.version,
    changes: event.data.changes,
    metadata: event.data.metadata,
    created_at: event.ts,
  };
  qc.setQueryData<InfiniteData<ActivityPage, string | null>>(projectKeys.activity(projectId), (data) => {
    if (!data || data.pages.length === 0) return data;
    if (data.pages.some((p) => p.results.some((a) => a.id === event.id))) return data;
    const [first, ...rest] = data.pages as [ActivityPage, ...ActivityPage[]];
    // Newest first; an event replayed late goes where its id puts it, not on top.
    const results = [...first.results, entry].sort((a, b) => b.id - a.id);
    return { ...data, pages: [{ next: first.next, results }, ...rest] };
  });
}

/** One row of a child list (milestones, team) patched from an event's before/after values. */
function patchChild<T extends { id: number; version: number; etag: string }>(
  row: T,
  changes: LiveEvent['data']['changes'],
  kind: 'milestone' | 'member',
  plain: readonly string[],
): T | 'current' | 'unknown' {
  const values = row as unknown as Record<string, unknown>;
  const fields = Object.keys(changes);
  const before = (f: string) => changes[f]?.[0];
  const later = (f: string) => changes[f]?.[1];
  const read = (field: string) => (field === 'assignee_id' ? ((values.assignee as { id: number } | null)?.id ?? null) : field === 'user_id' ? (values.user as { id: number } | undefined)?.id : values[field]);
  if (fields.every((f) => read(f) === later(f))) return 'current';
  if (!fields.every((f) => read(f) === before(f))) return 'unknown';
  if (fields.some((f) => !plain.includes(f))) return 'unknown';
  const next = { ...values } as Record<string, unknown>;
  for (const f of fields) next[f] = later(f);
  next.version = row.version + 1;
  next.etag = etagOf(kind, row.id, row.version + 1);
  return next as unknown as T;
}

const MILESTONE_PLAIN = ['title', 'description', 'status', 'start_date', 'due_date', 'progress', 'weight'];
const MEMBER_PLAIN = ['role', 'allocation'];

function applyToChildren(qc: QueryClient, event: LiveEvent, projectId: number, flashes: string[]) {
  const targetId = event.data.target_id;
  const kind = event.data.target_type;
  if (targetId === null || (kind !== 'milestone' && kind !== 'member')) return;
  const key = kind === 'milestone' ? projectKeys.milestones(projectId) : projectKeys.members(projectId);
  const page = qc.getQueryData<Paginated<Milestone | Member>>(key);
  if (event.type.endsWith('.removed') || event.type.endsWith('.deleted')) {
    if (page && page.results.some((r) => r.id === targetId))
      qc.setQueryData(key, { ...page, count: Math.max(0, page.count - 1), results: page.results.filter((r) => r.id !== targetId) });
    // Removing a member unassigns their milestones (each a new version).
    const unassigned = event.data.metadata.unassigned_milestones;
    if (Array.isArray(unassigned) && unassigned.length) void qc.invalidateQueries({ queryKey: projectKeys.milestones(projectId) });
    return;
  }
  if (!page) return;
  if (event.type.endsWith('.created') || event.type.endsWith('.added')) {
    // The new row's representation (its ETag, the assignee's name) is not in the event.
    if (!page.results.some((r) => r.id === targetId)) void qc.invalidateQueries({ queryKey: key });
    return;
  }
  const row = page.results.find((r) => r.id === targetId);
  if (!row) {
    void qc.invalidateQueries({ queryKey: key });
    return;
  }
  const result = patchChild(row, event.data.changes, kind, kind === 'milestone' ? MILESTONE_PLAIN : MEMBER_PLAIN);
  if (result === 'current') return;
  if (result === 'unknown') {
    void qc.invalidateQueries({ queryKey: key });
    return;
  }
  qc.setQueryData(key, { ...page, results: page.results.map((r) => (r.id === targetId ? result : r)) });
  for (const field of Object.keys(event.data.changes)) flashes.push(`${kind}:${targetId}:${field}`);
  // Derived: a milestone's is_overdue and completed_at follow its dates and status.
  if (kind === 'milestone' && ['status', 'due_date', 'progress'].some((f) => f in event.data.changes)) {
    void qc.invalidateQueries({ queryKey: key, refetchType: 'active' });
  }
}

/** Applies one project-scoped event (or a user-stream event) to the cache; says what else to do. */
export function applyEvent(qc: QueryClient, event: LiveEvent): EventOutcome {
  const outcome: EventOutcome = { flashes: [], dashboard: false };
  const projectId = event.project_id;
  if (projectId === null) {
    if (event.type === 'bulk.completed' && event.data.target_id !== null) {
      outcome.bulkCompleted = { operationId: event.data.target_id, result: event.data.metadata };
      void qc.invalidateQueries({ queryKey: projectKeys.all });
      outcome.dashboard = true;
    } else if (event.type === 'notification.delivered') {
      void qc.invalidateQueries({ queryKey: notificationKeys.lists() });
    } else if (event.type.startsWith('tag.')) {
      void qc.invalidateQueries({ queryKey: projectKeys.tags() });
      // Projects carry their tags' names and colours: a renamed, recoloured or deleted tag changes them.
      if (event.type !== 'tag.created') void qc.invalidateQueries({ queryKey: projectKeys.all });
    }
    return outcome;
  }
  outcome.dashboard = true;
  prependActivity(qc, event, projectId);
  const version = event.version ?? 0;

  if (event.type === 'project.deleted' || event.type === 'project.purged') {
    void qc.invalidateQueries({ queryKey: projectKeys.lists() });
    void qc.invalidateQueries({ queryKey: projectKeys.trash() });
    if (event.type === 'project.deleted') outcome.deleted = { projectId, actor: event.actor?.name ?? null, at: event.ts };
    return outcome;
  }
  if (event.type === 'project.restored' || event.type === 'project.created') {
    void qc.invalidateQueries({ queryKey: projectKeys.lists() });
    void qc.invalidateQueries({ queryKey: projectKeys.trash() });
    void qc.invalidateQueries({ queryKey: projectKeys.detail(projectId), exact: true });
    if (event.type === 'project.restored') outcome.restored = projectId;
    return outcome;
  }

  const values = projectValues(event);
  const fields = new Set(Object.keys(values));
  const detail = qc.getQueryData<Project>(projectKeys.detail(projectId));
  let patched = false;
  if (detail && detail.version < version) {
    qc.setQueryData(projectKeys.detail(projectId), patchProject(detail, values, version, event.ts));
    patched = true;
    const derived = [...fields].some((f) => NEEDS_REFETCH.has(f)) || event.data.target_type === 'member';
    if (derived) void qc.invalidateQueries({ queryKey: projectKeys.detail(projectId), exact: true });
  }
  if (applyToLists(qc, event, projectId, version, values, fields)) patched = true;
  if (patched) for (const field of fields) outcome.flashes.push(`project:${projectId}:${field}`);
  applyToChildren(qc, event, projectId, outcome.flashes);
  return outcome;
}

/** One entry of a `projects.changed` message: a project the user may see, what happened to it. */
export type ChangedProject = { id: number; verbs: string[]; fields: string[] };

/**
 * The cached lists a `projects.changed` message says may now hold another set of projects, or in
 * another order: those that do not show a changed project which may now match them (created or
 * restored, a filtered or sorted-on field changed, its team changed under a member filter), and the
 * first page in the default order (last updated first), where any changed project now belongs. A
 * list that shows the project is left alone: its own `project:{id}` event patches or invalidates it.
 */
export function listsMayNowHold(qc: QueryClient, projects: ChangedProject[]): (readonly unknown[])[] {
  const keys: (readonly unknown[])[] = [];
  const entries = qc.getQueriesData<Paginated<Project>>({ queryKey: projectKeys.lists() }) as ListEntry[];
  for (const [key, page] of entries) {
    if (!page) continue;
    const params = (key[2] ?? {}) as ProjectListParams;
    const shown = new Set(page.results.map((p) => p.id));
    const newestFirst = !params.q && (!params.ordering || params.ordering === '-updated_at') && (params.page ?? 1) === 1;
    const affected = projects.some(({ id, verbs, fields }) => {
      if (shown.has(id)) return false;
      if (verbs.some((v) => v === 'project.created' || v === 'project.restored')) return true;
      if (params.member !== undefined && verbs.some((v) => v.startsWith('member.'))) return true;
      if (newestFirst && verbs.some((v) => v !== 'project.deleted' && v !== 'project.purged')) return true;
      return listAffected(params, new Set(fields));
    });
    if (affected) keys.push(key);
  }
  return keys;
}

/** The user may no longer see the project: what the cache holds of it is refetched (and answers 404). */
export function accessRevoked(qc: QueryClient, projectId: number) {
  void qc.invalidateQueries({ queryKey: projectKeys.detail(projectId) });
  void qc.invalidateQueries({ queryKey: projectKeys.lists() });
}

/** Marks every query stale and refetches those on screen (after `resync`). */
export function refetchEverything(qc: QueryClient) {
  void qc.invalidateQueries({ refetchType: 'active' });
}

/** The dashboard's summary, refetched if someone is looking at it. */
export function refreshDashboard(qc: QueryClient) {
  void qc.invalidateQueries({ queryKey: dashboardKeys.all });
}
