import { zodResolver } from '@hookform/resolvers/zod';
import { useEffect, useRef, type BaseSyntheticEvent, type KeyboardEvent, type ReactNode } from 'react';
import { Controller, useForm, type UseFormReturn } from 'react-hook-form';
import { Link, useBlocker } from 'react-router';

import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { TextareaField, TextField } from '@/components/ui/field';
import { PersonPicker, type Person } from '@/features/people';
import { TagPicker } from '@/features/tags';
import { errorMessage, isApiError } from '@/lib/api-error';
import { formatPercent } from '@/lib/format';

import { withNote } from '../merge/use-field-merge';
import {
  FORM_FIELDS,
  formFieldOf,
  projectFormSchema,
  type projectEditSchema,
  TITLE_MAX,
  type FormField,
  type ProjectFormInput,
  type ProjectFormValues,
} from './project-form-schema';

export type ProjectForm = UseFormReturn<ProjectFormInput, unknown, ProjectFormValues>;

export function useProjectForm(defaultValues: ProjectFormInput, schema: typeof projectFormSchema | typeof projectEditSchema = projectFormSchema): ProjectForm {
  return useForm<ProjectFormInput, unknown, ProjectFormValues>({ resolver: zodResolver(schema), defaultValues });
}

function firstMessage(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(firstMessage).find(Boolean);
  if (value && typeof value === 'object') return Object.values(value).map(firstMessage).find(Boolean);
  return undefined;
}

/**
 * Puts a failed save's errors where they belong: each of the API's `details` on its field (the
 * first of them focused), anything else above the form. A 412 is the caller's to show (`'stale'`).
 */
export function showServerErrors(e: unknown, form: ProjectForm): 'stale' | 'shown' {
  if (isApiError(e) && e.status === 412) return 'stale';
  const message = statusMessage(e);
  if (message) {
    form.setError('root', { message });
    return 'shown';
  }
  const onFields: [FormField, string][] = [];
  const elsewhere: string[] = [];
  for (const [apiField, value] of Object.entries(isApiError(e) ? e.details : {})) {
    const text = firstMessage(value);
    const field = formFieldOf(apiField);
    if (text && field) onFields.push([field, text]);
    else if (text) elsewhere.push(text);
  }
  onFields.sort(([a], [b]) => FORM_FIELDS.indexOf(a) - FORM_FIELDS.indexOf(b));
  onFields.forEach(([field, text], i) => form.setError(field, { type: 'server', message: text }, { shouldFocus: i === 0 }));
  if (elsewhere.length || onFields.length === 0) form.setError('root', { message: elsewhere.join(' ') || errorMessage(e) });
  return 'shown';
}

