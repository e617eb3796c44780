import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api-client';
import type { Paginated, User } from '@/types/models';

import { projectKeys } from './keys';

/** How many people a filter suggests at once; the API orders them by name. */
export const PEOPLE_SUGGESTIONS = 10;

/** People matched on name or email (the API caps the text at 100 characters). */
export function searchUsers(q: string): Promise<Paginated<User>> {
  const query = { q: q.slice(0, 100) || undefined, page_size: PEOPLE_SUGGESTIONS };
  return unwrap(api.GET('/api/v1/users/', { params: { query } })) as Promise<Paginated<User>>;
}

export const usersQueryOptions = (q: string) =>
  queryOptions({ queryKey: projectKeys.users(q), queryFn: () => searchUsers(q), staleTime: 30_000, placeholderData: keepPreviousData });

export const useUserSearch = (q: string, { enabled = true }: { enabled?: boolean } = {}) => useQuery({ ...usersQueryOptions(q), enabled });
