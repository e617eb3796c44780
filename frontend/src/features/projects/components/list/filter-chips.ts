import { formatDate, formatPercent, humanize } from '@/lib/format';

import type { ProjectListParams } from '../../api/keys';
import type { FilterChip } from './active-filters';

/** Names the URL holds only as ids; undefined while the API has not said yet. */
export type FilterNames = { tag: (id: number) => string | undefined; owner?: string; member?: string };

const pending = '…';

export function progressLabel(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return min === max ? formatPercent(min) : `${formatPercent(min)}–${formatPercent(max)}`;
  if (min !== undefined) return `at least ${formatPercent(min)}`;
  return `at most ${formatPercent(max ?? 100)}`;
}

/** One chip per active filter value, in the order the filters appear on the page. */
export function filterChips(params: ProjectListParams, names: FilterNames): FilterChip[] {
  const chips: FilterChip[] = [];
  if (params.q) chips.push({ key: 'q', label: `Search: “${params.q}”`, remove: { q: undefined } });
  for (const s of params.status ?? []) {
    const rest = params.status?.filter((v) => v !== s);
    chips.push({ key: `status:${s}`, label: `Status: ${humanize(s)}`, remove: { status: rest?.length ? rest : undefined } });
  }
  for (const h of params.health ?? []) {
    const rest = params.health?.filter((v) => v !== h);
    chips.push({ key: `health:${h}`, label: `Health: ${humanize(h)}`, remove: { health: rest?.length ? rest : undefined } });
  }
  if (params.owner) chips.push({ key: 'owner', label: `Owner: ${names.owner ?? pending}`, remove: { owner: undefined } });
  if (params.member) chips.push({ key: 'member', label: `Member: ${names.member ?? pending}`, remove: { member: undefined } });
  for (const id of params.tag ?? []) {
    const rest = params.tag?.filter((v) => v !== id);
    chips.push({ key: `tag:${id}`, label: `Tag: ${names.tag(id) ?? pending}`, remove: { tag: rest?.length ? rest : undefined } });
  }
  if (params.due_after) chips.push({ key: 'due_after', label: `Due from ${formatDate(params.due_after)}`, remove: { due_after: undefined } });
  if (params.due_before) chips.push({ key: 'due_before', label: `Due by ${formatDate(params.due_before)}`, remove: { due_before: undefined } });
  if (params.overdue) chips.push({ key: 'overdue', label: 'Overdue', remove: { overdue: undefined } });
  if (params.progress_min !== undefined || params.progress_max !== undefined) {
    chips.push({
      key: 'progress',
      label: `Progress: ${progressLabel(params.progress_min, params.progress_max)}`,
      remove: { progress_min: undefined, progress_max: undefined },
    });
  }
  return chips;
}
