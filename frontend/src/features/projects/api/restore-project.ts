import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api-client';
import type { Project } from '@/types/models';

import { projectKeys } from './keys';

/** Brings a deleted project back (the Undo of a delete); no If-Match, a trashed project cannot change meanwhile. */
export function useRestoreProject() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(api.POST('/api/v1/projects/{project_id}/restore/', { params: { path: { project_id: id } } })) as Promise<Project>,
    onSuccess: (project) => {
      qc.setQueryData(projectKeys.detail(project.id), project);
      void qc.invalidateQueries({ queryKey: projectKeys.detail(project.id) });
      void qc.invalidateQueries({ queryKey: projectKeys.lists() });
      void qc.invalidateQueries({ queryKey: projectKeys.trash() });
    },
  });
}
