import { useMutation, useQueryClient } from '@tanstack/react-query';

import { authKeys } from '@/features/auth';
import { api, ifMatch, unwrap } from '@/lib/api-client';
import { isApiError } from '@/lib/api-error';
import { clearTokens, setTokens } from '@/lib/auth-session';
import { toast } from '@/stores/toast-store';
import type { Me } from '@/types/models';
import type { components } from '@/types/api';

export type MeChanges = Omit<components['schemas']['PatchedMeInputRequest'], 'current_password' | 'new_password'>;

function patchMe(etag: string, body: components['schemas']['PatchedMeInputRequest']): Promise<Me> {
  return unwrap(api.PATCH('/api/v1/auth/me/', { params: { header: ifMatch(etag) }, body })) as Promise<Me>;
}

/** A 412's `details.current` is the profile as the server has it now. */
export const isMe = (value: unknown): value is Me => typeof value === 'object' && value !== null && 'etag' in value && 'username' in value;

/**
 * Writes one's own profile with the ETag of the copy on screen. On 412 the server's current copy
 * replaces the cached one (its new ETag makes the next save deliberate, never silent).
 */
export function useUpdateMe(me: Me) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (changes: MeChanges) => patchMe(me.etag, changes),
    onSuccess: (updated) => qc.setQueryData(authKeys.me(), updated),
    onError: (e) => {
      if (isApiError(e) && e.status === 412 && isMe(e.current)) qc.setQueryData(authKeys.me(), e.current);
    },
  });
}

export type PasswordChange = { current_password: string; new_password: string };

/**
 * A password change revokes every token issued so far, this tab's too, and answers with the profile
 * only. So this signs in again with the new password right away; `signedIn: false` means that
 * failed and the session has ended (the app returns to the sign-in page).
 */
export function useChangePassword(me: Me) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (change: PasswordChange): Promise<{ me: Me; signedIn: boolean }> => {
      const updated = await patchMe(me.etag, change);
      qc.setQueryData(authKeys.me(), updated);
      try {
        const tokens = await unwrap(api.POST('/api/v1/auth/token/', { body: { username: updated.username, password: change.new_password } }));
        setTokens(tokens);
        return { me: updated, signedIn: true };
      } catch {
        return { me: updated, signedIn: false };
      }
    },
    // Here rather than at the call site: the page unmounts once the session ends.
    onSuccess: ({ signedIn }) => {
      if (signedIn) return;
      toast('Password changed. Sign in again with your new password.', { tone: 'info', durationMs: 10_000 });
      clearTokens('logout');
    },
    onError: (e) => {
      if (isApiError(e) && e.status === 412 && isMe(e.current)) qc.setQueryData(authKeys.me(), e.current);
    },
  });
}
