import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, ifMatch, unwrap } from '@/lib/api-client';
import { isApiError } from '@/lib/api-error';
import type { components } from '@/types/api';
import type { Member, Paginated } from '@/types/models';

import { projectKeys } from './keys';
import { refreshProject } from './refresh-project';

export type MemberChanges = components['schemas']['PatchedMemberUpdateRequest'];

/** Changes a member's role or allocation with the ETag of the copy on screen. */
export function useUpdateMember(projectId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ member, changes }: { member: Member; changes: MemberChanges }) =>
      unwrap(
        api.PATCH('/api/v1/projects/{project_id}/members/{member_id}/', {
          params: { path: { project_id: projectId, member_id: member.id }, header: ifMatch(member.etag) },
          body: changes,
        }),
      ) as Promise<Member>,
    onSuccess: (updated) => {
      qc.setQueryData<Paginated<Member>>(projectKeys.members(projectId), (page) =>
        page ? { ...page, results: page.results.map((m) => (m.id === updated.id ? updated : m)) } : page,
      );
      refreshProject(qc, projectId);
    },
    // A 412 carries the server's copy: the list shows it, and the open form marks what it changed.
    onError: (e, { member }) => {
      const current = isApiError(e) && e.status === 412 ? (e.current as Member | undefined) : undefined;
      if (!current || typeof current !== 'object' || current.id !== member.id) return;
      qc.setQueryData<Paginated<Member>>(projectKeys.members(projectId), (page) =>
        page ? { ...page, results: page.results.map((m) => (m.id === current.id ? current : m)) } : page,
      );
    },
  });
}
