import { zodResolver } from '@hookform/resolvers/zod';
import { useForm, type FieldValues, type Path, type UseFormSetError } from 'react-hook-form';
import { z } from 'zod';

import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { Panel } from '@/components/ui/panel';
import { ErrorState, Skeleton } from '@/components/ui/states';
import { env } from '@/config/env';
import { useMe } from '@/features/auth';
import { errorMessage, isApiError } from '@/lib/api-error';
import { CONTROL_CHARS_MESSAGE, hasControlChars } from '@/lib/control-chars';
import { formatDate } from '@/lib/format';
import { NOTIFICATION_KINDS, notificationKinds } from '@/lib/notification-kinds';
import { useDocumentTitle } from '@/lib/use-document-title';
import { toast } from '@/stores/toast-store';
import type { Me, NotificationKind } from '@/types/models';

import { isMe, useChangePassword, useUpdateMe, type MeChanges } from '../api/update-me';

const STALE = 'Your profile changed somewhere else since this page loaded. Check the fields, then save again to keep these values.';

/**
 * Puts the server's field errors on the form's fields; anything else goes on `root`. On a 412,
 * `onStale` first gets the server's current copy, to merge in what was not typed here.
 */
function showServerErrors<T extends FieldValues>(e: unknown, fields: readonly string[], setError: UseFormSetError<T>, onStale?: (current: Me) => void) {
  if (isApiError(e) && e.status === 412) {
    if (onStale && isMe(e.current)) onStale(e.current);
    setError('root', { message: STALE });
    return;
  }
  const found = isApiError(e) ? e.fieldErrors() : {};
  const onFields = Object.entries(found).filter(([field]) => fields.includes(field));
  for (const [field, message] of onFields) setError(field as Path<T>, { message });
  if (onFields.length === 0) setError('root', { message: found.root ?? errorMessage(e) });
}

function RootError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <p role="alert" className="rounded-md bg-danger/10 px-3 py-2 text-sm text-danger">
      {message}
    </p>
  );
}

// --------------------------------------------------------------- details

const detailsSchema = z.object({
  display_name: z.string().trim().max(150, 'Use at most 150 characters.').refine((v) => !hasControlChars(v), CONTROL_CHARS_MESSAGE),
  first_name: z.string().trim().max(150, 'Use at most 150 characters.').refine((v) => !hasControlChars(v), CONTROL_CHARS_MESSAGE),
  last_name: z.string().trim().max(150, 'Use at most 150 characters.').refine((v) => !hasControlChars(v), CONTROL_CHARS_MESSAGE),
  email: z.string().trim().min(1, 'Enter your email address.').refine((v) => !hasControlChars(v), CONTROL_CHARS_MESSAGE).pipe(z.email('Enter a valid email address.')),
});
type Details = z.infer<typeof detailsSchema>;
const DETAIL_FIELDS = ['display_name', 'first_name', 'last_name', 'email'] as const;

const detailsOf = (me: Me): Details => ({ display_name: me.display_name, first_name: me.first_name, last_name: me.last_name, email: me.email });

function DetailsForm({ me }: { me: Me }) {
  const update = useUpdateMe(me);
  const { register, handleSubmit, setError, reset, formState } = useForm<Details>({ resolver: zodResolver(detailsSchema), defaultValues: detailsOf(me) });
  const { errors, isDirty, dirtyFields, isSubmitting } = formState;
  const onSubmit = handleSubmit((values) => {
    const changes: MeChanges = {};
    for (const field of DETAIL_FIELDS) if (dirtyFields[field]) changes[field] = values[field];
    return update.mutateAsync(changes).then(
      (updated) => {
        reset(detailsOf(updated));
        toast('Profile saved', { tone: 'success' });
      },
      (e: unknown) => showServerErrors(e, DETAIL_FIELDS, setError, (current) => reset(detailsOf(current), { keepDirtyValues: true })),
    );
  });
  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-3" aria-label="Profile details">
      <p className="text-sm text-fg-muted">
        Signed in as <span className="font-medium text-fg">{me.username}</span>
      </p>
      <TextField
        label="Display name"
        autoComplete="nickname"
        hint="Shown to your teammates; when empty, your full name (or else your username) is."
        error={errors.display_name?.message}
        {...register('display_name')}
      />
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <TextField label="First name" autoComplete="given-name" error={errors.first_name?.message} {...register('first_name')} />
        <TextField label="Last name" autoComplete="family-name" error={errors.last_name?.message} {...register('last_name')} />
      </div>
      <TextField label="Email" type="email" autoComplete="email" error={errors.email?.message} {...register('email')} />
      <RootError message={errors.root?.message} />
      <div className="flex justify-end">
        <Button type="submit" variant="primary" loading={isSubmitting} disabled={!isDirty}>
          Save profile
        </Button>
      </div>
    </form>
  );
}

// --------------------------------------------------------------- email opt-outs

type EmailPrefs = { subscribed: NotificationKind[] };
const prefsOf = (me: Me): EmailPrefs => ({ subscribed: notificationKinds.filter((k) => !me.email_opt_out.includes(k)) });

