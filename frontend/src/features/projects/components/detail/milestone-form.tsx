import { zodResolver } from '@hookform/resolvers/zod';
import { useQueryClient } from '@tanstack/react-query';
import { useForm, type Path } from 'react-hook-form';
import { z } from 'zod';

import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import { formatValue } from '@/lib/activity-format';
import { isApiError } from '@/lib/api-error';
import { CONTROL_CHARS_MESSAGE, hasControlChars } from '@/lib/control-chars';
import { formatPercent, humanize } from '@/lib/format';
import { toast } from '@/stores/toast-store';
import type { Member, Milestone, MilestoneInput, MilestoneStatus } from '@/types/models';

import { useCreateMilestone } from '../../api/create-milestone';
import { milestonesQueryOptions } from '../../api/get-project';
import { useUpdateMilestone, type MilestoneChanges } from '../../api/update-milestone';
import { changedFields, type Values as MergeValues } from '../merge/merge';
import { MergeDialog, type MergeFieldSpec } from '../merge/merge-dialog';
import { changerOf } from '../merge/stale-write';
import { useFieldMerge, withNote } from '../merge/use-field-merge';
import { isStale, RootError, showServerErrors } from './write-errors';

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

/** A stand-in copy for the create form, which has nothing to merge. */
const valuesOfNew = { version: 0, etag: '' };

const valuesOf = (m?: Milestone): Values => ({
  title: m?.title ?? '',
  status: m?.status ?? 'pending',
  progress: m?.progress ?? 0,
  start_date: m?.start_date ?? '',
  due_date: m?.due_date ?? '',
  weight: m?.weight ?? 1,
  assignee_id: m?.assignee ? String(m.assignee.id) : '',
});

const isMilestone = (v: unknown): v is Milestone => typeof v === 'object' && v !== null && 'etag' in v && 'weight' in v && 'version' in v;

