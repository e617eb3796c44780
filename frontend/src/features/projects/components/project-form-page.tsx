import { StatusBadge } from '@pulse-ui/project-card';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';

import { ErrorState, LoadingRows } from '@/components/ui/states';
import { errorMessage, isApiError } from '@/lib/api-error';
import { useDocumentTitle } from '@/lib/use-document-title';
import { useLiveTopics } from '@/stores/live-store';
import { toast } from '@/stores/toast-store';
import type { Project } from '@/types/models';

import { useCreateProject } from '../api/create-project';
import { projectQueryOptions } from '../api/get-project';
import { isProject, usePatchProject } from '../api/patch-project';
import { ProjectFormShell, showServerErrors, useLeaveGuard, useProjectForm } from './form/project-form';
import { changesFrom, createInput, emptyProject, progressIsManual, projectEditSchema, valuesOf, type FormField } from './form/project-form-schema';
import { conflictsOf, mergedValues, mergeFields, sameValue, type FieldMerge, type Values } from './merge/merge';
import { MergeDialog } from './merge/merge-dialog';
import { changerOf, type Changer } from './merge/stale-write';
import { changedMeanwhile, PROJECT_MERGE_SPECS, projectMergeFields } from './merge/project-merge';

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

/** How many 412s in a row are merged without asking before the dialog shows even with no conflict. */
const QUIET_MERGES = 2;

function EditProjectForm({ latest, reload }: { latest: Project; reload: () => Promise<Project> }) {
  const navigate = useNavigate();
  // The copy being edited: its ETag goes in If-Match, so a newer one on the server is a 412, never an
  // overwrite. It moves to their copy only once the user's values are merged onto it.
  const [base, setBase] = useState(latest);
  const [pending, setPending] = useState<{ theirs: Project; merges: FieldMerge[]; who: Changer | null } | null>(null);
  const quietRounds = useRef(0);
  const patch = usePatchProject(base.id);
  const form = useProjectForm(valuesOf(base), projectEditSchema);
  const guard = useLeaveGuard(form.formState.isDirty);
  const ownerEditable = base.capabilities.can_change_owner;
  const fields = projectMergeFields(base, ownerEditable);
  // A live event or a refetch puts a newer copy in the cache: the form keeps what is typed, and says
  // what changed under the field.
  const elsewhere = changedMeanwhile(base, latest, fields);

  const leave = (to: string) => {
    guard.allowLeave();
    void navigate(to);
  };

  /** Puts the merged values in the form and saves them over their copy, with its ETag. */
  const saveMerged = (theirs: Project, values: Values) => {
    setPending(null);
    setBase(theirs);
    for (const field of fields) form.setValue(field, values[field] as never, { shouldDirty: true });
    void submitAgainst(theirs)();
  };

  const submitAgainst = (against: Project) =>
    form.handleSubmit(async (values) => {
      const changes = changesFrom(against, values);
      if (Object.keys(changes).length === 0) {
        toast('Nothing to save: the project already has these values.', { tone: 'info' });
        return leave(`/projects/${against.id}`);
      }
      try {
        const updated = await patch.mutateAsync({ etag: against.etag, changes });
        setBase(updated);
        const merged = quietRounds.current > 0 ? ', merged with what someone else saved meanwhile' : '';
        toast(changes.owner_id === undefined ? `Project saved${merged}` : `Project saved${merged}: ${updated.owner.name} owns it now`, { tone: 'success' });
        leave(`/projects/${updated.id}`);
      } catch (e) {
        if (showServerErrors(e, form) !== 'stale') return;
        let theirs: Project;
        try {
          theirs = isApiError(e) && isProject(e.current) ? e.current : await reload();
        } catch (failed) {
          form.setError('root', { message: `This project was changed by someone else, and the latest could not be loaded: ${errorMessage(failed)}` });
          return;
        }
        // What their copy no longer lets this form set (progress now follows milestones, the owner is
        // no longer yours to hand over) takes their value: said, not asked.
        const settable = projectMergeFields(theirs, theirs.capabilities.can_change_owner);
        const merges = mergeFields(fields, valuesOf(against) as Values, valuesOf(theirs) as Values, values as Values).map((m) =>
          settable.includes(m.field as FormField) ? m : { ...m, outcome: 'theirs' as const, merged: m.theirs },
        );
        const lost = merges.filter((m) => !settable.includes(m.field as FormField) && !sameValue(m.mine, m.theirs));
        if (lost.length)
          toast(`Not kept: ${lost.map((m) => PROJECT_MERGE_SPECS.find((s) => s.field === m.field)?.label ?? m.field).join(', ')}. Someone else changed the project so that you can no longer set it.`, {
            tone: 'info',
            durationMs: 10_000,
          });
        if (conflictsOf(merges).length === 0 && quietRounds.current < QUIET_MERGES) {
          quietRounds.current += 1;
          return saveMerged(theirs, mergedValues(merges));
        }
        setPending({ theirs, merges, who: changerOf(e) });
      }
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
          onSubmit={(e) => {
            quietRounds.current = 0;
            return submitAgainst(base)(e);
          }}
          submitLabel="Save changes"
          cancelTo={`/projects/${base.id}`}
          derivedProgress={progressIsManual(base) ? undefined : base.progress}
          owner={ownerEditable ? base.owner : undefined}
          submitDisabled={!form.formState.isDirty}
          elsewhere={elsewhere}
        />
      </div>
      <MergeDialog
        merges={pending?.merges ?? null}
        specs={PROJECT_MERGE_SPECS}
        subject="this project"
        changedBy={pending?.who}
        onCancel={() => setPending(null)}
        onResolve={(values) => pending && saveMerged(pending.theirs, values)}
      />
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
  // Live changes reach the cache while the form is open: it marks what they changed, never resets.
  useLiveTopics([`project:${projectId}`]);
  const project = query.data;
  useDocumentTitle(project ? `Edit ${project.title}` : 'Edit project');
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
