/**
 * The bulk actions the bar offers, their parameters' rules (the API's, checked before a request)
 * and how a change reads in the preview.
 */
import { humanize } from '@/lib/format';

import type { BulkActionName, BulkParams } from '../../api/bulk-types';

export const ACTIONS = [
  { name: 'transition', label: 'Change status (transition)' },
  { name: 'set_health_override', label: 'Set health override' },
  { name: 'clear_health_override', label: 'Clear health override' },
  { name: 'add_tags', label: 'Add tags' },
  { name: 'remove_tags', label: 'Remove tags' },
  { name: 'replace_tags', label: 'Replace tags' },
  { name: 'change_owner', label: 'Change owner' },
  { name: 'shift_due_date', label: 'Shift due date' },
  { name: 'set_due_date', label: 'Set due date' },
  { name: 'delete', label: 'Move to trash' },
] as const satisfies readonly { name: BulkActionName; label: string }[];

export type OfferedAction = (typeof ACTIONS)[number]['name'];

export const TRANSITION_NAMES = ['start', 'hold', 'resume', 'complete', 'cancel'] as const;

export const actionLabel = (name: BulkActionName): string =>
  name === 'undo' ? 'Undo' : name === 'restore' ? 'Restore' : (ACTIONS.find((a) => a.name === name)?.label ?? humanize(name));

/** The form's raw values; only the ones the chosen action takes are sent. */
export type ParamValues = {
  name: string;
  health: string;
  reason: string;
  tag_ids: number[];
  owner_id: number | undefined;
  days: string;
  due_date: string;
  clear_due: boolean;
};

export const initialValues: ParamValues = { name: 'start', health: 'at_risk', reason: '', tag_ids: [], owner_id: undefined, days: '7', due_date: '', clear_due: false };

/** The request's params, or per-field messages saying what is missing or wrong. */
export function buildParams(action: OfferedAction, v: ParamValues): { params: BulkParams } | { errors: Record<string, string> } {
  switch (action) {
    case 'transition':
      return { params: { name: v.name } };
    case 'set_health_override': {
      const reason = v.reason.trim();
      if (!reason) return { errors: { reason: 'A reason is required to override health.' } };
      if (reason.length > 500) return { errors: { reason: 'At most 500 characters.' } };
      return { params: { health: v.health, reason } };
    }
    case 'add_tags':
    case 'remove_tags':
      return v.tag_ids.length ? { params: { tag_ids: v.tag_ids } } : { errors: { tag_ids: 'Choose at least one tag.' } };
    case 'replace_tags':
      return v.tag_ids.length > 50 ? { errors: { tag_ids: 'At most 50 tags.' } } : { params: { tag_ids: v.tag_ids } };
    case 'change_owner':
      return v.owner_id ? { params: { owner_id: v.owner_id } } : { errors: { owner_id: 'Choose the new owner.' } };
    case 'shift_due_date': {
      const days = Number(v.days);
      if (!/^-?\d+$/.test(v.days.trim()) || days === 0 || Math.abs(days) > 3650) return { errors: { days: 'A whole number of days, not 0, between -3650 and 3650.' } };
      return { params: { days } };
    }
    case 'set_due_date':
      if (v.clear_due) return { params: { due_date: null } };
      return /^\d{4}-\d{2}-\d{2}$/.test(v.due_date) ? { params: { due_date: v.due_date } } : { errors: { due_date: 'Choose a date, or clear the due date.' } };
    case 'clear_health_override':
    case 'delete':
      return { params: {} };
  }
}

export const FIELD_LABELS: Record<string, string> = {
  status: 'Status',
  health: 'Health',
  health_override: 'Health override',
  health_override_reason: 'Override reason',
  due_date: 'Due date',
  owner_id: 'Owner',
  owner: 'Owner',
  tags: 'Tags',
  tag_ids: 'Tags',
  deleted_at: 'In the trash',
};

export const fieldLabel = (field: string) => FIELD_LABELS[field] ?? humanize(field);
