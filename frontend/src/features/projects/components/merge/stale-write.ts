// A one-click write that hit a newer version (a 412): what changed meanwhile, read from the
// 412 body's copy against the one on screen, and who changed it, as the 412 says.
import { fieldLabel, formatValue } from '@/lib/activity-format';
import { isApiError } from '@/lib/api-error';
import type { Member, Milestone, Project } from '@/types/models';

import { sameValue } from './merge';

export type Versioned = { id: number; version: number; etag: string };

/** One changed field as a person reads it: "status to On hold". */
export type ChangeLine = { field: string; text: string };

type Spec<T> = { field: string; read: (copy: T) => unknown; show?: (value: unknown) => string };

const none = new Map<number, string>();
const named = (v: unknown) => (v && typeof v === 'object' && 'name' in v ? String((v as { name: unknown }).name) : '—');

const PROJECT_FIELDS: Spec<Project>[] = [
  { field: 'status', read: (p) => p.status },
  { field: 'title', read: (p) => p.title },
  { field: 'due_date', read: (p) => p.due_date },
  { field: 'start_date', read: (p) => p.start_date },
  { field: 'health_override', read: (p) => p.health_override },
  { field: 'progress', read: (p) => p.progress },
  { field: 'owner', read: (p) => p.owner, show: named },
  { field: 'tags', read: (p) => p.tags, show: (v) => (Array.isArray(v) && v.length ? v.map(named).join(', ') : '—') },
  { field: 'description', read: (p) => p.description, show: () => 'new text' },
];

const MILESTONE_FIELDS: Spec<Milestone>[] = [
  { field: 'status', read: (m) => m.status },
  { field: 'title', read: (m) => m.title },
  { field: 'due_date', read: (m) => m.due_date },
  { field: 'assignee', read: (m) => m.assignee, show: (v) => (v ? named(v) : 'nobody') },
  { field: 'progress', read: (m) => m.progress },
  { field: 'weight', read: (m) => m.weight },
];

const MEMBER_FIELDS: Spec<Member>[] = [
  { field: 'role', read: (m) => m.role },
  { field: 'allocation', read: (m) => m.allocation },
];

function linesOf<T>(specs: Spec<T>[], before: T, after: T): ChangeLine[] {
  return specs
    .filter((s) => !sameValue(s.read(before), s.read(after)))
    .map((s) => {
      const value = s.read(after);
      const shown = s.show ? s.show(value) : formatValue(s.field, value, none);
      return { field: s.field, text: `${fieldLabel(s.field).toLowerCase()} to ${shown}` };
    });
}

export const projectChanges = (before: Project, after: Project) => linesOf(PROJECT_FIELDS, before, after);
export const milestoneChanges = (before: Milestone, after: Milestone) => linesOf(MILESTONE_FIELDS, before, after);
export const memberChanges = (before: Member, after: Member) => linesOf(MEMBER_FIELDS, before, after);

/** "Ada Lovelace changed status to On hold and due date to 12 Dec." */
export function changeSentence(who: string | null, lines: readonly ChangeLine[], subject: string): string {
  const actor = who ?? 'Someone';
  if (lines.length === 0) return `${actor} saved ${subject} meanwhile.`;
  const parts = lines.map((l) => l.text);
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
  return `${actor} changed ${list}.`;
}

/** The 412's copy of the object (`details.current`), when it is one of `sameAs`'s kind and id. */
export function currentOf<T extends Versioned>(e: unknown, sameAs: T): T | null {
  if (!isApiError(e) || e.status !== 412) return null;
  const current = e.current as T | undefined;
  if (!current || typeof current !== 'object' || current.id !== sameAs.id || typeof current.etag !== 'string') return null;
  return current;
}

export type Changer = { id: number; name: string };

/** Who saved it meanwhile, as the 412 names them (`details.changed_by`); null when it does not say. */
export function changerOf(e: unknown): Changer | null {
  return isApiError(e) && e.status === 412 ? e.changedBy : null;
}

/** How a sentence names the changer: "You" when it was the reader (another tab), else their name. */
export const changerName = (by: Changer | null | undefined, meId: number | undefined): string | null =>
  by ? (by.id === meId ? 'You' : by.name) : null;
