// How an activity row reads: a sentence for its verb and one line per changed field.
import { HEALTH_LABELS } from '@pulse-ui/project-card';

import { formatDateTime, formatPercent, formatShortDate, humanize } from '@/lib/format';
import type { Activity } from '@/types/models';

const FIELD_LABEL: Record<string, string> = {
  due_date: 'Due date',
  start_date: 'Start date',
  health_override: 'Health override',
  health_override_reason: 'Override reason',
  assignee_id: 'Assignee',
  user_id: 'Person',
  owner_id: 'Owner',
  tags: 'Tags',
};

const PERCENT_FIELDS = new Set(['progress', 'allocation']);
const ENUM_FIELDS = new Set(['status', 'role']);
const HEALTH_FIELDS = new Set(['health', 'health_override']);
const PERSON_FIELDS = new Set(['assignee_id', 'user_id', 'owner_id']);
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T/;

const TRANSITION_SENTENCE: Record<string, string> = {
  start: 'started the project',
  hold: 'put the project on hold',
  resume: 'resumed the project',
  complete: 'completed the project',
  cancel: 'cancelled the project',
};

/** Names for person ids (team members and whoever the row itself names). */
export type PeopleById = ReadonlyMap<number, string>;

export const fieldLabel = (field: string) => FIELD_LABEL[field] ?? humanize(field);

export function formatValue(field: string, value: unknown, people: PeopleById, now = new Date()): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.length ? value.map((v) => formatValue(field, v, people, now)).join(', ') : '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') {
    if (PERCENT_FIELDS.has(field)) return formatPercent(value);
    if (PERSON_FIELDS.has(field)) return people.get(value) ?? `person #${value}`;
    return String(value);
  }
  if (typeof value === 'string') {
    // Days and moments read without the year in the current one, with it otherwise.
    if (DAY.test(value)) return formatShortDate(value, now);
    if (INSTANT.test(value)) return formatDateTime(value, now);
    if (HEALTH_FIELDS.has(field)) return HEALTH_LABELS[value as keyof typeof HEALTH_LABELS] ?? humanize(value);
    if (ENUM_FIELDS.has(field)) return value === 'qa' ? 'QA' : humanize(value);
    return value.length > 80 ? `${value.slice(0, 79)}…` : value;
  }
  return JSON.stringify(value);
}

const text = (v: unknown) => (typeof v === 'string' && v ? v : null);

/** The project an activity row belongs to, by name (milestone rows carry it beside their own title). */
export function activityProjectTitle(a: Activity): string | null {
  const meta = a.metadata ?? {};
  return text(meta.project_title) ?? (a.verb.startsWith('project.') || a.verb.startsWith('member.') ? text(meta.title) : null);
}

/** What the actor did, after their name: "moved the due date", "added milestone “Beta”". */
export function activitySentence(a: Activity): string {
  const meta = a.metadata ?? {};
  const title = text(meta.title);
  const person = text(meta.user_name) ?? 'someone';
  const quoted = title ? ` “${title}”` : '';
  switch (a.verb) {
    case 'project.created':
      return 'created the project';
    case 'project.updated':
      return 'updated the project';
    case 'project.transitioned':
      return TRANSITION_SENTENCE[text(meta.transition) ?? ''] ?? 'changed the status';
    case 'project.deleted':
      return 'deleted the project';
    case 'project.restored':
      return 'restored the project';
    case 'member.added':
      return `added ${person} to the team`;
    case 'member.updated':
      return `changed ${person} on the team`;
    case 'member.removed':
      return `removed ${person} from the team`;
    case 'milestone.created':
      return `added milestone${quoted}`;
    case 'milestone.updated':
      return `updated milestone${quoted}`;
    case 'milestone.deleted':
      return `deleted milestone${quoted}`;
    default:
      return humanize(a.verb.replace(/[._]/g, ' ')).toLowerCase();
  }
}

export type ChangeLine = { field: string; label: string; before: string | null; after: string };

type Pair = [unknown, unknown];
const isPair = (v: unknown): v is Pair => Array.isArray(v) && v.length === 2;

/**
 * The fields the row changed. Updates show before → after; additions show what was set (not
 * ids or long text); removals and deletions show nothing, the sentence says it all.
 */
export function changeLines(a: Activity, people: PeopleById, now = new Date()): ChangeLine[] {
  const verb = a.verb.split('.')[1] ?? '';
  if (['deleted', 'removed', 'restored'].includes(verb)) return [];
  const created = verb === 'created' || verb === 'added';
  const lines: ChangeLine[] = [];
  for (const [field, pair] of Object.entries(a.changes ?? {})) {
    if (!isPair(pair)) continue;
    const [before, after] = pair;
    if (created) {
      if (field === 'title' || field === 'description' || field === 'user_id' || after === null || after === '' || (Array.isArray(after) && !after.length)) continue;
      lines.push({ field, label: fieldLabel(field), before: null, after: formatValue(field, after, people, now) });
    } else {
      lines.push({ field, label: fieldLabel(field), before: formatValue(field, before, people, now), after: formatValue(field, after, people, now) });
    }
  }
  // A milestone or team change moves the project's own progress and health: say so too.
  const knockOn = a.metadata?.project_changes;
  if (knockOn && typeof knockOn === 'object') {
    for (const [field, pair] of Object.entries(knockOn as Record<string, unknown>)) {
      if (!isPair(pair)) continue;
      lines.push({ field: `project.${field}`, label: `Project ${fieldLabel(field).toLowerCase()}`, before: formatValue(field, pair[0], people, now), after: formatValue(field, pair[1], people, now) });
    }
  }
  return lines;
}
