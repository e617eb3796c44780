import { zodResolver } from '@hookform/resolvers/zod';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Controller, useForm, useWatch } from 'react-hook-form';
import { z } from 'zod';

import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import { PersonPicker } from '@/features/people';
import { isApiError } from '@/lib/api-error';
import { formatPercent, humanize } from '@/lib/format';
import { toast } from '@/stores/toast-store';
import type { Member, Project, Role } from '@/types/models';

import { useAddMember } from '../../api/add-member';
import { OPEN_STATUSES, usePersonLoad } from '../../api/get-person-load';
import { membersQueryOptions } from '../../api/get-project';
import { useUpdateMember } from '../../api/update-member';
import { changedFields } from '../merge/merge';
import { MergeDialog, type MergeFieldSpec } from '../merge/merge-dialog';
import { changerOf } from '../merge/stale-write';
import { useFieldMerge, withNote } from '../merge/use-field-merge';
import { isStale, RootError, showServerErrors } from './write-errors';

export const ROLES = ['lead', 'manager', 'developer', 'designer', 'qa', 'stakeholder'] as const satisfies readonly Role[];
const ROLE_LABEL: Record<Role, string> = { lead: 'Lead', manager: 'Manager', developer: 'Developer', designer: 'Designer', qa: 'QA', stakeholder: 'Stakeholder' };
export const roleLabel = (role: Role) => ROLE_LABEL[role] ?? humanize(role);

const allocation = z
  .number({ error: 'Enter a whole number from 0 to 100.' })
  .int('Enter a whole number from 0 to 100.')
  .min(0, 'Enter a whole number from 0 to 100.')
  .max(100, 'Enter a whole number from 0 to 100.');

const isOpen = (project: Project) => OPEN_STATUSES.includes(project.status);

/** The person's total across open projects with this allocation, and a warning past 100 %. */
function AllocationPreview({ name, total, partial = false }: { name: string; total: number | null; partial?: boolean }) {
  return (
    <div aria-live="polite" className="text-xs">
      {total === null ? (
        <span className="text-fg-muted">Working out {name}’s other allocations…</span>
      ) : total > 100 ? (
        <p className="rounded-md bg-danger/10 px-2 py-1.5 font-medium text-danger">
          Over-allocated: {name} would be at {formatPercent(total)} across open projects{partial ? ' you can see' : ''}.
        </p>
      ) : (
        <span className="text-fg-muted">
          {name} would be at {formatPercent(total)} across open projects{partial ? ' you can see' : ''}.
        </span>
      )}
    </div>
  );
}

function RoleSelect(props: React.ComponentProps<typeof SelectField>) {
  return (
    <SelectField {...props}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {roleLabel(r)}
        </option>
      ))}
    </SelectField>
  );
}

// ------------------------------------------------------------------ add

const addSchema = z.object({
  user: z.object({ id: z.number(), name: z.string(), email: z.string() }).nullable().refine((v) => v !== null, 'Pick someone to add.'),
  role: z.enum(ROLES),
  allocation,
});
type AddInput = z.input<typeof addSchema>;
type AddValues = z.output<typeof addSchema>; // `user` is set once valid

export function AddMemberForm({ project, members, onDone }: { project: Project; members: Member[]; onDone: () => void }) {
  const add = useAddMember(project.id);
  const { control, register, handleSubmit, setError, setFocus, formState } = useForm<AddInput, unknown, AddValues>({
    resolver: zodResolver(addSchema),
    defaultValues: { user: null, role: 'developer', allocation: 0 },
  });
  // Opened from its button or from the palette: typing goes straight to the person search.
  useEffect(() => setFocus('user'), [setFocus]);
  const { errors, isSubmitting } = formState;
  const user = useWatch({ control, name: 'user' });
  const share = useWatch({ control, name: 'allocation' });
  const load = usePersonLoad(user?.id ?? null, project.id);
  const here = isOpen(project) && Number.isFinite(share) ? share : 0;

  const onSubmit = handleSubmit((values) => {
    return add.mutateAsync({ user_id: values.user.id, role: values.role, allocation: values.allocation }).then(
      (m) => {
        toast(`Added ${m.user.name} as ${roleLabel(m.role).toLowerCase()}`, { tone: 'success' });
        onDone();
      },
      (e: unknown) => showServerErrors(e, ['user', 'role', 'allocation'], setError, { user_id: 'user' }),
    );
  });

  return (
    // eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions -- Esc from any field inside cancels
    <form
      onSubmit={onSubmit}
      noValidate
      aria-label="Add a member"
      className="mb-3 flex flex-col gap-3 rounded-md border border-line bg-bg p-3"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !e.defaultPrevented) onDone();
      }}
    >
      <Controller
        control={control}
        name="user"
        render={({ field }) => (
          <PersonPicker
            ref={field.ref}
            label="Person"
            required
            value={field.value}
            onChange={field.onChange}
            onBlur={field.onBlur}
            exclude={members.map((m) => m.user.id)}
            error={errors.user?.message}
          />
        )}
      />
      <div className="grid grid-cols-1 gap-3 min-[420px]:grid-cols-2">
        <RoleSelect label="Role" error={errors.role?.message} {...register('role')} />
        <TextField
          label="Allocation (%)"
          type="number"
          inputMode="numeric"
          min={0}
          max={100}
          hint="Share of their week on this project."
          error={errors.allocation?.message}
          {...register('allocation', { valueAsNumber: true })}
        />
      </div>
      {user && (
        <AllocationPreview
          name={user.name}
          total={load.data ? load.data.total + here : load.isError ? here : null}
          partial
        />
      )}
      <RootError message={errors.root?.message} />
      <div className="flex justify-end gap-2">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" loading={isSubmitting}>
          Add member
        </Button>
      </div>
    </form>
  );
}

