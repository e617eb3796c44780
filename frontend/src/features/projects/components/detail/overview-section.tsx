import { HEALTH_LABELS, HealthIndicator, TagChips } from '@pulse-ui/project-card';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';

import { Button } from '@/components/ui/button';
import { LiveFlash } from '@/components/ui/live-flash';
import { Panel } from '@/components/ui/panel';
import { cn } from '@/lib/cn';
import { formatDate } from '@/lib/format';
import { toast } from '@/stores/toast-store';
import type { Project } from '@/types/models';

import { projectKeys } from '../../api/keys';
import { usePatchProject } from '../../api/patch-project';
import { useStaleRetry } from '../merge/stale-confirm';
import { projectChanges } from '../merge/stale-write';
import { HealthOverrideDialog } from './health-override-dialog';
import { ProgressEditor } from './progress-editor';
import { writeFailedToast } from './write-errors';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <dt className="text-xs text-fg-muted">{label}</dt>
      <dd className="text-sm">{children}</dd>
    </div>
  );
}

function HealthDetails({ project }: { project: Project }) {
  const qc = useQueryClient();
  const [overriding, setOverriding] = useState(false);
  const patch = usePatchProject(project.id);
  const canEdit = project.capabilities.can_edit;
  const clear = useStaleRetry<Project, Project>({
    projectId: project.id,
    write: (copy) => patch.mutateAsync({ etag: copy.etag, changes: { health_override: null } }),
    describe: projectChanges,
    name: (p) => `“${p.title}”`,
    question: 'Clear the override anyway? Pulse works the health out again.',
    blocked: (p) => (p.health_override ? null : 'The override is cleared already: nothing left to do.'),
    onDone: (p) => toast(`Health override cleared: ${HEALTH_LABELS[p.health].toLowerCase()} as worked out`, { tone: 'success' }),
    onFailed: (e) => writeFailedToast(e, () => void qc.invalidateQueries({ queryKey: projectKeys.detail(project.id), exact: true })),
  });
  return (
    <div className="mt-4 flex flex-col gap-2 border-t border-line pt-4">
      <h3 className="text-xs font-medium text-fg-muted">Health</h3>
      {project.health_override ? (
        <p className="text-sm">
          Set by hand to <span className="font-medium">{HEALTH_LABELS[project.health_override]}</span>
          {project.health_override_reason && <>: “{project.health_override_reason}”</>}
        </p>
      ) : null}
      {project.health_reasons.length > 0 ? (
        <ul className="flex flex-col gap-1 text-sm" aria-label="Health reasons">
          {project.health_reasons.map((r) => (
            <li key={r.code} className={cn('flex gap-2', r.severity === 'off_track' ? 'text-danger' : r.severity === 'at_risk' ? 'text-warning' : 'text-fg-muted')}>
              <span aria-hidden>•</span>
              <span>
                <span className="sr-only">{HEALTH_LABELS[r.severity]}: </span>
                {r.message}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        !project.health_override && <p className="text-sm text-fg-muted">Nothing is slipping: milestones, progress and dates are on course.</p>
      )}
      {canEdit && (
        <div className="flex flex-wrap gap-2">
          <Button size="sm" onClick={() => setOverriding(true)}>
            {project.health_override ? 'Change override' : 'Override health'}
          </Button>
          {project.health_override && (
            <Button size="sm" variant="ghost" loading={patch.isPending} onClick={() => clear.run(project, undefined)}>
              Clear override
            </Button>
          )}
        </div>
      )}
      {overriding && <HealthOverrideDialog project={project} open onClose={() => setOverriding(false)} />}
      {clear.dialog}
    </div>
  );
}

/** Health with its reasons (and the override), progress, dates, owner and tags. */
export function OverviewSection({ project: p }: { project: Project }) {
  return (
    <Panel title="Overview">
      <dl className="grid grid-cols-1 gap-4 min-[420px]:grid-cols-2 md:grid-cols-3 xl:grid-cols-6">
        <Fact label="Health">
          <LiveFlash keys={[`project:${p.id}:health`, `project:${p.id}:health_override`]}>
            <HealthIndicator health={p.health} reasons={p.health_reasons} overridden={Boolean(p.health_override)} />
          </LiveFlash>
        </Fact>
        <Fact label="Progress">
          <LiveFlash keys={[`project:${p.id}:progress`]} className="block">
            <ProgressEditor project={p} />
          </LiveFlash>
        </Fact>
        <Fact label="Start">
          <LiveFlash keys={[`project:${p.id}:start_date`]}>{formatDate(p.start_date)}</LiveFlash>
        </Fact>
        <Fact label="Due">
          <LiveFlash keys={[`project:${p.id}:due_date`]} className={cn(p.is_overdue && 'font-medium text-danger')}>
            {formatDate(p.due_date)}
            {p.is_overdue ? ' (overdue)' : ''}
          </LiveFlash>
        </Fact>
        <Fact label="Owner">
          <span className="block truncate">{p.owner.name}</span>
          <span className="block truncate text-xs text-fg-muted">{p.owner.email}</span>
        </Fact>
        <Fact label="Tags">{p.tags.length > 0 ? <TagChips tags={p.tags} /> : <span className="text-fg-muted">None</span>}</Fact>
      </dl>
      <HealthDetails project={p} />
    </Panel>
  );
}
