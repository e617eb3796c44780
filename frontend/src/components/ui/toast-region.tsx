import { useEffect } from 'react';

import { cn } from '@/lib/cn';
import { useToastStore, type Toast } from '@/stores/toast-store';

function ToastItem({ toast }: { toast: Toast }) {
  const dismiss = useToastStore((s) => s.dismiss);
  useEffect(() => {
    const t = setTimeout(() => dismiss(toast.id, 'timeout'), toast.durationMs);
    return () => clearTimeout(t);
  }, [toast.id, toast.durationMs, dismiss]);
  return (
    <li
      className={cn(
        'pointer-events-auto flex items-center gap-3 rounded-lg border border-line bg-surface-raised px-4 py-3 text-sm shadow-lg',
        toast.tone === 'error' && 'border-danger/50',
      )}
    >
      <span className="flex-1">{toast.message}</span>
      {toast.action && (
        <button
          type="button"
          className="font-medium text-accent hover:underline"
          onClick={() => {
            toast.action?.onAction();
            dismiss(toast.id, 'action');
          }}
        >
          {toast.action.label}
        </button>
      )}
      <button type="button" aria-label="Dismiss" className="text-fg-subtle hover:text-fg" onClick={() => dismiss(toast.id)}>
        ×
      </button>
    </li>
  );
}

/** Live region for toasts: polite, so a screen reader finishes what it was saying first. */
export function ToastRegion() {
  const toasts = useToastStore((s) => s.toasts);
  return (
    <div aria-live="polite" aria-relevant="additions" className="pointer-events-none fixed inset-x-0 bottom-4 z-50 flex justify-center px-4 sm:justify-end">
      <ul className="flex w-full max-w-sm flex-col gap-2">
        {toasts.map((t) => (
          <ToastItem key={t.id} toast={t} />
        ))}
      </ul>
    </div>
  );
}
