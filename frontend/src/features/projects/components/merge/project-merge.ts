// The project form's fields as the merge dialog and the "changed meanwhile" notes show them.
import { formatValue } from '@/lib/activity-format';
import { formatPercent } from '@/lib/format';
import type { Project } from '@/types/models';

import { progressIsManual, valuesOf, type FormField } from '../form/project-form-schema';
import { changedFields, type Values } from './merge';
import type { MergeFieldSpec } from './merge-dialog';

const none = new Map<number, string>();
const named = (v: unknown) => (v && typeof v === 'object' && 'name' in v ? String((v as { name: unknown }).name) : '—');

export const PROJECT_MERGE_SPECS: readonly (MergeFieldSpec & { field: FormField })[] = [
  { field: 'title', label: 'Title', format: (v) => formatValue('title', v, none), editor: { kind: 'text' } },
  // The whole text: a conflict in a description is decided on what it says.
  { field: 'description', label: 'Description', format: (v) => (typeof v === 'string' && v ? v : '—'), editor: { kind: 'textarea' } },
  { field: 'start_date', label: 'Start date', format: (v) => formatValue('start_date', v, none), editor: { kind: 'date' } },
  { field: 'due_date', label: 'Due date', format: (v) => formatValue('due_date', v, none), editor: { kind: 'date' } },
  { field: 'progress', label: 'Progress', format: (v) => (typeof v === 'number' && Number.isFinite(v) ? formatPercent(v) : '—'), editor: { kind: 'number', min: 0, max: 100 } },
  { field: 'tags', label: 'Tags', format: (v) => (Array.isArray(v) && v.length ? v.map(named).join(', ') : '—') },
  { field: 'owner', label: 'Owner', format: named },
];

/** The fields this form edits on this project: progress only while set by hand, the owner only for who may hand it over. */
export function projectMergeFields(project: Project, ownerEditable: boolean): FormField[] {
  return PROJECT_MERGE_SPECS.map((s) => s.field).filter((f) => (f !== 'progress' || progressIsManual(project)) && (f !== 'owner' || ownerEditable));
}

/** The fields a newer copy changed since the form's, each with its new value as read. */
export function changedMeanwhile(base: Project, latest: Project, fields: readonly FormField[]): Partial<Record<FormField, string>> {
  if (latest.version <= base.version) return {};
  const [before, after] = [valuesOf(base) as Values, valuesOf(latest) as Values];
  const out: Partial<Record<FormField, string>> = {};
  for (const field of changedFields(fields, before, after)) {
    const spec = PROJECT_MERGE_SPECS.find((s) => s.field === field);
    if (spec) out[field] = spec.format(after[field]);
  }
  return out;
}
