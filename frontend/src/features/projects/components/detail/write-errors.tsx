import { useState } from 'react';
import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';

import { Button } from '@/components/ui/button';
import { errorMessage, isApiError } from '@/lib/api-error';
import { toast } from '@/stores/toast-store';

export const STALE_MESSAGE = 'Changed by someone else since you opened it.';

export const isStale = (e: unknown) => isApiError(e) && e.status === 412;

/**
 * Puts the API's field errors (`details`) on the form's fields; what fits no field goes on `root`.
 * A 412 sets nothing: the form shows <StaleNotice> from the mutation's error instead.
 */
export function showServerErrors<T extends FieldValues>(e: unknown, fields: readonly Path<T>[], setError: UseFormSetError<T>) {
  if (isStale(e)) return;
  const found = isApiError(e) ? e.fieldErrors() : {};
  const onFields = Object.entries(found).filter(([field]) => (fields as readonly string[]).includes(field));
  for (const [field, message] of onFields) setError(field as Path<T>, { type: 'server', message });
  const rest = Object.entries(found).filter(([field]) => field !== 'root' && !(fields as readonly string[]).includes(field));
  if (onFields.length === 0 || found.root || rest.length > 0) {
    setError('root', { type: 'server', message: found.root ?? rest[0]?.[1] ?? errorMessage(e) });
  }
}

export function RootError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <p role="alert" className="rounded-md bg-danger/10 px-3 py-2 text-sm text-danger">
      {message}
    </p>
  );
}

/** A 412 on a form: say so and offer the latest copy; the merge dialog comes later (SPEC §8). */
export function StaleNotice({ onReload }: { onReload: () => unknown }) {
  const [reloading, setReloading] = useState(false);
  return (
    <div role="alert" className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-warning/60 bg-warning/10 px-3 py-2 text-sm">
      <span>{STALE_MESSAGE} Reload to see the latest, then make your change again.</span>
      <Button
        size="sm"
        loading={reloading}
        onClick={async () => {
          setReloading(true);
          try {
            await onReload();
          } catch (e) {
            toast(errorMessage(e), { tone: 'error' });
          } finally {
            setReloading(false);
          }
        }}
      >
        Reload
      </Button>
    </div>
  );
}

/** The outcome of a one-click write that failed: a 412 offers Reload, anything else says why. */
export function writeFailedToast(e: unknown, onReload: () => void) {
  if (isStale(e)) toast(STALE_MESSAGE, { tone: 'error', durationMs: 10_000, action: { label: 'Reload', onAction: onReload } });
  else toast(errorMessage(e), { tone: 'error' });
}
