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

/** How many tags one URL may filter by; more is not a view anyone builds by hand. */
export const MAX_TAGS = 50;
/** Filters that narrow the list (everything but how it is sorted and paged). */
export const FILTER_KEYS = [
  'q', 'status', 'health', 'owner', 'member', 'tag', 'due_after', 'due_before', 'overdue', 'progress_min', 'progress_max',
] as const satisfies readonly (keyof ProjectListParams)[];

const positiveInt = (v: string | null) => (v && /^[1-9]\d{0,8}$/.test(v) ? Number(v) : undefined);
const percent = (v: string | null) => (v && /^\d{1,3}$/.test(v) && Number(v) <= 100 ? Number(v) : undefined);

/** A calendar day the API's date filter accepts: YYYY-MM-DD that exists (no 31 February, no year 0). */
export function isIsoDay(v: string | null | undefined): v is string {
  const m = v ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(v) : null;
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(2000, mo - 1, d));
  date.setUTCFullYear(y);
  return y >= 1 && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

// C0 controls and DEL: the API refuses them in text.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;

export function parseProjectParams(search: URLSearchParams): ProjectListParams {
  const params: ProjectListParams = {};
  const status = search.getAll('status').filter((s) => (STATUSES as readonly string[]).includes(s));
  if (status.length) params.status = [...new Set(status)];
  const health = search.getAll('health').filter((s) => (HEALTHS as readonly string[]).includes(s));
  if (health.length) params.health = [...new Set(health)];
  const tags = search.getAll('tag').map(positiveInt).filter((n): n is number => n !== undefined);
  if (tags.length) params.tag = [...new Set(tags)].slice(0, MAX_TAGS);
  const owner = positiveInt(search.get('owner'));
  if (owner) params.owner = owner;
  const member = positiveInt(search.get('member'));
  if (member) params.member = member;
  const dueAfter = search.get('due_after');
  if (isIsoDay(dueAfter)) params.due_after = dueAfter;
  const dueBefore = search.get('due_before');
  if (isIsoDay(dueBefore)) params.due_before = dueBefore;
  if (search.get('overdue') === 'true') params.overdue = true;
  const progressMin = percent(search.get('progress_min'));
  if (progressMin !== undefined) params.progress_min = progressMin;
  const progressMax = percent(search.get('progress_max'));
  if (progressMax !== undefined) params.progress_max = progressMax;
  const q = search.get('q')?.replace(CONTROL, ' ').trim().slice(0, 200);
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
  // Clearing the filters keeps how the list is sorted and how long a page is.
  const clear = useCallback(
    () => setSearch(toSearchParams({ ordering: params.ordering, page_size: params.page_size })),
    [params.ordering, params.page_size, setSearch],
  );
  const filtered = FILTER_KEYS.some((k) => params[k] !== undefined);
  return { params, update, clear, filtered };
}
