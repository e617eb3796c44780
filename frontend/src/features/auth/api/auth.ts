import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api-client';
import { clearTokens, getTokens, setTokens } from '@/lib/auth-session';
import type { Me } from '@/types/models';

export const authKeys = {
  all: ['auth'] as const,
  me: () => [...authKeys.all, 'me'] as const,
};

export const meQueryOptions = () =>
  queryOptions({
    queryKey: authKeys.me(),
    queryFn: () => unwrap(api.GET('/api/v1/auth/me/')) as Promise<Me>,
    staleTime: 5 * 60_000,
  });

export const useMe = () => useQuery({ ...meQueryOptions(), enabled: getTokens() !== null });

export type LoginInput = { username: string; password: string };

export async function login(input: LoginInput) {
  const tokens = await unwrap(api.POST('/api/v1/auth/token/', { body: input }));
  setTokens(tokens);
  return tokens;
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: () => qc.invalidateQueries({ queryKey: authKeys.me() }),
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const refresh = getTokens()?.refresh;
      // Sign out locally even when the server cannot be reached.
      if (refresh) await unwrap(api.POST('/api/v1/auth/logout/', { body: { refresh } })).catch(() => undefined);
    },
    onSettled: () => {
      clearTokens('logout');
      qc.clear();
    },
  });
}
