import { HealthIndicator, StatusBadge } from '@pulse-ui/project-card';
import { useEffect } from 'react';
import { Link, useNavigate } from 'react-router';

import { LiveFlash } from '@/components/ui/live-flash';
import { ErrorState, LoadingRows } from '@/components/ui/states';
import { isApiError } from '@/lib/api-error';
import { useCommands } from '@/lib/commands';
import { rememberProject } from '@/lib/recent-projects';
import { useDocumentTitle } from '@/lib/use-document-title';
import { useLiveStore, useLiveTopics } from '@/stores/live-store';

import { useProject } from '../api/get-project';
import { ActivitySection } from './detail/activity-section';
import { DeletedBanner } from './detail/deleted-banner';
import { DeleteProject } from './detail/delete-project';
import { MilestonesSection } from './detail/milestones-section';
import { OverviewSection } from './detail/overview-section';
import { TeamSection } from './detail/team-section';
import { PROJECT_COMMANDS, Transitions } from './detail/transitions';

/**
 * One project: overview, milestones, team and activity. What can be changed follows the
 * project's `capabilities` for the caller (SPEC §3); everyone else gets the same page read-only.
 */
export function ProjectDetailPage({ projectId }: { projectId: number }) {
  const project = useProject(projectId);
  useDocumentTitle(project.data?.title);
  useLiveTopics([`project:${projectId}`]);
  // Deleted by someone else while open: its last state stays on screen under the banner, even when a
  // refetch now answers 404.
  const deletedLive = useLiveStore((s) => projectId in s.deleted);
  const navigate = useNavigate();
  const title = project.data?.title;
  // The palette offers the projects opened last.
  useEffect(() => {
    if (title !== undefined) rememberProject({ id: projectId, title });
  }, [projectId, title]);
  useCommands(
    project.data?.capabilities.can_edit
      ? [{ id: 'project.edit', title: 'Edit project', group: PROJECT_COMMANDS, scope: 'page', keywords: ['change', 'rename', 'details'], run: () => navigate(`/projects/${projectId}/edit`) }]
      : [],
  );
  if (project.isPending) return <LoadingRows rows={6} label="Loading the project" />;
  if (project.isError && !(deletedLive && project.data)) {
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
  if (!p) return null;
  const readOnly = !p.capabilities.can_edit && !p.capabilities.can_manage_team;
  return (
    <div className="flex flex-col gap-4">
      <DeletedBanner project={p} />
      <nav aria-label="Breadcrumb" className="text-xs text-fg-muted">
        <Link to="/projects" className="hover:underline">
          Projects
        </Link>{' '}
        / {p.title}
      </nav>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="flex min-w-0 flex-col gap-2">
          <h1 className="text-xl font-semibold break-words">
            <LiveFlash keys={[`project:${p.id}:title`]}>{p.title}</LiveFlash>
          </h1>
          <div className="flex flex-wrap items-center gap-2">
            <LiveFlash keys={[`project:${p.id}:status`]}>
              <StatusBadge status={p.status} />
            </LiveFlash>
            <HealthIndicator health={p.health} reasons={p.health_reasons} overridden={Boolean(p.health_override)} />
            {readOnly && <span className="rounded bg-subtle px-1.5 py-0.5 text-xs text-fg-muted">View only</span>}
          </div>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <Transitions project={p} />
          {p.capabilities.can_edit && (
            <Link
              to={`/projects/${p.id}/edit`}
              className="inline-flex h-7 items-center rounded-md border border-line bg-surface px-2.5 text-xs font-medium text-fg hover:bg-subtle focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent"
            >
              Edit
            </Link>
          )}
          <DeleteProject project={p} />
        </div>
      </div>
      {p.description && (
        <p className="max-w-3xl text-sm whitespace-pre-line text-fg-muted">
          <LiveFlash keys={[`project:${p.id}:description`]}>{p.description}</LiveFlash>
        </p>
      )}
      <OverviewSection project={p} />
      <div className="grid gap-4 lg:grid-cols-2">
        <MilestonesSection project={p} />
        <TeamSection project={p} />
      </div>
      <ActivitySection project={p} />
    </div>
  );
}
