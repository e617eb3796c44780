import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api-client';
import type { Tag } from '@/types/models';

import { tagKeys } from './keys';

/** Creates a tag (the server picks its default colour); every tag list is refetched after. */
export function useCreateTag() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => unwrap(api.POST('/api/v1/tags/', { body: { name } })) as Promise<Tag>,
    onSuccess: () => qc.invalidateQueries({ queryKey: tagKeys.lists() }),
  });
}
