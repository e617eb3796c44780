import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

import { getTokens, refreshTokens, subscribe as onTokens } from '@/lib/auth-session';
import { useLiveStore } from '@/stores/live-store';

import { getTicket, socketUrl } from '../api/get-ticket';
import { LiveConnection } from '../lib/connection';
import { createLiveHandlers } from '../lib/handlers';

/** Every tab listens to its own `user` topic (notifications, bulk progress) whatever page it shows. */
const ALWAYS = ['user'];

/**
 * The tab's live connection, for as long as the signed-in shell is mounted: topics follow what
 * pages declare (`useLiveTopics`), events go through the handlers into the query cache, and the
 * browser's online/offline, visibility and the session's token changes wake or stop it.
 */
export function useLiveUpdates() {
  const qc = useQueryClient();
  useEffect(() => {
    const store = useLiveStore.getState();
    const handlers = createLiveHandlers(qc);
    const conn = new LiveConnection({
      url: socketUrl,
      getTicket,
      refreshSession: async () => Boolean(await refreshTokens(getTokens()?.access)),
      onEvent: handlers.onEvent,
      onMessage: handlers.onMessage,
      onResync: handlers.onResync,
      onWelcome: handlers.onWelcome,
      onStatus: store.setStatus,
    });
    const topicsOf = (topics: Record<string, number>) => [...ALWAYS, ...Object.keys(topics)];
    conn.setTopics(topicsOf(store.topics));
    const unsubscribeTopics = useLiveStore.subscribe((s, prev) => {
      if (s.topics !== prev.topics) conn.setTopics(topicsOf(s.topics));
    });
    const wake = () => conn.wake();
    const visible = () => {
      if (document.visibilityState === 'visible') conn.wake();
    };
    const offline = () => conn.offline();
    window.addEventListener('online', wake);
    window.addEventListener('offline', offline);
    document.addEventListener('visibilitychange', visible);
    const unsubscribeTokens = onTokens((tokens) => {
      if (tokens) conn.wake({ auth: true });
      else conn.stop();
    });
    store.setStatus('connecting');
    conn.start();
    return () => {
      unsubscribeTopics();
      unsubscribeTokens();
      window.removeEventListener('online', wake);
      window.removeEventListener('offline', offline);
      document.removeEventListener('visibilitychange', visible);
      handlers.dispose();
      conn.stop();
    };
  }, [qc]);
}
