import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api-client';
import type { SearchResult } from '@/types/models';

import { paletteKeys } from './keys';

/** The API refuses a longer search text. */
export const SEARCH_MAX = 200;
export const SEARCH_LIMIT = 8;

export type SearchAnswer = { q: string; count: number; results: SearchResult[] };

/**
 * Projects and milestones matching `q`, ranked and typo-tolerant, with `<mark>` highlights. The
 * signal aborts the request when a newer search replaces this one (TanStack Query cancels a query
 * nobody watches any more once its signal was read).
 */
export function searchEverything(q: string, signal?: AbortSignal): Promise<SearchAnswer> {
  return unwrap(api.GET('/api/v1/search/', { params: { query: { q: q.slice(0, SEARCH_MAX), limit: SEARCH_LIMIT } }, signal })) as Promise<SearchAnswer>;
}

export const paletteSearchQueryOptions = (q: string) =>
  queryOptions({
    queryKey: paletteKeys.search(q),
    queryFn: ({ signal }) => searchEverything(q, signal),
    staleTime: 30_000,
    placeholderData: keepPreviousData,
    retry: false,
  });

export const usePaletteSearch = (q: string) => useQuery({ ...paletteSearchQueryOptions(q), enabled: q.length > 0 });
