import { ProgressBar } from '@pulse-ui/project-card';
import { zodResolver } from '@hookform/resolvers/zod';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { useForm } from 'react-hook-form';
import { z } from 'zod';

import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { formatPercent } from '@/lib/format';
import { toast } from '@/stores/toast-store';
import type { Project } from '@/types/models';

import { projectQueryOptions } from '../../api/get-project';
import { useUpdateProject } from '../../api/update-project';
import { isStale, RootError, showServerErrors, StaleNotice } from './write-errors';

const schema = z.object({
  progress: z.number({ error: 'Enter a whole number from 0 to 100.' }).int('Enter a whole number from 0 to 100.').min(0, 'Enter a whole number from 0 to 100.').max(100, 'Enter a whole number from 0 to 100.'),
});
type Values = z.infer<typeof schema>;

function ProgressForm({ project: shown, onDone }: { project: Project; onDone: () => void }) {
  // The copy the form started from: its ETag goes in If-Match, so a change that arrives meanwhile (live or
  // refetched) is a 412 to reload from, never silently overwritten, and the form is never reset under the user.
  const [project, setProject] = useState(shown);
  const qc = useQueryClient();
  const update = useUpdateProject(project);
  const { register, handleSubmit, setError, reset, formState } = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { progress: project.progress } });
  const { errors, isSubmitting } = formState;
  const onSubmit = handleSubmit(({ progress }) =>
    update.mutateAsync({ progress }).then(
      (p) => {
        toast(`Progress set to ${formatPercent(p.progress)}`, { tone: 'success' });
        onDone();
      },
      (e: unknown) => showServerErrors(e, ['progress'], setError),
    ),
  );
  return (
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
      {isStale(update.error) && (
        <StaleNotice
          onReload={async () => {
            const fresh = await qc.fetchQuery({ ...projectQueryOptions(project.id), staleTime: 0 });
            update.reset();
            setProject(fresh);
            reset({ progress: fresh.progress });
          }}
        />
      )}
      <RootError message={errors.root?.message} />
    </form>
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
      <div className="flex items-center gap-2">
        <ProgressBar value={project.progress} label="Project progress" className="w-40" />
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
