import { zodResolver } from '@hookform/resolvers/zod';
import { HEALTH_LABELS } from '@pulse-ui/project-card';
import { useQueryClient } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { z } from 'zod';

import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { SelectField, TextareaField } from '@/components/ui/field';
import { isApiError } from '@/lib/api-error';
import { CONTROL_CHARS_MESSAGE, hasControlChars } from '@/lib/control-chars';
import { toast } from '@/stores/toast-store';
import type { Health, Project } from '@/types/models';

import { projectQueryOptions } from '../../api/get-project';
import { isProject, usePatchProject } from '../../api/patch-project';
import { changedFields, type Values as MergeValues } from '../merge/merge';
import { MergeDialog, type MergeFieldSpec } from '../merge/merge-dialog';
import { changerOf } from '../merge/stale-write';
import { useFieldMerge, withNote } from '../merge/use-field-merge';
import { isStale, RootError, showServerErrors } from './write-errors';

const HEALTHS = ['on_track', 'at_risk', 'off_track'] as const satisfies readonly Health[];

const schema = z.object({
  health_override: z.enum(HEALTHS),
  // One line for the API (it refuses control characters in reasons): line breaks typed in the box become spaces.
  health_override_reason: z
    .string()
    .transform((v) => v.replace(/[\t\r\n]+/g, ' '))
    .pipe(
      z
        .string()
        .trim()
        .min(1, 'Say why: the reason is shown with the health and kept in the history.')
        .max(500, 'Use at most 500 characters.')
        .refine((v) => !hasControlChars(v), CONTROL_CHARS_MESSAGE),
    ),
});
type Values = z.infer<typeof schema>;

const valuesOf = (p: Project): Values => ({ health_override: p.health_override ?? p.health, health_override_reason: p.health_override_reason });

const FIELDS = ['health_override', 'health_override_reason'] as const;
const SPECS: MergeFieldSpec[] = [
  { field: 'health_override', label: 'Health', format: (v) => HEALTH_LABELS[v as Health] ?? '—', editor: { kind: 'select', options: HEALTHS.map((h) => ({ value: h, label: HEALTH_LABELS[h] })) } },
  { field: 'health_override_reason', label: 'Reason', format: (v) => (typeof v === 'string' && v ? v : '—'), editor: { kind: 'text' } },
];
const formatOf = (field: (typeof FIELDS)[number], value: unknown) => SPECS.find((s) => s.field === field)?.format(value);

/**
 * Sets the health by hand; a reason is required. Mounted while open, so each opening starts from the
 * project as shown. `project` is the live copy: what someone else changes meanwhile is marked on the
 * fields, never put into them. The save carries the ETag of the copy the form started from; a 412
 * merges with the server's copy (the health as it stands, with or without an override, and its
 * reason): a field only they changed is taken at once, a field both changed asks in the merge dialog.
 */
export function HealthOverrideDialog({ project: latest, open, onClose }: { project: Project; open: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const patch = usePatchProject(latest.id);
  const merge = useFieldMerge({ latest, fields: FIELDS, valuesOf: (p) => valuesOf(p) });
  const { register, handleSubmit, setError, setValue, formState } = useForm<Values>({ resolver: zodResolver(schema), defaultValues: valuesOf(merge.base) });
  const { errors, isSubmitting } = formState;
  const note = (field: (typeof FIELDS)[number]) => {
    const value = merge.elsewhere[field];
    return value === undefined ? undefined : formatOf(field, value);
  };

  const saveMerged = (theirs: Project, values: MergeValues) => {
    merge.settle(theirs);
    for (const field of FIELDS) setValue(field, values[field] as never, { shouldDirty: true });
    void submitAgainst(theirs)();
  };

  const submitAgainst = (against: Project) =>
    handleSubmit(async (values) => {
      // Theirs already says all of it (an override, this one, with this reason): nothing to write.
      if (against.health_override && changedFields(FIELDS, valuesOf(against), values).length === 0) return onClose();
      try {
        const p = await patch.mutateAsync({ etag: against.etag, changes: values });
        const merged = merge.merged() ? ', merged with what someone else saved meanwhile' : '';
        toast(`Health set to ${HEALTH_LABELS[p.health].toLowerCase()} by hand${merged}`, { tone: 'success' });
        onClose();
      } catch (e) {
        if (!isStale(e)) return showServerErrors(e, FIELDS, setError);
        const theirs = isApiError(e) && isProject(e.current) ? e.current : await qc.fetchQuery({ ...projectQueryOptions(latest.id), staleTime: 0 }).catch(() => undefined);
        if (!theirs) return setError('root', { type: 'server', message: 'Could not read the project as it is now; try again.' });
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
      <Dialog
        open={open}
        onClose={onClose}
        title="Override health"
        description="Until you clear it, this replaces the health Pulse works out from milestones and dates."
      >
        <form onSubmit={onSubmit} noValidate className="flex flex-col gap-3" aria-label="Health override">
          <SelectField label="Health" hint={withNote(undefined, note('health_override'))} error={errors.health_override?.message} {...register('health_override')}>
            {HEALTHS.map((h) => (
              <option key={h} value={h}>
                {HEALTH_LABELS[h]}
              </option>
            ))}
          </SelectField>
          <TextareaField
            label="Reason"
            required
            maxLength={500}
            hint={withNote(undefined, note('health_override_reason'))}
            error={errors.health_override_reason?.message}
            {...register('health_override_reason')}
          />
          <RootError message={errors.root?.message} />
          <div className="flex justify-end gap-2">
            <Button onClick={onClose}>Cancel</Button>
            <Button type="submit" variant="primary" loading={isSubmitting}>
              Save override
            </Button>
          </div>
        </form>
      </Dialog>
      {/* Beside the form's dialog, not in it (on top of it while open): Esc here cancels the merge, not the edit. */}
      <MergeDialog
        merges={merge.pending?.merges ?? null}
        changedBy={merge.pending?.who}
        specs={SPECS}
        subject="this project’s health override"
        onCancel={() => merge.settle()}
        onResolve={(values) => merge.pending && saveMerged(merge.pending.theirs, values)}
      />
    </>
  );
}
