import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, ifMatch, unwrap } from '@/lib/api-client';
import { isApiError } from '@/lib/api-error';
import type { components } from '@/types/api';
import type { Project } from '@/types/models';

import { projectKeys } from './keys';

export type ProjectChanges = components['schemas']['PatchedProjectInputRequest'];

/** A 412's `details.current` is the project as the server has it now. */
export const isProject = (value: unknown): value is Project =>
  typeof value === 'object' && value !== null && 'etag' in value && 'title' in value && 'version' in value;

/**
 * PATCH some of a project's fields with the ETag of the copy they were edited from. On 412 the
 * server's current copy goes into the cache, so every view of it shows what changed.
 */
export function usePatchProject(projectId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ etag, changes }: { etag: string; changes: ProjectChanges }) =>
      unwrap(api.PATCH('/api/v1/projects/{project_id}/', { params: { path: { project_id: projectId }, header: ifMatch(etag) }, body: changes })) as Promise<Project>,
    onSuccess: (updated) => {
      qc.setQueryData(projectKeys.detail(projectId), updated);
      void qc.invalidateQueries({ queryKey: projectKeys.lists() });
      void qc.invalidateQueries({ queryKey: projectKeys.activity(projectId) });
    },
    onError: (e) => {
      if (isApiError(e) && e.status === 412 && isProject(e.current)) qc.setQueryData(projectKeys.detail(projectId), e.current);
    },
  });
}
