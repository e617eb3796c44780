import { zodResolver } from '@hookform/resolvers/zod';
import { HEALTH_LABELS } from '@pulse-ui/project-card';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';

import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { SelectField, TextareaField } from '@/components/ui/field';
import { CONTROL_CHARS_MESSAGE, hasControlChars } from '@/lib/control-chars';
import { toast } from '@/stores/toast-store';
import type { Health, Project } from '@/types/models';

import { projectQueryOptions } from '../../api/get-project';
import { useUpdateProject } from '../../api/update-project';
import { isStale, RootError, showServerErrors, StaleNotice } from './write-errors';

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

/** Sets the health by hand; a reason is required. Mounted while open, so each opening starts from the project as shown. */
export function HealthOverrideDialog({ project: shown, open, onClose }: { project: Project; open: boolean; onClose: () => void }) {
  // The copy the form started from: its ETag goes in If-Match, so a change that arrives meanwhile (live or
  // refetched) is a 412 to reload from, never silently overwritten, and the form is never reset under the user.
  const [project, setProject] = useState(shown);
  const qc = useQueryClient();
  const update = useUpdateProject(project);
  const { register, handleSubmit, setError, reset, formState } = useForm<Values>({ resolver: zodResolver(schema), defaultValues: valuesOf(project) });
  const { errors, isSubmitting } = formState;
  const onSubmit = handleSubmit((values) =>
    update.mutateAsync(values).then(
      (p) => {
        toast(`Health set to ${HEALTH_LABELS[p.health].toLowerCase()} by hand`, { tone: 'success' });
        onClose();
      },
      (e: unknown) => showServerErrors(e, ['health_override', 'health_override_reason'], setError),
    ),
  );
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Override health"
      description="Until you clear it, this replaces the health Pulse works out from milestones and dates."
    >
      <form onSubmit={onSubmit} noValidate className="flex flex-col gap-3" aria-label="Health override">
        <SelectField label="Health" error={errors.health_override?.message} {...register('health_override')}>
          {HEALTHS.map((h) => (
            <option key={h} value={h}>
              {HEALTH_LABELS[h]}
            </option>
          ))}
        </SelectField>
        <TextareaField label="Reason" required maxLength={500} error={errors.health_override_reason?.message} {...register('health_override_reason')} />
        {isStale(update.error) && (
          <StaleNotice
            onReload={async () => {
              const fresh = await qc.fetchQuery({ ...projectQueryOptions(project.id), staleTime: 0 });
              update.reset();
              setProject(fresh);
              reset(valuesOf(fresh));
            }}
          />
        )}
        <RootError message={errors.root?.message} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" loading={isSubmitting}>
            Save override
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
