import { lazy, Suspense } from 'react';
import { Link } from 'react-router';

import { Panel } from '@/components/ui/panel';
import { EmptyState, ErrorState, Skeleton } from '@/components/ui/states';
import { activityProjectTitle, activitySentence } from '@/lib/activity-format';
import { cn } from '@/lib/cn';
import { formatDate, formatNumber, formatPercent, formatRelative, humanize } from '@/lib/format';
import { useDocumentTitle } from '@/lib/use-document-title';
import { useLiveTopics } from '@/stores/live-store';
import type { Dashboard } from '@/types/models';

import { useDashboard } from '../api/get-dashboard';
import type { ProgressBand } from './progress-chart';

const ProgressChart = lazy(() => import('./progress-chart'));

const OPEN = 'status=planning&status=active&status=on_hold';
const STATUS_ORDER = ['planning', 'active', 'on_hold', 'completed', 'cancelled'];
const HEALTH_ORDER = ['on_track', 'at_risk', 'off_track'];
const HEALTH_COLOUR: Record<string, string> = { on_track: 'bg-success', at_risk: 'bg-warning', off_track: 'bg-danger' };
const STATUS_COLOUR: Record<string, string> = {
  planning: 'bg-fg-subtle',
  active: 'bg-accent',
  on_hold: 'bg-warning',
  completed: 'bg-success',
  cancelled: 'bg-line',
};

function Tile({ label, value, to, tone }: { label: string; value: string; to: string; tone?: string }) {
  return (
    <Link to={to} className="flex flex-col gap-1 rounded-lg border border-line bg-surface p-4 hover:border-accent">
      <span className="text-xs text-fg-muted">{label}</span>
      <span className={cn('text-2xl font-semibold tabular-nums', tone)}>{value}</span>
    </Link>
  );
}