/** A sentence for the statuses that are about the whole save rather than a field. */
function statusMessage(e: unknown): string | undefined {
  if (!isApiError(e)) return errorMessage(e);
  switch (e.status) {
    case 428:
      return 'Pulse refused the save because it did not say which version it was based on. Reload the page and try again.';
    case 403:
      return e.message || 'You may not edit this project.';
    case 404:
      return 'This project no longer exists, or you no longer have access to it. It may have been deleted.';
    default:
      return undefined;
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

/**
 * Asks before leaving a form with unsaved changes: a dialog for moves inside the app, the browser's
 * own prompt for closing or reloading the tab. `allowLeave` lets a successful save navigate away.
 */
export function useLeaveGuard(dirty: boolean) {
  const allowed = useRef(false);
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && !allowed.current && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);
  const dialog = (
    <Dialog
      open={blocker.state === 'blocked'}
      onClose={() => blocker.reset?.()}
      title="Discard unsaved changes?"
      description="You changed this form without saving. Leaving now loses those changes."
      footer={
        <>
          <Button onClick={() => blocker.reset?.()}>Keep editing</Button>
          <Button variant="danger" onClick={() => blocker.proceed?.()}>
            Discard changes
          </Button>
        </>
      }
    >
      {null}
    </Dialog>
  );
  return {
    dialog,
    allowLeave: () => {
      allowed.current = true;
    },
  };
}

/** What handing the project over means, said before Save rather than found out after. */
function OwnerHint({ owner, picked }: { owner: Person; picked: Person | null }) {
  if (!picked || picked.id === owner.id)
    return <>Only the owner and staff can hand the project to someone else. Search by name or email; someone new: their full email address.</>;
  return (
    <span className="text-fg">
      Saving hands the project from {owner.name} to {picked.name}, who joins the team as a lead if not already on it. Then only they and staff can
      delete it or hand it on.
    </span>
  );
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

type ProjectFormShellProps = {
  form: ProjectForm;
  label: string;
  onSubmit: (e?: BaseSyntheticEvent) => Promise<void>;
  submitLabel: string;
  cancelTo: string;
  /** Edit only: a project with milestones has its progress worked out from them. */
  derivedProgress?: number;
  /** Edit only, for those who may hand the project over: its owner now (the Owner field is offered). */
  owner?: Person;
  /** Shown above the fields (e.g. the "changed by someone else" banner). */
  notice?: ReactNode;
  submitDisabled?: boolean;
  /** Edit only: fields a newer copy (live or refetched) changed since the form opened, with their new value. */
  elsewhere?: Partial<Record<FormField, string>>;
};

/** The fields of a project, their errors, and Save / Cancel; Ctrl/Cmd+Enter saves from anywhere in it. */
export function ProjectFormShell({ form, label, onSubmit, submitLabel, cancelTo, derivedProgress, owner, notice, submitDisabled, elsewhere = {} }: ProjectFormShellProps) {
  const { register, control, formState, watch } = form;
  const { errors, isSubmitting } = formState;
  const startDate = watch('start_date');
  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey)) return;
    e.preventDefault();
    if (!isSubmitting && !submitDisabled) void onSubmit();
  };
  return (
    // The form is a landmark of its own; the shortcut is announced on the Save button.
    // eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions
    <form aria-label={label} noValidate onSubmit={(e) => void onSubmit(e)} onKeyDown={onKeyDown} className="flex flex-col gap-4">
      {notice}
      <RootError message={errors.root?.message} />
      <TextField label="Title" autoComplete="off" hint={withNote(`Up to ${TITLE_MAX} characters; no two live projects share a title.`, elsewhere.title)} error={errors.title?.message} {...register('title')} />
      <TextareaField label="Description" rows={5} hint={withNote('Plain text; line breaks are kept.', elsewhere.description)} error={errors.description?.message} {...register('description')} />
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <TextField label="Start date" type="date" hint={withNote(undefined, elsewhere.start_date)} error={errors.start_date?.message} {...register('start_date')} />
        <TextField label="Due date" type="date" min={startDate || undefined} hint={withNote('On or after the start date.', elsewhere.due_date)} error={errors.due_date?.message} {...register('due_date')} />
      </div>
      {derivedProgress === undefined ? (
        <TextField
          label="Progress (%)"
          type="number"
          inputMode="numeric"
          min={0}
          max={100}
          step={1}
          className="sm:max-w-sm"
          hint={withNote('Set by hand until the project has milestones; then it follows them.', elsewhere.progress)}
          error={errors.progress?.message}
          {...register('progress', { valueAsNumber: true })}
        />
      ) : (
        <div className="flex flex-col gap-1">
          <span className="text-xs font-medium text-fg-muted">Progress</span>
          <p className="text-sm">
            {formatPercent(derivedProgress)} <span className="text-fg-muted">· worked out from the project's milestones</span>
          </p>
        </div>
      )}
      <Controller
        control={control}
        name="tags"
        render={({ field, fieldState }) => (
          <TagPicker ref={field.ref} value={field.value} onChange={field.onChange} onBlur={field.onBlur} error={fieldState.error?.message} hint={withNote(undefined, elsewhere.tags)} />
        )}
      />
      {owner && (
        <Controller
          control={control}
          name="owner"
          render={({ field, fieldState }) => (
            <PersonPicker
              ref={field.ref}
              label="Owner"
              name={field.name}
              value={field.value}
              onChange={field.onChange}
              onBlur={field.onBlur}
              error={fieldState.error?.message}
              required
              className="sm:max-w-md"
              hint={withNote(<OwnerHint owner={owner} picked={field.value} />, elsewhere.owner)}
            />
          )}
        />
      )}
      <div className="flex flex-col-reverse gap-2 border-t border-line pt-4 sm:flex-row sm:items-center sm:justify-end">
        <p id="project-form-shortcut" className="text-xs text-fg-subtle sm:mr-auto">
          {isMac ? '⌘' : 'Ctrl'}+Enter saves
        </p>
        <Link
          to={cancelTo}
          className="inline-flex h-9 items-center justify-center rounded-md px-3.5 text-sm font-medium text-fg-muted hover:bg-subtle hover:text-fg focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent"
        >
          Cancel
        </Link>
        <Button type="submit" variant="primary" loading={isSubmitting} disabled={submitDisabled} aria-describedby="project-form-shortcut">
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
