import { useMutation, useQueryClient } from '@tanstack/react-query';

import { projectKeys } from '@/features/projects';
import { api, unwrap } from '@/lib/api-client';
import type { Project } from '@/types/models';

/** Brings a project back from the trash (no If-Match: a trashed project cannot be edited meanwhile). */
export function useRestoreProject() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(api.POST('/api/v1/projects/{project_id}/restore/', { params: { path: { project_id: id } } })) as Promise<Project>,
    onSuccess: (project) => {
      qc.setQueryData(projectKeys.detail(project.id), project);
      void qc.invalidateQueries({ queryKey: projectKeys.lists() });
      void qc.invalidateQueries({ queryKey: projectKeys.trash() });
    },
  });
}