function mergeSpecs(members: Member[]): MergeFieldSpec[] {
  const people = new Map(members.map((m) => [m.user.id, m.user.name]));
  const day = (field: string) => (v: unknown) => formatValue(field, v, people);
  const percent = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? formatPercent(v) : '—');
  return [
    { field: 'title', label: 'Title', format: (v) => formatValue('title', v, people), editor: { kind: 'text' } },
    { field: 'status', label: 'Status', format: (v) => humanize(String(v)), editor: { kind: 'select', options: MILESTONE_STATUSES.map((s) => ({ value: s, label: humanize(s) })) } },
    { field: 'progress', label: 'Progress', format: percent, editor: { kind: 'number', min: 0, max: 100 } },
    { field: 'start_date', label: 'Start date', format: day('start_date'), editor: { kind: 'date' } },
    { field: 'due_date', label: 'Due date', format: day('due_date'), editor: { kind: 'date' } },
    { field: 'weight', label: 'Weight', format: (v) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : '—'), editor: { kind: 'number', min: 1, max: 100 } },
    {
      field: 'assignee_id',
      label: 'Assignee',
      format: (v) => (v ? (people.get(Number(v)) ?? `person #${String(v)}`) : 'Nobody'),
      editor: { kind: 'select', options: [{ value: '', label: 'Nobody' }, ...members.map((m) => ({ value: String(m.user.id), label: m.user.name }))] },
    },
  ];
}

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
export function MilestoneForm({ projectId, members, milestone, limited = false, onDone }: Props) {
  const qc = useQueryClient();
  const create = useCreateMilestone(projectId);
  const update = useUpdateMilestone(projectId);
  const { register, handleSubmit, setError, setValue, formState } = useForm<Values>({ resolver: zodResolver(schema), defaultValues: valuesOf(milestone) });
  const { errors, isSubmitting } = formState;
  const editing = Boolean(milestone);
  const label = milestone ? `Edit ${milestone.title}` : 'New milestone';
  // What this form may change: an assignee who is not an editor only moves status and progress.
  const fields = limited ? (['status', 'progress'] as const) : FIELDS;
  const specs = mergeSpecs(members);
  const merge = useFieldMerge({ latest: milestone ?? valuesOfNew, fields, valuesOf: (m) => valuesOf(m as Milestone) });
  const note = (field: (typeof FIELDS)[number]) => {
    const value = merge.elsewhere[field as (typeof fields)[number]];
    return value === undefined ? undefined : specs.find((s) => s.field === field)?.format(value);
  };

  const latestCopy = async (): Promise<Milestone | undefined> => {
    const fresh = await qc.fetchQuery({ ...milestonesQueryOptions(projectId), staleTime: 0 });
    return fresh.results.find((m) => m.id === milestone?.id);
  };

  const saveMerged = (theirs: Milestone, values: MergeValues) => {
    merge.settle(theirs);
    for (const field of fields) setValue(field, values[field] as never, { shouldDirty: true });
    void submitAgainst(theirs)();
  };

  const submitAgainst = (against: Milestone | undefined) =>
    handleSubmit(async (values) => {
      if (!against) {
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
      for (const field of changedFields(fields, valuesOf(against), values)) changes[field] = toApi(field, values);
      if (Object.keys(changes).length === 0) return onDone();
      try {
        const m = await update.mutateAsync({ milestone: against, changes: changes as MilestoneChanges });
        toast(merge.merged() ? `Saved “${m.title}”, merged with what someone else saved meanwhile` : `Saved “${m.title}”`, { tone: 'success' });
        onDone();
      } catch (e) {
        if (!isStale(e)) return showServerErrors(e, FIELDS, setError);
        const theirs = isApiError(e) && isMilestone(e.current) ? e.current : await latestCopy().catch(() => undefined);
        if (!theirs) {
          toast('That milestone was deleted by someone else.', { tone: 'info' });
          return onDone();
        }
        const merged = merge.conflict(against, theirs, values, changerOf(e));
        if (merged) saveMerged(theirs, merged);
      }
    });

  const onSubmit = (e?: React.BaseSyntheticEvent) => {
    merge.start();
    return submitAgainst(milestone ? (merge.base as Milestone) : undefined)(e);
  };

  return (
    <>
      {/* eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions -- Esc from any field inside cancels the edit */}
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
          <TextField label="Title" autoFocus maxLength={200} required hint={withNote(undefined, note('title'))} error={errors.title?.message} {...register('title')} />
        )}
        <div className="grid grid-cols-1 gap-3 min-[420px]:grid-cols-2">
          {editing && (
            <SelectField label="Status" hint={withNote(undefined, note('status'))} error={errors.status?.message} {...register('status')}>
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
              hint={withNote(undefined, note('progress'))}
              error={errors.progress?.message}
              {...register('progress', { valueAsNumber: true })}
            />
          )}
          {editing && !limited && <TextField label="Start date" type="date" hint={withNote(undefined, note('start_date'))} error={errors.start_date?.message} {...register('start_date')} />}
          {!limited && <TextField label="Due date" type="date" hint={withNote(undefined, note('due_date'))} error={errors.due_date?.message} {...register('due_date')} />}
          {!limited && (
            <TextField
              label="Weight"
              type="number"
              inputMode="numeric"
              min={1}
              max={100}
              hint={withNote('How much it counts towards the project’s progress.', note('weight'))}
              error={errors.weight?.message}
              {...register('weight', { valueAsNumber: true })}
            />
          )}
          {!limited && (
            <SelectField label="Assignee" hint={withNote('Someone on the team.', note('assignee_id'))} error={errors.assignee_id?.message} {...register('assignee_id')}>
              <option value="">Nobody</option>
              {members.map((m) => (
                <option key={m.user.id} value={String(m.user.id)}>
                  {m.user.name}
                </option>
              ))}
            </SelectField>
          )}
        </div>
        <RootError message={errors.root?.message} />
        <div className="flex justify-end gap-2">
          <Button onClick={onDone}>Cancel</Button>
          <Button type="submit" variant="primary" loading={isSubmitting}>
            {editing ? 'Save milestone' : 'Add milestone'}
          </Button>
        </div>
      </form>
      {/* Beside the form, not in it: Esc in the dialog cancels the merge, not the edit. */}
      <MergeDialog
        merges={merge.pending?.merges ?? null}
        changedBy={merge.pending?.who}
        specs={specs}
        subject={`milestone “${milestone?.title ?? ''}”`}
        onCancel={() => merge.settle()}
        onResolve={(values) => merge.pending && saveMerged(merge.pending.theirs as Milestone, values)}
      />
    </>
  );
}
