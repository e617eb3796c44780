import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, ifMatch, unwrap } from '@/lib/api-client';
import type { Project, TransitionName } from '@/types/models';

import { projectKeys } from './keys';

/** A lifecycle transition with the project's ETag; the response is the new project. */
export function useTransitionProject(project: Project) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: TransitionName) =>
      unwrap(
        api.POST('/api/v1/projects/{project_id}/transitions/{name}/', {
          params: { path: { project_id: String(project.id), name }, header: ifMatch(project.etag) },
        }),
      ) as Promise<Project>,
    onSuccess: (updated) => {
      qc.setQueryData(projectKeys.detail(project.id), updated);
      void qc.invalidateQueries({ queryKey: projectKeys.lists() });
      void qc.invalidateQueries({ queryKey: projectKeys.activity(project.id) });
    },
  });
}