function EmailForm({ me }: { me: Me }) {
  const update = useUpdateMe(me);
  const { register, handleSubmit, setError, reset, formState } = useForm<EmailPrefs>({ defaultValues: prefsOf(me) });
  const { errors, isDirty, isSubmitting } = formState;
  const onSubmit = handleSubmit(({ subscribed }) =>
    update.mutateAsync({ email_opt_out: notificationKinds.filter((k) => !subscribed.includes(k)) }).then(
      (updated) => {
        reset(prefsOf(updated));
        toast('Email preferences saved', { tone: 'success' });
      },
      (e: unknown) => showServerErrors(e, [], setError, (current) => reset(prefsOf(current), { keepDirtyValues: true })),
    ),
  );
  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-3" aria-label="Email notifications">
      <fieldset className="flex flex-col gap-2">
        <legend className="mb-2 text-sm text-fg-muted">Email me when… (you always see them under Notifications)</legend>
        {notificationKinds.map((kind) => (
          <label key={kind} className="flex items-start gap-2.5 rounded-md px-1 py-1 hover:bg-subtle">
            <input type="checkbox" value={kind} className="mt-0.5 size-4 accent-accent" {...register('subscribed')} />
            <span className="flex flex-col">
              <span className="text-sm">{NOTIFICATION_KINDS[kind].label}</span>
              <span className="text-xs text-fg-muted">{NOTIFICATION_KINDS[kind].description}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <RootError message={errors.root?.message} />
      <div className="flex justify-end">
        <Button type="submit" variant="primary" loading={isSubmitting} disabled={!isDirty}>
          Save email preferences
        </Button>
      </div>
    </form>
  );
}

// --------------------------------------------------------------- password

const passwordSchema = z
  .object({
    current_password: z.string().min(1, 'Enter your current password.'),
    new_password: z.string().min(8, 'Use at least 8 characters.'),
    confirm: z.string().min(1, 'Type the new password again.'),
  })
  .refine((v) => v.confirm === v.new_password, { path: ['confirm'], message: 'The passwords do not match.' });
type Passwords = z.infer<typeof passwordSchema>;
const PASSWORD_FIELDS = ['current_password', 'new_password'] as const;
const noPasswords: Passwords = { current_password: '', new_password: '', confirm: '' };

function PasswordForm({ me }: { me: Me }) {
  const change = useChangePassword(me);
  const { register, handleSubmit, setError, reset, formState } = useForm<Passwords>({ resolver: zodResolver(passwordSchema), defaultValues: noPasswords });
  const { errors, isSubmitting } = formState;
  const onSubmit = handleSubmit(({ current_password, new_password }) =>
    change.mutateAsync({ current_password, new_password }).then(
      ({ signedIn }) => {
        if (!signedIn) return;
        reset(noPasswords);
        toast('Password changed. Your other sessions were signed out.', { tone: 'success' });
      },
      (e: unknown) => showServerErrors(e, PASSWORD_FIELDS, setError),
    ),
  );
  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-3" aria-label="Change password">
      <p className="text-sm text-fg-muted">Changing it signs out every other browser and device; this one stays signed in.</p>
      <TextField label="Current password" type="password" autoComplete="current-password" error={errors.current_password?.message} {...register('current_password')} />
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          hint="At least 8 characters, not only digits, not a common password."
          error={errors.new_password?.message}
          {...register('new_password')}
        />
        <TextField label="Confirm new password" type="password" autoComplete="new-password" error={errors.confirm?.message} {...register('confirm')} />
      </div>
      <RootError message={errors.root?.message} />
      <div className="flex justify-end">
        <Button type="submit" variant="primary" loading={isSubmitting}>
          Change password
        </Button>
      </div>
    </form>
  );
}

// --------------------------------------------------------------- page

function ProfileSkeleton() {
  return (
    <div role="status" className="flex flex-col gap-4">
      <span className="sr-only">Loading your profile…</span>
      {[0, 1, 2].map((i) => (
        <div key={i} className="flex flex-col gap-3 rounded-lg border border-line bg-surface p-4">
          <Skeleton className="h-4 w-32" />
          <Skeleton className="h-9 w-full" />
          <Skeleton className="h-9 w-full" />
        </div>
      ))}
    </div>
  );
}

export function ProfilePage() {
  useDocumentTitle('Profile');
  const query = useMe();
  return (
    <div className="flex w-full max-w-2xl flex-col gap-4">
      <div>
        <h1 className="text-lg font-semibold">Profile</h1>
        <p className="text-xs text-fg-muted">{query.data ? `${query.data.name} · ${query.data.email}` : '\u00a0'}</p>
      </div>
      {query.isPending ? (
        <ProfileSkeleton />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} title="Could not load your profile" />
      ) : (
        <>
          <Panel title="Details">
            <DetailsForm me={query.data} />
          </Panel>
          <Panel title="Email notifications">
            <EmailForm me={query.data} />
          </Panel>
          <Panel title="Password">
            <PasswordForm me={query.data} />
          </Panel>
          <Panel title="About">
            <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
              <dt className="text-fg-muted">Member since</dt>
              <dd>{formatDate(query.data.date_joined)}</dd>
              <dt className="text-fg-muted">Pulse version</dt>
              <dd className="font-mono text-xs leading-5">{env.version}</dd>
            </dl>
          </Panel>
        </>
      )}
    </div>
  );
}
