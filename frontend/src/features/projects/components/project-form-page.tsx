import { StatusBadge } from '@pulse-ui/project-card';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';

import { Button } from '@/components/ui/button';
import { ErrorState, LoadingRows } from '@/components/ui/states';
import { errorMessage, isApiError } from '@/lib/api-error';
import { useDocumentTitle } from '@/lib/use-document-title';
import { useLiveTopics } from '@/stores/live-store';
import { toast } from '@/stores/toast-store';
import type { Project } from '@/types/models';

import { useCreateProject } from '../api/create-project';
import { projectQueryOptions } from '../api/get-project';
import { usePatchProject } from '../api/patch-project';
import { ProjectFormShell, showServerErrors, useLeaveGuard, useProjectForm } from './form/project-form';
import { changesFrom, createInput, emptyProject, progressIsManual, projectEditSchema, valuesOf } from './form/project-form-schema';

const card = 'rounded-lg border border-line bg-surface p-4';

function FormPage({ title, crumbs, children }: { title: string; crumbs: ReactNode; children: ReactNode }) {
  return (
    <div className="flex w-full max-w-2xl flex-col gap-4">
      <nav aria-label="Breadcrumb" className="text-xs text-fg-muted">
        <Link to="/projects" className="hover:underline">
          Projects
        </Link>{' '}
        / {crumbs}
      </nav>
      <h1 className="text-lg font-semibold">{title}</h1>
      {children}
    </div>
  );
}

// --------------------------------------------------------------- create

export function ProjectCreatePage() {
  useDocumentTitle('New project');
  const navigate = useNavigate();
  const create = useCreateProject();
  const form = useProjectForm(emptyProject);
  const guard = useLeaveGuard(form.formState.isDirty);
  const { setFocus } = form;
  useEffect(() => setFocus('title'), [setFocus]);

  const onSubmit = form.handleSubmit((values) =>
    create.mutateAsync(createInput(values)).then(
      (project) => {
        guard.allowLeave();
        toast(`Project “${project.title}” created`, { tone: 'success' });
        void navigate(`/projects/${project.id}`);
      },
      (e: unknown) => void showServerErrors(e, form),
    ),
  );

  return (
    <FormPage title="New project" crumbs="New">
      <p className="text-sm text-fg-muted">You become its owner and lead. It starts in planning; start it from its page when work begins.</p>
      <div className={card}>
        <ProjectFormShell form={form} label="New project" onSubmit={onSubmit} submitLabel="Create project" cancelTo="/projects" />
      </div>
      {guard.dialog}
    </FormPage>
  );
}

// --------------------------------------------------------------- edit

function StaleBanner({ onReload, reloading, error }: { onReload: () => void; reloading: boolean; error?: string }) {
  return (
    <div role="alert" className="flex flex-col gap-2 rounded-md border border-warning/60 bg-warning/10 px-3 py-2 text-sm sm:flex-row sm:items-center">
      <p className="flex-1">
        <span className="font-medium">This project was changed by someone else</span> since you opened it. Reload to edit their version; what you
        changed here is not kept.
        {error && <span className="mt-1 block text-danger">Could not reload: {error}</span>}
      </p>
      <Button size="sm" onClick={onReload} loading={reloading} className="self-start sm:self-auto">
        Reload
      </Button>
    </div>
  );
}

