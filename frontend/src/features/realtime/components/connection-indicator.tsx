import { useEffect, useState } from 'react';

import { cn } from '@/lib/cn';
import { useLiveStore, type LiveStatus } from '@/stores/live-store';

const LABELS: Record<LiveStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

const ANNOUNCEMENTS: Partial<Record<LiveStatus, string>> = {
  live: 'Live updates connected.',
  reconnecting: 'Live updates lost; reconnecting.',
  offline: 'Live updates are offline.',
};

/**
 * The state of the live connection, read out once per change (a polite live region), not on every
 * retry: the state stays "reconnecting" across attempts, and the first connect is not news.
 * Mount once; the visible indicators carry no live region of their own.
 */
export function ConnectionAnnouncer() {
  const status = useLiveStore((s) => s.status);
  const [announced, setAnnounced] = useState<{ status: LiveStatus; text: string }>({ status, text: '' });
  if (announced.status !== status) {
    const firstConnect = announced.status === 'connecting' && status === 'live';
    setAnnounced({ status, text: firstConnect ? '' : (ANNOUNCEMENTS[status] ?? '') });
  }
  // The words clear after a while, so the region does not hold stale news.
  useEffect(() => {
    if (!announced.text) return;
    const t = setTimeout(() => setAnnounced((a) => ({ ...a, text: '' })), 10_000);
    return () => clearTimeout(t);
  }, [announced.text]);
  return (
    <div role="status" aria-live="polite" className="sr-only" data-testid="live-announcer">
      {announced.text}
    </div>
  );
}

/** Live / reconnecting / offline: a dot and a word, in the header. */
export function ConnectionIndicator({ className }: { className?: string }) {
  const status = useLiveStore((s) => s.status);
  return (
    <div className={cn('flex items-center gap-1.5 text-xs text-fg-muted', className)} data-testid="live-status" data-status={status} title="Live updates">
      <span
        aria-hidden
        className={cn(
          'inline-block size-2 rounded-full',
          status === 'live' && 'bg-success',
          (status === 'reconnecting' || status === 'connecting') && 'bg-warning',
          status === 'offline' && 'bg-fg-subtle',
        )}
      />
      <span>
        <span className="sr-only">Live updates: </span>
        {LABELS[status]}
      </span>
    </div>
  );
}
