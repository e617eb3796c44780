import { beforeEach, describe, expect, it, vi } from 'vitest';

import { toast, useToastStore } from './toast-store';

beforeEach(() => useToastStore.setState({ toasts: [] }));

describe('toast store', () => {
  it('tells a toast why it closed, once', () => {
    const onClose = vi.fn();
    const id = toast('Deleted', { onClose });
    useToastStore.getState().dismiss(id, 'action');
    useToastStore.getState().dismiss(id, 'timeout');
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(onClose).toHaveBeenCalledWith('action');
  });

  it('dismissing defaults to "dismiss"', () => {
    const onClose = vi.fn();
    useToastStore.getState().dismiss(toast('Deleted', { onClose }));
    expect(onClose).toHaveBeenCalledWith('dismiss');
  });

  it('keeps five and tells the one pushed out', () => {
    const onClose = vi.fn();
    toast('first', { onClose });
    for (const n of [2, 3, 4, 5]) toast(`toast ${n}`);
    expect(onClose).not.toHaveBeenCalled();
    toast('sixth');
    expect(onClose).toHaveBeenCalledWith('evicted');
    expect(useToastStore.getState().toasts.map((t) => t.message)).toEqual(['toast 2', 'toast 3', 'toast 4', 'toast 5', 'sixth']);
  });
});
