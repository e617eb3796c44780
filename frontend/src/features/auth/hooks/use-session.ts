import { useSyncExternalStore } from 'react';

import { getTokens, subscribe } from '@/lib/auth-session';

let snapshot = getTokens() !== null;
const listen = (onChange: () => void) =>
  subscribe((tokens) => {
    snapshot = tokens !== null;
    onChange();
  });

/** Whether this tab holds a session; follows sign-in / sign-out in every tab. */
export function useSignedIn(): boolean {
  return useSyncExternalStore(listen, () => snapshot, () => false);
}
