import { queryOptions, useQuery } from '@tanstack/react-query';

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

export const projectActivityQueryOptions = (id: number) =>
  queryOptions({
    queryKey: projectKeys.activity(id),
    queryFn: () =>
      unwrap(api.GET('/api/v1/projects/{project_id}/activity/', { params: { path: { project_id: id }, query: { page_size: 30 } } })) as Promise<{
        next: string | null;
        results: Activity[];
      }>,
  });

export const useProject = (id: number) => useQuery(projectQueryOptions(id));
export const useMilestones = (id: number) => useQuery(milestonesQueryOptions(id));
export const useMembers = (id: number) => useQuery(membersQueryOptions(id));
export const useProjectActivity = (id: number) => useQuery(projectActivityQueryOptions(id));
