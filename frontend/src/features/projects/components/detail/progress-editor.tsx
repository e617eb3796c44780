import { ProgressBar } from '@pulse-ui/project-card';
import { zodResolver } from '@hookform/resolvers/zod';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { useForm } from 'react-hook-form';
import { z } from 'zod';

import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { isApiError } from '@/lib/api-error';
import { formatPercent } from '@/lib/format';
import { toast } from '@/stores/toast-store';
import type { Project } from '@/types/models';

import { projectQueryOptions } from '../../api/get-project';
import { isProject, usePatchProject } from '../../api/patch-project';
import { sameValue, type Values as MergeValues } from '../merge/merge';
import { MergeDialog } from '../merge/merge-dialog';
import { changerOf } from '../merge/stale-write';
import { PROJECT_MERGE_SPECS } from '../merge/project-merge';
import { useFieldMerge, withNote } from '../merge/use-field-merge';
import { isStale, RootError, showServerErrors } from './write-errors';

const schema = z.object({
  progress: z.number({ error: 'Enter a whole number from 0 to 100.' }).int('Enter a whole number from 0 to 100.').min(0, 'Enter a whole number from 0 to 100.').max(100, 'Enter a whole number from 0 to 100.'),
});
type Values = z.infer<typeof schema>;

const FIELDS = ['progress'] as const;
const SPECS = PROJECT_MERGE_SPECS.filter((s) => s.field === 'progress');
const progressOf = (p: Project): MergeValues => ({ progress: p.progress });

/**
 * Progress by hand, PATCHed with the ETag of the copy the form was opened from (`project` is the
 * live copy: a newer one marks the field, never resets it). A 412 whose copy has another progress
 * asks, in the merge dialog, theirs, mine or another value; one that changed other fields only is
 * retried at once against it.
 */
function ProgressForm({ project: latest, onDone }: { project: Project; onDone: () => void }) {
  const qc = useQueryClient();
  const patch = usePatchProject(latest.id);
  const merge = useFieldMerge({ latest, fields: FIELDS, valuesOf: progressOf });
  const { register, handleSubmit, setError, setValue, formState } = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { progress: merge.base.progress } });
  const { errors, isSubmitting } = formState;
  const elsewhere = merge.elsewhere.progress;

  const saveMerged = (theirs: Project, values: MergeValues) => {
    merge.settle(theirs);
    setValue('progress', values.progress as number, { shouldDirty: true });
    void submitAgainst(theirs)();
  };

  const submitAgainst = (against: Project) =>
    handleSubmit(async ({ progress }) => {
      // Already what the copy holds (theirs, once kept): nothing to write.
      if (sameValue(against.progress, progress)) return onDone();
      try {
        const p = await patch.mutateAsync({ etag: against.etag, changes: { progress } });
        toast(merge.merged() ? `Progress set to ${formatPercent(p.progress)}, merged with what someone else saved meanwhile` : `Progress set to ${formatPercent(p.progress)}`, { tone: 'success' });
        onDone();
      } catch (e) {
        if (!isStale(e)) return showServerErrors(e, ['progress'], setError);
        const theirs = isApiError(e) && isProject(e.current) ? e.current : await qc.fetchQuery({ ...projectQueryOptions(latest.id), staleTime: 0 }).catch(() => undefined);
        if (!theirs) return setError('root', { type: 'server', message: 'Could not read the project as it is now; try again.' });
        const merged = merge.conflict(against, theirs, { progress }, changerOf(e));
        if (merged) saveMerged(theirs, merged);
      }
    });

  const onSubmit = (e?: React.BaseSyntheticEvent) => {
    merge.start();
    return submitAgainst(merge.base)(e);
  };

  return (
    <>
      <form onSubmit={onSubmit} noValidate className="flex flex-col gap-2" aria-label="Edit progress">
        <div className="flex flex-wrap items-end gap-2">
          <TextField
            label="Progress (%)"
            type="number"
            inputMode="numeric"
            min={0}
            max={100}
            step={1}
            className="w-28"
            // eslint-disable-next-line jsx-a11y/no-autofocus -- opened on purpose by the Edit button
            autoFocus
            hint={withNote(undefined, elsewhere === undefined ? undefined : SPECS[0]?.format(elsewhere))}
            error={errors.progress?.message}
            onKeyDown={(e) => e.key === 'Escape' && onDone()}
            {...register('progress', { valueAsNumber: true })}
          />
          <Button type="submit" size="md" variant="primary" loading={isSubmitting}>
            Save
          </Button>
          <Button size="md" onClick={onDone}>
            Cancel
          </Button>
        </div>
        <RootError message={errors.root?.message} />
      </form>
      <MergeDialog
        merges={merge.pending?.merges ?? null}
        changedBy={merge.pending?.who}
        specs={SPECS}
        subject="this project’s progress"
        onCancel={() => merge.settle()}
        onResolve={(values) => merge.pending && saveMerged(merge.pending.theirs, values)}
      />
    </>
  );
}

/** The progress bar; set by hand (only while the project has no milestones) by those who may edit it. */
export function ProgressEditor({ project }: { project: Project }) {
  const [editing, setEditing] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const manual = project.progress_mode === 'manual';
  const canEdit = project.capabilities.can_edit && manual;
  const done = () => {
    flushSync(() => setEditing(false));
    editButton.current?.focus(); // the form that had focus is gone
  };
  if (editing && canEdit) return <ProgressForm project={project} onDone={done} />;
  return (
    <div className="flex flex-col gap-1">
      {/* In a narrow column (six of them on a wide screen) Edit goes under the bar, never over the next one. */}
      <div className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1">
        <ProgressBar value={project.progress} label="Project progress" className="w-40 max-w-full" />
        {canEdit && (
          <Button ref={editButton} size="sm" variant="ghost" onClick={() => setEditing(true)} aria-label="Edit progress">
            Edit
          </Button>
        )}
      </div>
      <span className="text-xs text-fg-subtle">{manual ? 'Set by hand (no milestones yet)' : 'Weighted from the milestones'}</span>
    </div>
  );
}
