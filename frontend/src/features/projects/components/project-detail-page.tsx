import { HealthIndicator, ProgressBar, StatusBadge, TagChips } from '@pulse-ui/project-card';
import { Link } from 'react-router';

import { Button } from '@/components/ui/button';
import { Panel } from '@/components/ui/panel';
import { ErrorState, LoadingRows } from '@/components/ui/states';
import { errorMessage, isApiError } from '@/lib/api-error';
import { cn } from '@/lib/cn';
import { formatDate, formatDateTime, formatPercent, formatRelative, humanize } from '@/lib/format';
import { useDocumentTitle } from '@/lib/use-document-title';
import { toast } from '@/stores/toast-store';
import type { Activity, Project, TransitionName } from '@/types/models';

import { useMembers, useMilestones, useProject, useProjectActivity } from '../api/get-project';
import { useTransitionProject } from '../api/transition-project';

const TRANSITION_LABEL: Record<string, string> = { start: 'Start', hold: 'Put on hold', resume: 'Resume', complete: 'Complete', cancel: 'Cancel' };

function Transitions({ project }: { project: Project }) {
  const transition = useTransitionProject(project);
  if (!project.capabilities.can_edit || project.allowed_transitions.length === 0) return null;
  return (
    <div className="flex flex-wrap gap-2" role="group" aria-label="Lifecycle">
      {project.allowed_transitions.map((name) => (
        <Button
          key={name}
          size="sm"
          variant={name === 'cancel' ? 'ghost' : 'secondary'}
          loading={transition.isPending && transition.variables === name}
          onClick={() =>
            transition.mutate(name as TransitionName, {
              onSuccess: (p) => toast(`Now ${humanize(p.status).toLowerCase()}`, { tone: 'success' }),
              onError: (e) =>
                toast(isApiError(e) && e.status === 412 ? 'Changed by someone else since you opened it. Reload to see the latest.' : errorMessage(e), {
                  tone: 'error',
                }),
            })
          }
        >
          {TRANSITION_LABEL[name] ?? humanize(name)}
        </Button>
      ))}
    </div>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex flex-col gap-0.5">
      <dt className="text-xs text-fg-muted">{label}</dt>
      <dd className="text-sm">{children}</dd>
    </div>
  );
}

function formatChange(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value);
  if (typeof value === 'string') return humanize(value);
  if (Array.isArray(value)) return value.map(String).join(', ') || '—';
  return String(value);
}

function ActivityItem({ a }: { a: Activity }) {
  const changes = Object.entries((a.changes ?? {}) as Record<string, [unknown, unknown]>);
  return (
    <li className="border-l border-line pb-3 pl-4">
      <p className="text-sm">
        <span className="font-medium">{a.actor?.name ?? 'Pulse'}</span> <span className="text-fg-muted">{humanize(a.verb.replace('.', ' '))}</span>
      </p>
      {changes.length > 0 && (
        <ul className="mt-1 text-xs text-fg-muted">
          {changes.map(([field, pair]) => (
            <li key={field}>
              <span className="font-mono">{field}</span>: {formatChange(pair?.[0])} → {formatChange(pair?.[1])}
            </li>
          ))}
        </ul>
      )}
      <time dateTime={a.created_at} title={formatDateTime(a.created_at)} className="text-xs text-fg-subtle">
        {formatRelative(a.created_at)}
      </time>
    </li>
  );
}

