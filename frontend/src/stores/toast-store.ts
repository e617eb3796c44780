import { create } from 'zustand';

export type Toast = {
  id: number;
  message: string;
  tone: 'info' | 'success' | 'error';
  action?: { label: string; onAction: () => void };
  durationMs: number;
  /**
   * Called once when the toast goes, with why: its action was pressed, it was dismissed, it timed
   * out, or newer toasts pushed it out. An undo window acts on everything but 'action'.
   */
  onClose?: (reason: ToastCloseReason) => void;
};

export type ToastCloseReason = 'action' | 'dismiss' | 'timeout' | 'evicted';

type ToastState = {
  toasts: Toast[];
  push: (toast: Omit<Toast, 'id' | 'durationMs' | 'tone'> & Partial<Pick<Toast, 'durationMs' | 'tone'>>) => number;
  dismiss: (id: number, reason?: ToastCloseReason) => void;
};

let nextId = 1;

export const useToastStore = create<ToastState>()((set, get) => ({
  toasts: [],
  push: (toast) => {
    const id = nextId++;
    const evicted = get().toasts.slice(0, -4);
    set((s) => ({ toasts: [...s.toasts.slice(-4), { tone: 'info', durationMs: 5_000, ...toast, id }] }));
    for (const t of evicted) t.onClose?.('evicted');
    return id;
  },
  dismiss: (id, reason = 'dismiss') => {
    const gone = get().toasts.find((t) => t.id === id);
    if (!gone) return;
    set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
    gone.onClose?.(reason);
  },
}));

/** Show a toast from anywhere (mutations' onSuccess / onError). */
export const toast = (message: string, opts: Partial<Omit<Toast, 'id' | 'message'>> = {}) =>
  useToastStore.getState().push({ message, ...opts });
