import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api-client';
import type { Paginated, Tag } from '@/types/models';

import { projectKeys } from './keys';

/** Tags a portfolio has are few; past this many pages the list stops and says it is incomplete. */
const PAGE_SIZE = 100;
const MAX_PAGES = 10;

type AllTags = { tags: Tag[]; complete: boolean };
export type TagDirectory = AllTags & { byId: Map<number, Tag> };

/** Every tag (by name, as the API orders them), so the filter can offer them and name the URL's ids. */
export async function getAllTags(): Promise<AllTags> {
  const tags: Tag[] = [];
  let complete = false;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const data = (await unwrap(api.GET('/api/v1/tags/', { params: { query: { page, page_size: PAGE_SIZE } } }))) as Paginated<Tag>;
    tags.push(...data.results);
    if (!data.next) {
      complete = true;
      break;
    }
  }
  return { tags, complete };
}

export const allTagsQueryOptions = () =>
  queryOptions({ queryKey: projectKeys.tags(), queryFn: getAllTags, staleTime: 60_000 });

// Stable, so TanStack Query derives the index once per answer, not once per render.
const withIndex = (data: AllTags): TagDirectory => ({ ...data, byId: new Map(data.tags.map((t) => [t.id, t])) });

export const useAllTags = ({ enabled = true }: { enabled?: boolean } = {}) =>
  useQuery({ ...allTagsQueryOptions(), enabled, select: withIndex });