export function ProjectDetailPage({ projectId }: { projectId: number }) {
  const project = useProject(projectId);
  const milestones = useMilestones(projectId);
  const members = useMembers(projectId);
  const activity = useProjectActivity(projectId);
  useDocumentTitle(project.data?.title);
  if (project.isPending) return <LoadingRows rows={6} label="Loading the project" />;
  if (project.isError) {
    if (isApiError(project.error) && project.error.status === 404)
      return (
        <div className="mx-auto flex max-w-md flex-col items-center gap-3 py-16 text-center">
          <h1 className="text-lg font-semibold">Project not found</h1>
          <p className="text-sm text-fg-muted">It does not exist, was deleted, or you do not have access to it.</p>
          <Link to="/projects" className="text-sm font-medium text-accent hover:underline">
            Back to projects
          </Link>
        </div>
      );
    return <ErrorState error={project.error} onRetry={() => void project.refetch()} />;
  }
  const p = project.data;
  return (
    <div className="flex flex-col gap-4">
      <nav aria-label="Breadcrumb" className="text-xs text-fg-muted">
        <Link to="/projects" className="hover:underline">
          Projects
        </Link>{' '}
        / {p.title}
      </nav>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="flex flex-col gap-2">
          <h1 className="text-xl font-semibold">{p.title}</h1>
          <div className="flex flex-wrap items-center gap-2">
            <StatusBadge status={p.status} />
            <HealthIndicator health={p.health} reasons={p.health_reasons} overridden={Boolean(p.health_override)} />
            <TagChips tags={p.tags} />
          </div>
        </div>
        <Transitions project={p} />
      </div>
      {p.description && <p className="max-w-3xl text-sm whitespace-pre-line text-fg-muted">{p.description}</p>}
      <Panel title="Overview">
        <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
          <Fact label="Progress">
            <ProgressBar value={p.progress} label="Project progress" className="mt-1 w-40" />
          </Fact>
          <Fact label="Start">{formatDate(p.start_date)}</Fact>
          <Fact label="Due">
            <span className={cn(p.is_overdue && 'font-medium text-danger')}>
              {formatDate(p.due_date)}
              {p.is_overdue ? ' (overdue)' : ''}
            </span>
          </Fact>
          <Fact label="Owner">{p.owner.name}</Fact>
        </dl>
        {p.health_reasons.length > 0 && (
          <ul className="mt-4 flex flex-col gap-1 text-sm">
            {p.health_reasons.map((r) => (
              <li key={r.code} className={cn(r.severity === 'off_track' ? 'text-danger' : 'text-warning')}>
                {r.message}
              </li>
            ))}
          </ul>
        )}
      </Panel>
      <div className="grid gap-4 lg:grid-cols-2">
        <Panel title="Milestones">
          {milestones.isPending ? (
            <LoadingRows rows={3} label="Loading milestones" />
          ) : milestones.isError ? (
            <ErrorState error={milestones.error} onRetry={() => void milestones.refetch()} />
          ) : milestones.data.results.length === 0 ? (
            <p className="text-sm text-fg-muted">No milestones yet. Progress is set by hand until there are.</p>
          ) : (
            <ul className="flex flex-col divide-y divide-line">
              {milestones.data.results.map((m) => (
                <li key={m.id} className="flex flex-col gap-1 py-2">
                  <div className="flex items-center justify-between gap-2">
                    <span className="font-medium">{m.title}</span>
                    <span className={cn('text-xs', m.is_overdue ? 'text-danger' : 'text-fg-muted')}>
                      {humanize(m.status)} · due {formatDate(m.due_date)}
                    </span>
                  </div>
                  <ProgressBar value={m.progress} label={`Progress of ${m.title}`} />
                  {m.assignee && <span className="text-xs text-fg-subtle">{m.assignee.name}</span>}
                </li>
              ))}
            </ul>
          )}
        </Panel>
        <Panel title="Team">
          {members.isPending ? (
            <LoadingRows rows={3} label="Loading the team" />
          ) : members.isError ? (
            <ErrorState error={members.error} onRetry={() => void members.refetch()} />
          ) : (
            <ul className="flex flex-col divide-y divide-line">
              {members.data.results.map((m) => (
                <li key={m.id} className="flex items-center justify-between gap-2 py-2 text-sm">
                  <span>
                    {m.user.name} <span className="text-xs text-fg-muted">{humanize(m.role)}</span>
                  </span>
                  <span className={cn('text-xs tabular-nums', m.over_allocated ? 'font-medium text-danger' : 'text-fg-muted')}>
                    {formatPercent(m.allocation)} here · {formatPercent(m.total_allocation)} in total
                    {m.over_allocated ? ' · over-allocated' : ''}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Panel>
      </div>
      <Panel title="Activity">
        {activity.isPending ? (
          <LoadingRows rows={3} label="Loading activity" />
        ) : activity.isError ? (
          <ErrorState error={activity.error} onRetry={() => void activity.refetch()} />
        ) : (
          <ol className="flex flex-col">
            {activity.data.results.map((a) => (
              <ActivityItem key={a.id} a={a} />
            ))}
          </ol>
        )}
      </Panel>
    </div>
  );
}
