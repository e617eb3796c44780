import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';

import { errorMessage, isApiError } from '@/lib/api-error';
import { toast } from '@/stores/toast-store';

const STALE_MESSAGE = 'Changed by someone else since you opened it.';

export const isStale = (e: unknown) => isApiError(e) && e.status === 412;

/**
 * Puts the API's field errors (`details`) on the form's fields (`aliases` maps an API field to a
 * form field of another name); what fits no field goes on `root`. A 412 sets nothing: the form
 * merges with the server's copy instead (features/projects/components/merge).
 */
export function showServerErrors<T extends FieldValues>(
  e: unknown,
  fields: readonly Path<T>[],
  setError: UseFormSetError<T>,
  aliases: Partial<Record<string, Path<T>>> = {},
) {
  if (isStale(e)) return;
  const found = isApiError(e) ? e.fieldErrors() : {};
  const known = (field: string) => (fields as readonly string[]).includes(field);
  const onFields: [Path<T>, string][] = [];
  const rest: string[] = [];
  for (const [apiField, message] of Object.entries(found)) {
    const field = aliases[apiField] ?? apiField;
    if (known(field)) onFields.push([field as Path<T>, message]);
    else rest.push(message);
  }
  for (const [field, message] of onFields) setError(field, { type: 'server', message });
  if (onFields.length === 0 || rest.length > 0) setError('root', { type: 'server', message: rest[0] ?? errorMessage(e) });
}

export function RootError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <p role="alert" className="rounded-md bg-danger/10 px-3 py-2 text-sm text-danger">
      {message}
    </p>
  );
}

/** The outcome of a one-click write that failed: a 412 offers Reload, anything else says why. */
export function writeFailedToast(e: unknown, onReload: () => void) {
  if (isStale(e)) toast(STALE_MESSAGE, { tone: 'error', durationMs: 10_000, action: { label: 'Reload', onAction: onReload } });
  else toast(errorMessage(e), { tone: 'error' });
}