/** A distribution as one stacked bar with a legend of links: each segment drills into the list. */
function Distribution({
  title,
  counts,
  order,
  colours,
  param,
  base,
}: {
  title: string;
  counts: Record<string, number>;
  order: string[];
  colours: Record<string, string>;
  param: string;
  /** Filters the counts already imply (health counts open projects only), kept in the drill-down. */
  base?: string;
}) {
  const total = order.reduce((sum, k) => sum + (counts[k] ?? 0), 0);
  return (
    <section aria-labelledby={`dist-${param}`} className="rounded-lg border border-line bg-surface p-4">
      <h2 id={`dist-${param}`} className="mb-3 text-sm font-medium">
        {title}
      </h2>
      <div className="flex h-3 overflow-hidden rounded-full bg-subtle" aria-hidden>
        {order.map((k) =>
          counts[k] ? <div key={k} className={colours[k]} style={{ width: `${((counts[k] ?? 0) / Math.max(total, 1)) * 100}%` }} /> : null,
        )}
      </div>
      <ul className="mt-3 grid grid-cols-2 gap-1 text-xs sm:grid-cols-3">
        {order.map((k) => (
          <li key={k}>
            <Link to={`/projects?${base ? `${base}&` : ''}${param}=${k}`} className="flex items-center gap-2 rounded px-1 py-0.5 hover:bg-subtle">
              <span className={cn('size-2 rounded-full', colours[k])} aria-hidden />
              <span className="text-fg-muted">{humanize(k)}</span>
              <span className="ml-auto font-medium tabular-nums">{formatNumber(counts[k] ?? 0)}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Open projects per progress band: a lazily loaded bar chart, and the same numbers as links. */
function ProgressPanel({ counts }: { counts: Record<string, number> }) {
  // Object key order puts the integer-like "100" first: order the bands by their lower bound.
  const bands: ProgressBand[] = Object.entries(counts)
    .map(([key, count]) => {
      const [low = '0', high = low] = key.split('-');
      return {
        key,
        count,
        low: Number(low),
        label: low === high ? `${low} %` : `${low}–${high} %`,
        to: `/projects?${OPEN}&progress_min=${low}&progress_max=${high}`,
      };
    })
    .sort((a, b) => a.low - b.low);
  return (
    <section aria-labelledby="dist-progress" className="rounded-lg border border-line bg-surface p-4">
      <h2 id="dist-progress" className="mb-2 text-sm font-medium">
        Progress of open projects
      </h2>
      <Suspense fallback={<Skeleton className="h-40" />}>
        <ProgressChart bands={bands} />
      </Suspense>
      <ul className="mt-2 grid grid-cols-3 gap-1 text-xs sm:grid-cols-5">
        {bands.map((b) => (
          <li key={b.key}>
            <Link to={b.to} className="flex items-center gap-2 rounded px-1 py-0.5 hover:bg-subtle">
              <span className="text-fg-muted">{b.label}</span>
              <span className="ml-auto font-medium tabular-nums">{formatNumber(b.count)}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Content({ data }: { data: Dashboard }) {
  const { totals } = data;
  if (totals.projects === 0) {
    return (
      <EmptyState
        title="No projects yet"
        action={
          <Link to="/projects/new" className="font-medium text-accent hover:underline">
            Create a project
          </Link>
        }
      >
        The dashboard fills in as soon as you own or join a project.
      </EmptyState>
    );
  }
  return (
    <div className="flex flex-col gap-4">
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
        <Tile label="Open" value={formatNumber(totals.open)} to={`/projects?${OPEN}`} />
        <Tile label="At risk" value={formatNumber(data.by_health.at_risk ?? 0)} to={`/projects?${OPEN}&health=at_risk`} tone="text-warning" />
        <Tile label="Off track" value={formatNumber(data.by_health.off_track ?? 0)} to={`/projects?${OPEN}&health=off_track`} tone="text-danger" />
        <Tile label="Overdue" value={formatNumber(totals.overdue)} to="/projects?overdue=true" tone={totals.overdue ? 'text-danger' : undefined} />
        <Tile label="Average progress" value={formatPercent(totals.average_progress)} to="/projects?ordering=progress" />
      </div>
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="flex flex-col gap-4">
          <Distribution title="By status" counts={data.by_status} order={STATUS_ORDER} colours={STATUS_COLOUR} param="status" />
          <Distribution title="Health of open projects" counts={data.by_health} order={HEALTH_ORDER} colours={HEALTH_COLOUR} param="health" base={OPEN} />
        </div>
        <div className="lg:col-span-2">
          <ProgressPanel counts={data.by_progress} />
        </div>
      </div>
      <div className="grid gap-4 lg:grid-cols-3">
        <Panel title="Needs attention">
          {data.at_risk_projects.length === 0 ? (
            <p className="text-sm text-fg-muted">Every open project is on track.</p>
          ) : (
            <ul className="flex flex-col divide-y divide-line">
              {data.at_risk_projects.map((p) => (
                <li key={p.id} className="py-2">
                  <div className="flex items-center justify-between gap-2">
                    <Link to={`/projects/${p.id}`} className="font-medium hover:text-accent hover:underline">
                      {p.title}
                    </Link>
                    <span className={cn('text-xs', p.health === 'off_track' ? 'text-danger' : 'text-warning')}>{humanize(p.health)}</span>
                  </div>
                  <ul className="mt-1 text-xs text-fg-muted">
                    {p.health_reasons.map((r) => (
                      <li key={r.code}>{r.message}</li>
                    ))}
                  </ul>
                  <p className="mt-1 text-xs text-fg-subtle">
                    {p.owner.name} · due {formatDate(p.due_date)}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </Panel>
        <Panel title="Over-allocated people">
          {data.over_allocated_people.length === 0 ? (
            <p className="text-sm text-fg-muted">Nobody is booked over 100 %.</p>
          ) : (
            <ul className="flex flex-col gap-2">
              {data.over_allocated_people.map((o) => (
                <li key={o.user.id} className="flex items-center justify-between text-sm">
                  <Link to={`/projects?member=${o.user.id}`} className="hover:text-accent hover:underline">
                    {o.user.name}
                  </Link>
                  <span className="text-xs text-danger tabular-nums">
                    {formatPercent(o.total_allocation)} · {o.project_count} projects
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Panel>
        <Panel title="Recent activity">
          <ul className="flex flex-col gap-2 text-sm">
            {data.recent_activity.map((a) => (
              <li key={a.id} className="flex flex-col">
                <span>
                  <span className="font-medium">{a.actor?.name ?? 'Pulse'}</span> <span className="text-fg-muted">{activitySentence(a)}</span>
                </span>
                <span className="flex min-w-0 gap-1.5 text-xs text-fg-subtle">
                  {a.project_id ? (
                    <Link to={`/projects/${a.project_id}`} className="min-w-0 truncate text-fg-muted hover:text-accent hover:underline">
                      {activityProjectTitle(a) ?? `Project #${a.project_id}`}
                    </Link>
                  ) : null}
                  {a.project_id ? <span aria-hidden>·</span> : null}
                  <time dateTime={a.created_at} title={formatDate(a.created_at)} className="shrink-0">
                    {formatRelative(a.created_at)}
                  </time>
                </span>
              </li>
            ))}
          </ul>
        </Panel>
      </div>
    </div>
  );
}

const DASHBOARD_TOPICS = ['dashboard'];

export function DashboardPage() {
  useDocumentTitle('Dashboard');
  useLiveTopics(DASHBOARD_TOPICS);
  const query = useDashboard();
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-lg font-semibold">Dashboard</h1>
      {query.isPending ? (
        <div role="status" className="grid grid-cols-2 gap-3 lg:grid-cols-5">
          <span className="sr-only">Loading the dashboard…</span>
          {Array.from({ length: 5 }, (_, i) => (
            <Skeleton key={i} className="h-20" />
          ))}
        </div>
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} title="Could not load the dashboard" />
      ) : (
        <Content data={query.data} />
      )}
    </div>
  );
}
