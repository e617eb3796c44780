import { create } from 'zustand';

export type Toast = {
  id: number;
  message: string;
  tone: 'info' | 'success' | 'error';
  action?: { label: string; onAction: () => void };
  durationMs: number;
};

type ToastState = {
  toasts: Toast[];
  push: (toast: Omit<Toast, 'id' | 'durationMs' | 'tone'> & Partial<Pick<Toast, 'durationMs' | 'tone'>>) => number;
  dismiss: (id: number) => void;
};

let nextId = 1;

export const useToastStore = create<ToastState>()((set) => ({
  toasts: [],
  push: (toast) => {
    const id = nextId++;
    set((s) => ({ toasts: [...s.toasts.slice(-4), { tone: 'info', durationMs: 5_000, ...toast, id }] }));
    return id;
  },
  dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
}));

/** Show a toast from anywhere (mutations' onSuccess / onError). */
export const toast = (message: string, opts: Partial<Omit<Toast, 'id' | 'message'>> = {}) =>
  useToastStore.getState().push({ message, ...opts });
