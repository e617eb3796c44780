import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api-client';
import type { paths } from '@/types/api';
import type { Paginated, Project } from '@/types/models';

import { projectKeys, type ProjectListParams } from './keys';

type Query = NonNullable<paths['/api/v1/projects/']['get']['parameters']['query']>;

export function getProjects(params: ProjectListParams): Promise<Paginated<Project>> {
  return unwrap(api.GET('/api/v1/projects/', { params: { query: params as Query } })) as Promise<Paginated<Project>>;
}

export const projectsQueryOptions = (params: ProjectListParams) =>
  queryOptions({
    queryKey: projectKeys.list(params),
    queryFn: () => getProjects(params),
    placeholderData: keepPreviousData,
  });

export const useProjects = (params: ProjectListParams, { enabled = true }: { enabled?: boolean } = {}) =>
  useQuery({ ...projectsQueryOptions(params), enabled });
