import type { QueryClient } from '@tanstack/react-query';

import type { LiveEvent, ServerMessage } from './types';

/**
 * What the tab does with what arrives on its socket. `onResync` (the gap was beyond the server's
 * replay window): every query is marked stale and those on screen refetch now.
 */
export function createLiveHandlers(qc: QueryClient) {
  return {
    onEvent(_event: LiveEvent) {},
    onMessage(_message: ServerMessage) {},
    onResync() {
      void qc.invalidateQueries({ refetchType: 'active' });
    },
    dispose() {},
  };
}
