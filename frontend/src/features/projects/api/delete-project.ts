import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, ifMatch, unwrap } from '@/lib/api-client';
import { isApiError } from '@/lib/api-error';
import type { Project } from '@/types/models';

import { projectKeys } from './keys';
import { isProject } from './patch-project';

/**
 * Moves the project to the trash (soft delete), with the ETag given (the copy on screen by
 * default). On 412 the server's copy goes into the cache.
 */
export function useDeleteProject(project: Project) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (etag: string = project.etag) =>
      unwrap(api.DELETE('/api/v1/projects/{project_id}/', { params: { path: { project_id: project.id }, header: ifMatch(etag) } })),
    onSuccess: () => {
      // Marked stale without a refetch: the page showing it is being left, and it would 404 now.
      void qc.invalidateQueries({ queryKey: projectKeys.detail(project.id), refetchType: 'none' });
      void qc.invalidateQueries({ queryKey: projectKeys.lists() });
      void qc.invalidateQueries({ queryKey: projectKeys.trash() });
    },
    onError: (e) => {
      if (isApiError(e) && e.status === 412 && isProject(e.current) && e.current.id === project.id) qc.setQueryData(projectKeys.detail(project.id), e.current);
    },
  });
}
