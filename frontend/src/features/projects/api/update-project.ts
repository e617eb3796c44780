import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, ifMatch, unwrap } from '@/lib/api-client';
import type { components } from '@/types/api';
import type { Project } from '@/types/models';

import { projectKeys } from './keys';

export type ProjectChanges = components['schemas']['PatchedProjectInputRequest'];

/** PATCHes the fields given, with the ETag of the copy on screen; the response replaces the cached project. */
export function useUpdateProject(project: Project) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (changes: ProjectChanges) =>
      unwrap(
        api.PATCH('/api/v1/projects/{project_id}/', {
          params: { path: { project_id: project.id }, header: ifMatch(project.etag) },
          body: changes,
        }),
      ) as Promise<Project>,
    onSuccess: (updated) => {
      qc.setQueryData(projectKeys.detail(project.id), updated);
      void qc.invalidateQueries({ queryKey: projectKeys.activity(project.id) });
      void qc.invalidateQueries({ queryKey: projectKeys.lists() });
    },
  });
}
