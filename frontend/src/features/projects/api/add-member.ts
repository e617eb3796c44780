import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api-client';
import type { components } from '@/types/api';
import type { Member } from '@/types/models';

import { projectKeys } from './keys';
import { refreshProject } from './refresh-project';

export type NewMember = components['schemas']['MemberCreateRequest'];

/** Adds someone to the team; their allocation totals change, so the team list is refetched. */
export function useAddMember(projectId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: NewMember) =>
      unwrap(api.POST('/api/v1/projects/{project_id}/members/', { params: { path: { project_id: projectId } }, body: input })) as Promise<Member>,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: projectKeys.members(projectId) });
      refreshProject(qc, projectId);
    },
  });
}
