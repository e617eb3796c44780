/**
 * What this tab may still undo (or, after an undo, redo): the last succeeded operation's `undo`
 * body, kept for the session (memory only: a reload forgets it, as the API's undo is about what
 * this user just did). `mode` is what running that body does: undo the edit, or redo it.
 */
import { create } from 'zustand';

import type { BulkRequest } from '../../api/bulk-types';

export type Undoable = { operationId: number; label: string; count: number; undo: BulkRequest; mode: 'undo' | 'redo' };

type BulkSession = { last: Undoable | null; remember: (u: Undoable | null) => void };

export const useBulkSession = create<BulkSession>()((set) => ({ last: null, remember: (last) => set({ last }) }));
