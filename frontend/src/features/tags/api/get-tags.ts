import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api-client';
import type { Paginated, Tag } from '@/types/models';

import { tagKeys } from './keys';

/** How many matches a picker shows; the API orders by name. */
export const TAG_SUGGESTIONS = 20;

export const tagsQueryOptions = (q: string) =>
  queryOptions({
    queryKey: tagKeys.list(q),
    queryFn: () => unwrap(api.GET('/api/v1/tags/', { params: { query: { q: q || undefined, page_size: TAG_SUGGESTIONS } } })) as Promise<Paginated<Tag>>,
    placeholderData: keepPreviousData,
  });

export const useTags = (q: string, { enabled = true }: { enabled?: boolean } = {}) => useQuery({ ...tagsQueryOptions(q), enabled });
