/**
 * UI state of the live connection (server state stays in TanStack Query; the realtime feature
 * patches it). Pages declare the topics they show with `useLiveTopics`; the connection reads the
 * union. Values another user just changed are flashed for a moment (`useLiveFlash`); a project
 * deleted by someone else while on screen is remembered for its banner; bulk operations' progress
 * lands here for the bulk UI.
 */
import { useEffect, useState } from 'react';
import { create } from 'zustand';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

export type DeletedBy = { actor: string | null; at: string };

export type BulkProgress = {
  operationId: number;
  phase: string;
  processed: number;
  total: number;
  /** The `bulk.completed` event's metadata once the operation finished. */
  result?: Record<string, unknown>;
};

/** How long a changed value stays highlighted (the CSS fade runs as long). */
export const FLASH_MS = 2_000;

type LiveState = {
  status: LiveStatus;
  /** topic -> how many mounted components want it */
  topics: Record<string, number>;
  /** `project:{id}:{field}` / `milestone:{id}:{field}` / `member:{id}:{field}` -> when it changed */
  flashes: Record<string, number>;
  deleted: Record<number, DeletedBy>;
  bulk: Record<number, BulkProgress>;
  setStatus: (status: LiveStatus) => void;
  addTopics: (topics: string[]) => void;
  removeTopics: (topics: string[]) => void;
  flash: (keys: string[]) => void;
  markDeleted: (projectId: number, by: DeletedBy) => void;
  clearDeleted: (projectId: number) => void;
  bulkProgress: (progress: BulkProgress) => void;
};

export const useLiveStore = create<LiveState>()((set) => ({
  status: 'connecting',
  topics: {},
  flashes: {},
  deleted: {},
  bulk: {},
  setStatus: (status) => set({ status }),
  addTopics: (topics) =>
    set((s) => {
      const next = { ...s.topics };
      for (const t of topics) next[t] = (next[t] ?? 0) + 1;
      return { topics: next };
    }),
  removeTopics: (topics) =>
    set((s) => {
      const counts = { ...s.topics };
      for (const t of topics) counts[t] = (counts[t] ?? 0) - 1;
      return { topics: Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0)) };
    }),
  flash: (keys) =>
    set((s) => {
      if (keys.length === 0) return s;
      const now = Date.now();
      const flashes: Record<string, number> = {};
      // Old entries drop out as new ones come, so the map stays small.
      for (const [k, at] of Object.entries(s.flashes)) if (now - at < FLASH_MS) flashes[k] = at;
      for (const k of keys) flashes[k] = now;
      return { flashes };
    }),
  markDeleted: (projectId, by) => set((s) => ({ deleted: { ...s.deleted, [projectId]: by } })),
  clearDeleted: (projectId) =>
    set((s) => {
      if (!(projectId in s.deleted)) return s;
      return { deleted: Object.fromEntries(Object.entries(s.deleted).filter(([id]) => Number(id) !== projectId)) };
    }),
  bulkProgress: (progress) =>
    set((s) => ({ bulk: { ...s.bulk, [progress.operationId]: { ...s.bulk[progress.operationId], ...progress } } })),
}));

/** Subscribes the tab's connection to `topics` while the calling component is mounted. */
export function useLiveTopics(topics: string[]) {
  const addTopics = useLiveStore((s) => s.addTopics);
  const removeTopics = useLiveStore((s) => s.removeTopics);
  const key = [...new Set(topics)].sort().join(',');
  useEffect(() => {
    const list = key ? key.split(',') : [];
    addTopics(list);
    return () => removeTopics(list);
  }, [key, addTopics, removeTopics]);
}

/** The class that flashes a value someone else just changed (`live-flash` in index.css), else ''. */
export function useLiveFlash(key: string): string {
  const at = useLiveStore((s) => s.flashes[key]);
  const [over, setOver] = useState<number>();
  useEffect(() => {
    if (at === undefined) return;
    // Once the flash is over the class (and a reduced-motion tint) goes.
    const t = setTimeout(() => setOver(at), Math.max(0, at + FLASH_MS - Date.now()));
    return () => clearTimeout(t);
  }, [at]);
  // Alternating between two identical animations restarts the fade when the value changes again.
  return at !== undefined && over !== at ? `live-flash live-flash-${at % 2}` : '';
}

export const flashKey = (kind: 'project' | 'milestone' | 'member', id: number, field: string) => `${kind}:${id}:${field}`;
