import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, ifMatch, unwrap } from '@/lib/api-client';
import type { Project } from '@/types/models';

import { projectKeys } from './keys';

/** Moves the project to the trash (soft delete), with the ETag of the copy on screen. */
export function useDeleteProject(project: Project) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(api.DELETE('/api/v1/projects/{project_id}/', { params: { path: { project_id: project.id }, header: ifMatch(project.etag) } })),
    onSuccess: () => {
      // Marked stale without a refetch: the page showing it is being left, and it would 404 now.
      void qc.invalidateQueries({ queryKey: projectKeys.detail(project.id), refetchType: 'none' });
      void qc.invalidateQueries({ queryKey: projectKeys.lists() });
      void qc.invalidateQueries({ queryKey: projectKeys.trash() });
    },
  });
}