function EditProjectForm({ latest, reload }: { latest: Project; reload: () => Promise<Project> }) {
  const navigate = useNavigate();
  // The copy being edited: its ETag goes in If-Match, so a newer one on the server is a 412, never an overwrite.
  const [base, setBase] = useState(latest);
  const [conflict, setConflict] = useState(false);
  const [reloading, setReloading] = useState(false);
  const [reloadError, setReloadError] = useState<string>();
  const patch = usePatchProject(base.id);
  const form = useProjectForm(valuesOf(base), projectEditSchema);
  const guard = useLeaveGuard(form.formState.isDirty);
  // A 412 puts the server's copy in the cache; a live update does too. Either way, this one is old.
  const stale = conflict || latest.version > base.version;
  const ownerEditable = base.capabilities.can_change_owner;

  const onReload = () => {
    setReloading(true);
    setReloadError(undefined);
    reload().then(
      (fresh) => {
        setBase(fresh);
        setConflict(false);
        form.reset(valuesOf(fresh));
        setReloading(false);
      },
      (e: unknown) => {
        setReloadError(errorMessage(e));
        setReloading(false);
      },
    );
  };

  const leave = (to: string) => {
    guard.allowLeave();
    void navigate(to);
  };

  const onSubmit = form.handleSubmit((values) => {
    const changes = changesFrom(base, values);
    if (Object.keys(changes).length === 0) {
      toast('Nothing to save: the project already has these values.', { tone: 'info' });
      return leave(`/projects/${base.id}`);
    }
    return patch.mutateAsync({ etag: base.etag, changes }).then(
      (updated) => {
        setBase(updated);
        toast(changes.owner_id === undefined ? 'Project saved' : `Project saved: ${updated.owner.name} owns it now`, { tone: 'success' });
        leave(`/projects/${updated.id}`);
      },
      (e: unknown) => {
        if (showServerErrors(e, form) === 'stale') setConflict(true);
      },
    );
  });

  return (
    <>
      <dl className="flex flex-wrap gap-x-6 gap-y-2 text-sm">
        <div className="flex items-center gap-2">
          <dt className="text-fg-muted">Status</dt>
          <dd>
            <StatusBadge status={base.status} />
          </dd>
        </div>
        {!ownerEditable && (
          <div className="flex items-center gap-2">
            <dt className="text-fg-muted">Owner</dt>
            <dd>{base.owner.name}</dd>
          </div>
        )}
      </dl>
      <p className="text-xs text-fg-muted">Status changes through the lifecycle buttons on the project's page.</p>
      <div className={card}>
        <ProjectFormShell
          form={form}
          label={`Edit ${base.title}`}
          onSubmit={onSubmit}
          submitLabel="Save changes"
          cancelTo={`/projects/${base.id}`}
          derivedProgress={progressIsManual(base) ? undefined : base.progress}
          owner={ownerEditable ? base.owner : undefined}
          notice={stale && <StaleBanner onReload={onReload} reloading={reloading} error={reloadError} />}
          submitDisabled={stale || !form.formState.isDirty}
        />
      </div>
      {guard.dialog}
    </>
  );
}

function NotFound() {
  return (
    <div className="mx-auto flex max-w-md flex-col items-center gap-3 py-16 text-center">
      <h1 className="text-lg font-semibold">Project not found</h1>
      <p className="text-sm text-fg-muted">It does not exist, was deleted, or you do not have access to it.</p>
      <Link to="/projects" className="text-sm font-medium text-accent hover:underline">
        Back to projects
      </Link>
    </div>
  );
}

export function ProjectEditPage({ projectId }: { projectId: number }) {
  // Always a fresh read to edit from, whatever the cache holds.
  const query = useQuery({ ...projectQueryOptions(projectId), refetchOnMount: 'always' });
  const project = query.data;
  useDocumentTitle(project ? `Edit ${project.title}` : 'Edit project');
  // Live: someone else's save shows as "changed meanwhile" while editing, not only as a 412 on Save.
  useLiveTopics([`project:${projectId}`]);
  const gone = isApiError(query.error) && query.error.status === 404;
  if (gone) return <NotFound />;
  if (query.isError && !project) return <ErrorState error={query.error} onRetry={() => void query.refetch()} title="Could not load the project" />;
  if (!project || !query.isFetchedAfterMount) return <LoadingRows rows={6} label="Loading the project" />;
  const crumbs = (
    <>
      <Link to={`/projects/${project.id}`} className="hover:underline">
        {project.title}
      </Link>{' '}
      / Edit
    </>
  );
  if (!project.capabilities.can_edit)
    return (
      <FormPage title="Edit project" crumbs={crumbs}>
        <p role="alert" className="rounded-md border border-line bg-subtle px-3 py-2 text-sm">
          You can see this project but not edit it: only its owner, a lead or a manager can.{' '}
          <Link to={`/projects/${project.id}`} className="font-medium text-accent hover:underline">
            Back to the project
          </Link>
        </p>
      </FormPage>
    );
  return (
    <FormPage title="Edit project" crumbs={crumbs}>
      <EditProjectForm
        latest={project}
        reload={() => query.refetch({ throwOnError: true }).then((r) => r.data ?? Promise.reject(new Error('The project could not be loaded.')))}
      />
    </FormPage>
  );
}
