/**
 * The project list's view lives in the URL: a copied URL reproduces it, back/forward walk it.
 * Invalid values are dropped, never sent to the API (which would answer 400).
 */
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

import type { ProjectListParams } from '../api/keys';

export const STATUSES = ['planning', 'active', 'on_hold', 'completed', 'cancelled'] as const;
export const HEALTHS = ['on_track', 'at_risk', 'off_track'] as const;
export const ORDERINGS = ['title', 'due_date', 'progress', 'health', 'updated_at'] as const;
export const PAGE_SIZES = [25, 50, 100] as const;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const positiveInt = (v: string | null) => (v && /^[1-9]\d{0,8}$/.test(v) ? Number(v) : undefined);

export function parseProjectParams(search: URLSearchParams): ProjectListParams {
  const params: ProjectListParams = {};
  const status = search.getAll('status').filter((s) => (STATUSES as readonly string[]).includes(s));
  if (status.length) params.status = [...new Set(status)];
  const health = search.getAll('health').filter((s) => (HEALTHS as readonly string[]).includes(s));
  if (health.length) params.health = [...new Set(health)];
  const tags = search.getAll('tag').map(positiveInt).filter((n): n is number => n !== undefined);
  if (tags.length) params.tag = [...new Set(tags)];
  const owner = positiveInt(search.get('owner'));
  if (owner) params.owner = owner;
  const member = positiveInt(search.get('member'));
  if (member) params.member = member;
  const dueBefore = search.get('due_before');
  if (dueBefore && DATE.test(dueBefore)) params.due_before = dueBefore;
  const dueAfter = search.get('due_after');
  if (dueAfter && DATE.test(dueAfter)) params.due_after = dueAfter;
  if (search.get('overdue') === 'true') params.overdue = true;
  const q = search.get('q')?.trim().slice(0, 200);
  if (q) params.q = q;
  const ordering = search.get('ordering');
  if (ordering && (ORDERINGS as readonly string[]).includes(ordering.replace(/^-/, ''))) params.ordering = ordering;
  const page = positiveInt(search.get('page'));
  if (page && page > 1) params.page = page;
  const size = positiveInt(search.get('page_size'));
  if (size && (PAGE_SIZES as readonly number[]).includes(size)) params.page_size = size;
  return params;
}

export function toSearchParams(params: ProjectListParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === '' || value === false) continue;
    if (Array.isArray(value)) for (const v of value) out.append(key, String(v));
    else out.set(key, String(value));
  }
  return out;
}

export function useProjectFilters() {
  const [search, setSearch] = useSearchParams();
  const params = useMemo(() => parseProjectParams(search), [search]);
  const update = useCallback(
    (patch: Partial<ProjectListParams>, { resetPage = true, replace = false } = {}) => {
      const next: ProjectListParams = { ...params, ...patch };
      if (resetPage && !('page' in patch)) delete next.page;
      setSearch(toSearchParams(next), { replace });
    },
    [params, setSearch],
  );
  const clear = useCallback(() => setSearch(new URLSearchParams()), [setSearch]);
  const filtered = Object.keys(params).some((k) => !['ordering', 'page', 'page_size'].includes(k));
  return { params, update, clear, filtered };
}
