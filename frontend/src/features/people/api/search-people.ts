import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api-client';
import type { Paginated, User } from '@/types/models';

import { peopleKeys } from './keys';

export const PEOPLE_PAGE_SIZE = 20;

/** The API refuses a longer search text. */
export const PEOPLE_SEARCH_MAX = 100;

/**
 * People the caller may pick: those they share a project with, matched on name or email, plus
 * whoever has exactly the email typed (the way to add someone new).
 */
export function searchPeople(q: string): Promise<Paginated<User>> {
  return unwrap(api.GET('/api/v1/users/', { params: { query: { q: q.slice(0, PEOPLE_SEARCH_MAX), page_size: PEOPLE_PAGE_SIZE } } })) as Promise<Paginated<User>>;
}

export const peopleSearchQueryOptions = (q: string) =>
  queryOptions({
    queryKey: peopleKeys.search(q),
    queryFn: () => searchPeople(q),
    staleTime: 30_000,
    placeholderData: keepPreviousData,
  });

export const usePeopleSearch = (q: string, { enabled = true }: { enabled?: boolean } = {}) =>
  useQuery({ ...peopleSearchQueryOptions(q), enabled });
