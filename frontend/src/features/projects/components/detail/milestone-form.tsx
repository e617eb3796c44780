import { zodResolver } from '@hookform/resolvers/zod';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm, type Path } from 'react-hook-form';
import { z } from 'zod';

import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import { CONTROL_CHARS_MESSAGE, hasControlChars } from '@/lib/control-chars';
import { humanize } from '@/lib/format';
import { toast } from '@/stores/toast-store';
import type { Member, Milestone, MilestoneInput, MilestoneStatus } from '@/types/models';

import { useCreateMilestone } from '../../api/create-milestone';
import { milestonesQueryOptions } from '../../api/get-project';
import { useUpdateMilestone, type MilestoneChanges } from '../../api/update-milestone';
import { isStale, RootError, showServerErrors, StaleNotice } from './write-errors';

export const MILESTONE_STATUSES = ['pending', 'in_progress', 'done', 'missed'] as const satisfies readonly MilestoneStatus[];

const percent = (what: string) =>
  z.number({ error: `Enter ${what} as a whole number.` }).int(`Enter ${what} as a whole number.`);

const schema = z
  .object({
    title: z
      .string()
      .trim()
      .min(1, 'Give the milestone a title.')
      .max(200, 'Use at most 200 characters.')
      .refine((v) => !hasControlChars(v), CONTROL_CHARS_MESSAGE),
    status: z.enum(MILESTONE_STATUSES),
    progress: percent('progress').min(0, 'Progress is from 0 to 100.').max(100, 'Progress is from 0 to 100.'),
    start_date: z.string(),
    due_date: z.string(),
    weight: percent('the weight').min(1, 'Weight is from 1 to 100.').max(100, 'Weight is from 1 to 100.'),
    assignee_id: z.string(),
  })
  .refine((v) => !v.start_date || !v.due_date || v.due_date >= v.start_date, { path: ['due_date'], message: 'The due date cannot be before the start date.' });
type Values = z.infer<typeof schema>;

const FIELDS = ['title', 'status', 'progress', 'start_date', 'due_date', 'weight', 'assignee_id'] as const satisfies readonly Path<Values>[];

const valuesOf = (m?: Milestone): Values => ({
  title: m?.title ?? '',
  status: m?.status ?? 'pending',
  progress: m?.progress ?? 0,
  start_date: m?.start_date ?? '',
  due_date: m?.due_date ?? '',
  weight: m?.weight ?? 1,
  assignee_id: m?.assignee ? String(m.assignee.id) : '',
});

/** Form values in the API's shape: empty dates and "nobody" are null. */
function toApi(field: (typeof FIELDS)[number], values: Values): MilestoneChanges[keyof MilestoneChanges] {
  if (field === 'start_date' || field === 'due_date') return values[field] || null;
  if (field === 'assignee_id') return values.assignee_id ? Number(values.assignee_id) : null;
  return values[field];
}

type Props = {
  projectId: number;
  members: Member[];
  /** Editing this one; creating when absent. */
  milestone?: Milestone;
  /** An assignee who is not an editor: status and progress only (SPEC §3). */
  limited?: boolean;
  onDone: () => void;
};

/**
 * Create (title, due date, weight, assignee) or edit (also status, progress, start date) a
 * milestone. An edit sends only the fields changed, with the milestone's ETag.
 */
export function MilestoneForm({ projectId, members, milestone: shown, limited = false, onDone }: Props) {
  // The copy the form started from: its ETag goes in If-Match, so a change that arrives meanwhile (live or
  // refetched) is a 412 to reload from, never silently overwritten, and the form is never reset under the user.
  const [milestone, setMilestone] = useState(shown);
  const qc = useQueryClient();
  const create = useCreateMilestone(projectId);
  const update = useUpdateMilestone(projectId);
  const { register, handleSubmit, setError, reset, formState } = useForm<Values>({ resolver: zodResolver(schema), defaultValues: valuesOf(milestone) });
  const { errors, isSubmitting, dirtyFields } = formState;
  const editing = Boolean(milestone);
  const label = milestone ? `Edit ${milestone.title}` : 'New milestone';

  const onSubmit = handleSubmit((values) => {
    if (!milestone) {
      const input: MilestoneInput = { title: values.title, weight: values.weight, due_date: values.due_date || null, assignee_id: values.assignee_id ? Number(values.assignee_id) : null };
      return create.mutateAsync(input).then(
        (m) => {
          toast(`Added “${m.title}”`, { tone: 'success' });
          onDone();
        },
        (e: unknown) => showServerErrors(e, FIELDS, setError),
      );
    }
    const changes: Record<string, unknown> = {};
    for (const field of FIELDS) if (dirtyFields[field]) changes[field] = toApi(field, values);
    if (Object.keys(changes).length === 0) return onDone();
    return update.mutateAsync({ milestone, changes: changes as MilestoneChanges }).then(
      (m) => {
        toast(`Saved “${m.title}”`, { tone: 'success' });
        onDone();
      },
      (e: unknown) => showServerErrors(e, FIELDS, setError),
    );
  });

  const reload = async () => {
    const fresh = await qc.fetchQuery({ ...milestonesQueryOptions(projectId), staleTime: 0 });
    const current = fresh.results.find((m) => m.id === milestone?.id);
    update.reset();
    if (!current) {
      toast('That milestone was deleted by someone else.', { tone: 'info' });
      return onDone();
    }
    setMilestone(current);
    reset(valuesOf(current));
  };

  return (
    // eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions -- Esc from any field inside cancels the edit
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label={label}
      className="flex flex-col gap-3 rounded-md border border-line bg-bg p-3"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onDone();
        }
      }}
    >
      {!limited && (
        // eslint-disable-next-line jsx-a11y/no-autofocus -- the form was opened on purpose; typing starts at its first field
        <TextField label="Title" autoFocus maxLength={200} required error={errors.title?.message} {...register('title')} />
      )}
      <div className="grid grid-cols-1 gap-3 min-[420px]:grid-cols-2">
        {editing && (
          <SelectField label="Status" error={errors.status?.message} {...register('status')}>
            {MILESTONE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </SelectField>
        )}
        {editing && (
          <TextField
            label="Progress (%)"
            type="number"
            inputMode="numeric"
            min={0}
            max={100}
            error={errors.progress?.message}
            {...register('progress', { valueAsNumber: true })}
          />
        )}
        {editing && !limited && <TextField label="Start date" type="date" error={errors.start_date?.message} {...register('start_date')} />}
        {!limited && <TextField label="Due date" type="date" error={errors.due_date?.message} {...register('due_date')} />}
        {!limited && (
          <TextField
            label="Weight"
            type="number"
            inputMode="numeric"
            min={1}
            max={100}
            hint="How much it counts towards the project’s progress."
            error={errors.weight?.message}
            {...register('weight', { valueAsNumber: true })}
          />
        )}
        {!limited && (
          <SelectField label="Assignee" hint="Someone on the team." error={errors.assignee_id?.message} {...register('assignee_id')}>
            <option value="">Nobody</option>
            {members.map((m) => (
              <option key={m.user.id} value={String(m.user.id)}>
                {m.user.name}
              </option>
            ))}
          </SelectField>
        )}
      </div>
      {isStale(update.error) && <StaleNotice onReload={reload} />}
      <RootError message={errors.root?.message} />
      <div className="flex justify-end gap-2">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" loading={isSubmitting}>
          {editing ? 'Save milestone' : 'Add milestone'}
        </Button>
      </div>
    </form>
  );
}
