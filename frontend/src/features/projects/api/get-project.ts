import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api-client';
import type { Activity, Member, Milestone, Paginated, Project } from '@/types/models';

import { projectKeys } from './keys';

const path = (id: number) => ({ params: { path: { project_id: id } } });

export const projectQueryOptions = (id: number) =>
  queryOptions({
    queryKey: projectKeys.detail(id),
    queryFn: () => unwrap(api.GET('/api/v1/projects/{project_id}/', path(id))) as Promise<Project>,
  });

export const milestonesQueryOptions = (id: number) =>
  queryOptions({
    queryKey: projectKeys.milestones(id),
    queryFn: () =>
      unwrap(api.GET('/api/v1/projects/{project_id}/milestones/', { params: { path: { project_id: id }, query: { page_size: 100 } } })) as Promise<
        Paginated<Milestone>
      >,
  });

export const membersQueryOptions = (id: number) =>
  queryOptions({
    queryKey: projectKeys.members(id),
    queryFn: () =>
      unwrap(api.GET('/api/v1/projects/{project_id}/members/', { params: { path: { project_id: id }, query: { page_size: 100 } } })) as Promise<
        Paginated<Member>
      >,
  });

export const ACTIVITY_PAGE_SIZE = 30;

export type ActivityPage = { next: string | null; results: Activity[] };

/** The opaque cursor inside a `next` link (the API answers with the whole URL). */
export const cursorOf = (next: string | null | undefined): string | null =>
  next ? new URL(next, 'http://pulse.invalid').searchParams.get('cursor') : null;

/** Newest first, a page at a time over the API's cursor pagination ("Load more"). */
export const projectActivityQueryOptions = (id: number) =>
  infiniteQueryOptions({
    queryKey: projectKeys.activity(id),
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/projects/{project_id}/activity/', {
          params: { path: { project_id: id }, query: { page_size: ACTIVITY_PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ).then((page) => ({ next: page.next ?? null, results: page.results })) as Promise<ActivityPage>,
    initialPageParam: null as string | null,
    getNextPageParam: (last) => cursorOf(last.next),
  });

export const useProject = (id: number) => useQuery(projectQueryOptions(id));
export const useMilestones = (id: number) => useQuery(milestonesQueryOptions(id));
export const useMembers = (id: number) => useQuery(membersQueryOptions(id));
export const useProjectActivity = (id: number) => useInfiniteQuery(projectActivityQueryOptions(id));
