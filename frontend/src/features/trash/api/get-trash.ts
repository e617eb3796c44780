import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';

import { projectKeys } from '@/features/projects';
import { api, unwrap } from '@/lib/api-client';
import type { Paginated, TrashedProject } from '@/types/models';

export const TRASH_PAGE_SIZE = 20;

export const trashQueryOptions = (page: number) =>
  queryOptions({
    queryKey: [...projectKeys.trash(), { page }] as const,
    queryFn: () =>
      unwrap(api.GET('/api/v1/projects/trash/', { params: { query: { page, page_size: TRASH_PAGE_SIZE } } })) as Promise<
        Paginated<TrashedProject>
      >,
    placeholderData: keepPreviousData,
  });

export const useTrash = (page: number) => useQuery(trashQueryOptions(page));