// ------------------------------------------------------------------ edit

const editSchema = z.object({ role: z.enum(ROLES), allocation });
type EditValues = z.infer<typeof editSchema>;
const EDIT_FIELDS = ['role', 'allocation'] as const;
const memberValues = (m: Member): EditValues => ({ role: m.role, allocation: m.allocation });
const isMember = (v: unknown): v is Member => typeof v === 'object' && v !== null && 'etag' in v && 'allocation' in v && 'role' in v;

const MEMBER_MERGE_SPECS: MergeFieldSpec[] = [
  { field: 'role', label: 'Role', format: (v) => roleLabel(v as Role), editor: { kind: 'select', options: ROLES.map((r) => ({ value: r, label: roleLabel(r) })) } },
  { field: 'allocation', label: 'Allocation', format: (v) => (typeof v === 'number' && Number.isFinite(v) ? formatPercent(v) : '—'), editor: { kind: 'number', min: 0, max: 100 } },
];
const noteOf = (value: unknown, field: string) => (value === undefined ? undefined : MEMBER_MERGE_SPECS.find((s) => s.field === field)?.format(value));

export function EditMemberForm({ project, member, onDone }: { project: Project; member: Member; onDone: () => void }) {
  const qc = useQueryClient();
  const update = useUpdateMember(project.id);
  const { control, register, handleSubmit, setError, setValue, formState } = useForm<EditValues>({ resolver: zodResolver(editSchema), defaultValues: memberValues(member) });
  const { errors, isSubmitting } = formState;
  const merge = useFieldMerge({ latest: member, fields: EDIT_FIELDS, valuesOf: memberValues });
  const share = useWatch({ control, name: 'allocation' });
  const open = isOpen(project);
  // total_allocation counts this project only while it is open.
  const elsewhere = member.total_allocation - (open ? member.allocation : 0);
  const total = elsewhere + (open && Number.isFinite(share) ? share : 0);

  const latestCopy = async () => {
    const fresh = await qc.fetchQuery({ ...membersQueryOptions(project.id), staleTime: 0 });
    return fresh.results.find((m) => m.id === member.id);
  };

  const saveMerged = (theirs: Member, values: Record<string, unknown>) => {
    merge.settle(theirs);
    for (const field of EDIT_FIELDS) setValue(field, values[field] as never, { shouldDirty: true });
    void submitAgainst(theirs)();
  };

  const submitAgainst = (against: Member) =>
    handleSubmit(async (values) => {
      const changes: Partial<EditValues> = {};
      for (const field of changedFields(EDIT_FIELDS, memberValues(against), values)) Object.assign(changes, { [field]: values[field] });
      if (Object.keys(changes).length === 0) return onDone();
      try {
        const m = await update.mutateAsync({ member: against, changes });
        const merged = merge.merged() ? ', merged with what someone else saved meanwhile' : '';
        toast(`Saved ${m.user.name}: ${roleLabel(m.role).toLowerCase()}, ${formatPercent(m.allocation)}${merged}`, { tone: 'success' });
        onDone();
      } catch (e) {
        if (!isStale(e)) return showServerErrors(e, ['role', 'allocation'], setError);
        const theirs = isApiError(e) && isMember(e.current) ? e.current : await latestCopy().catch(() => undefined);
        if (!theirs) {
          toast(`${member.user.name} is no longer on the team.`, { tone: 'info' });
          return onDone();
        }
        const merged = merge.conflict(against, theirs, values, changerOf(e));
        if (merged) saveMerged(theirs, merged);
      }
    });

  const onSubmit = (e?: React.BaseSyntheticEvent) => {
    merge.start();
    return submitAgainst(merge.base)(e);
  };

  return (
    <>
      {/* eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions -- Esc from any field inside cancels */}
      <form
        onSubmit={onSubmit}
        noValidate
        aria-label={`Edit ${member.user.name}`}
        className="flex flex-col gap-3 rounded-md border border-line bg-bg p-3"
        onKeyDown={(e) => {
          if (e.key === 'Escape') onDone();
        }}
      >
        <div className="grid grid-cols-1 gap-3 min-[420px]:grid-cols-2">
          <RoleSelect label="Role" hint={withNote(undefined, noteOf(merge.elsewhere.role, 'role'))} error={errors.role?.message} {...register('role')} />
          <TextField
            label="Allocation (%)"
            type="number"
            inputMode="numeric"
            min={0}
            max={100}
            hint={withNote(undefined, noteOf(merge.elsewhere.allocation, 'allocation'))}
            error={errors.allocation?.message}
            {...register('allocation', { valueAsNumber: true })}
          />
        </div>
        <AllocationPreview name={member.user.name} total={total} />
        <RootError message={errors.root?.message} />
        <div className="flex justify-end gap-2">
          <Button onClick={onDone}>Cancel</Button>
          <Button type="submit" variant="primary" loading={isSubmitting}>
            Save
          </Button>
        </div>
      </form>
      {/* Beside the form, not in it: Esc in the dialog cancels the merge, not the edit. */}
      <MergeDialog
        merges={merge.pending?.merges ?? null}
        changedBy={merge.pending?.who}
        specs={MEMBER_MERGE_SPECS}
        subject={`${member.user.name} on the team`}
        onCancel={() => merge.settle()}
        onResolve={(values) => merge.pending && saveMerged(merge.pending.theirs, values)}
      />
    </>
  );
}
