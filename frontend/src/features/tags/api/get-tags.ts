import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api-client';
import type { Paginated, Tag } from '@/types/models';

import { tagKeys } from './keys';

/** How many matches a picker shows; the API orders by name. */
export const TAG_SUGGESTIONS = 20;

/** The API refuses a longer search (a tag name is at most 50 characters, so nothing longer matches). */
export const TAG_SEARCH_MAX = 50;

export const tagsQueryOptions = (q: string) =>
  queryOptions({
    queryKey: tagKeys.list(q),
    queryFn: () => unwrap(api.GET('/api/v1/tags/', { params: { query: { q: q.slice(0, TAG_SEARCH_MAX) || undefined, page_size: TAG_SUGGESTIONS } } })) as Promise<Paginated<Tag>>,
    placeholderData: keepPreviousData,
  });

export const useTags = (q: string, { enabled = true }: { enabled?: boolean } = {}) => useQuery({ ...tagsQueryOptions(q), enabled });
