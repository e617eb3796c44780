import { useId, type HTMLAttributes, type MouseEvent, type ReactNode } from 'react';
import { cx } from './class-names';
import { formatDate, todayIso } from './format';
import { HealthIndicator } from './health-indicator';
import { renderSegments } from './highlight';
import { MemberAvatars, type AvatarPerson } from './member-avatars';
import { ProgressBar } from './progress-bar';
import { StatusBadge } from './status-badge';
import { TagChips } from './tag-chips';
import type { ProjectCardProject, ProjectStatus, TitleSegment } from './types';

const OPEN_STATUSES: readonly ProjectStatus[] = ['planning', 'active', 'on_hold'];

const ROLE_LABELS: Record<string, string> = {
  lead: 'Lead',
  manager: 'Manager',
  developer: 'Developer',
  designer: 'Designer',
  qa: 'QA',
  stakeholder: 'Stakeholder',
};

/** What `renderLink` receives: spread it onto your link element. */
export interface ProjectCardLinkProps {
  href: string | undefined;
  className: string;
  children: ReactNode;
}

export type ProjectCardDensity = 'comfortable' | 'compact';

export interface ProjectCardProps extends Omit<HTMLAttributes<HTMLElement>, 'title' | 'children'> {
  /** A project list row from the API, passed in as is. */
  project: ProjectCardProject;
  /** Where the title links to. Without `href` and `renderLink` the title is plain text. */
  href?: string | undefined;
  /**
   * Called on a plain left click of the title link (no modifier key), after
   * the browser's navigation is prevented: route with it. Ctrl/Cmd/Shift/middle
   * clicks keep their native behaviour (new tab or window).
   */
  onNavigate?: ((href: string, event: MouseEvent<HTMLAnchorElement>) => void) | undefined;
  /** Renders the title link yourself, e.g. `(p) => <Link to={p.href!} className={p.className}>{p.children}</Link>`. */
  renderLink?: ((props: ProjectCardLinkProps) => ReactNode) | undefined;
  /** The title split into plain and matched parts (see `parseMarkedText`); replaces `project.title`. */
  highlight?: readonly TitleSegment[] | undefined;
  /** Marks the card as selected (e.g. for bulk actions). */
  selected?: boolean | undefined;
  /** When given, the card shows a "Select" checkbox bound to `selected`. */
  onSelectedChange?: ((selected: boolean) => void) | undefined;
  density?: ProjectCardDensity | undefined;
  /** Heading level of the title. Default 3. */
  headingLevel?: 2 | 3 | 4 | 5 | 6 | undefined;
  /** Locale for the due date; the browser's when undefined. */
  locale?: string | undefined;
  /** Avatars shown before "+N". Default 4 (3 when compact). */
  maxMembers?: number | undefined;
  /** Tag chips shown before "+N". Default all (3 when compact). */
  maxTags?: number | undefined;
  /** Extra content at the bottom of the card (actions, a footer). */
  footer?: ReactNode | undefined;
}

function isPlainLeftClick(event: MouseEvent): boolean {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

function overdue(project: ProjectCardProject): boolean {
  if (project.is_overdue !== undefined) return project.is_overdue;
  return project.due_date !== null && project.due_date < todayIso() && OPEN_STATUSES.includes(project.status);
}

/**
 * One project at a glance: title link, status, health with its reasons,
 * progress, due date, owner, team and tags, in a semantic `<article>`.
 */
export function ProjectCard({
  project,
  href,
  onNavigate,
  renderLink,
  highlight,
  selected = false,
  onSelectedChange,
  density = 'comfortable',
  headingLevel = 3,
  locale,
  maxMembers,
  maxTags,
  footer,
  className,
  ...rest
}: ProjectCardProps) {
  const headingId = useId();
  const Heading = `h${headingLevel}` as const;
  const compact = density === 'compact';
  const title = project.title.trim() || 'Untitled project';
  const titleContent = highlight && highlight.length > 0 ? renderSegments(highlight) : title;
  const isOverdue = overdue(project);
  const milestones = project.milestone_summary;
  const hasMilestones = milestones !== undefined && milestones.total > 0;
  const people: AvatarPerson[] = project.members.map((member) => ({
    id: member.id,
    name: member.user.name,
    detail: ROLE_LABELS[member.role] ?? member.role,
  }));

  let titleNode: ReactNode = <span className="pc-card__title-text">{titleContent}</span>;
  if (renderLink) {
    titleNode = renderLink({ href, className: 'pc-card__link', children: titleContent });
  } else if (href !== undefined) {
    titleNode = (
      <a
        className="pc-card__link"
        href={href}
        onClick={
          onNavigate
            ? (event) => {
                if (event.defaultPrevented || !isPlainLeftClick(event)) return;
                event.preventDefault();
                onNavigate(href, event);
              }
            : undefined
        }
      >
        {titleContent}
      </a>
    );
  }

  return (
    <article
      {...rest}
      className={cx('pc-card', className)}
      aria-labelledby={headingId}
      data-density={density}
      data-selected={selected ? '' : undefined}
      data-health={project.health}
      data-status={project.status}
    >
      <div className="pc-card__header">
        {onSelectedChange ? (
          <input
            type="checkbox"
            className="pc-card__select"
            checked={selected}
            onChange={(event) => onSelectedChange(event.target.checked)}
            aria-label={`Select ${title}`}
          />
        ) : null}
        <Heading id={headingId} className="pc-card__title">
          {titleNode}
          {selected && !onSelectedChange ? (
            <>
              {' '}
              <span className="pc-sr-only">(selected)</span>
            </>
          ) : null}
        </Heading>
        <StatusBadge status={project.status} className="pc-card__status" />
      </div>

      <div className="pc-card__health-row">
        <HealthIndicator
          health={project.health}
          reasons={project.health_reasons}
          overridden={project.health_override != null}
        />
        <ProgressBar
          className="pc-card__progress"
          value={project.progress}
          valueText={
            hasMilestones
              ? `${Math.round(project.progress)}%, ${milestones.done} of ${milestones.total} milestones done`
              : undefined
          }
        />
        {hasMilestones && !compact ? (
          <span className="pc-card__milestones" aria-hidden="true">
            {milestones.done}/{milestones.total}
          </span>
        ) : null}
      </div>

      <dl className="pc-card__meta">
        <div className="pc-card__meta-item">
          <dt>Due</dt>
          <dd>
            {project.due_date ? (
              <>
                <time dateTime={project.due_date}>{formatDate(project.due_date, locale)}</time>
                {isOverdue ? <span className="pc-card__overdue">Overdue</span> : null}
              </>
            ) : (
              <span className="pc-card__muted">No due date</span>
            )}
          </dd>
        </div>
        <div className="pc-card__meta-item">
          <dt>Owner</dt>
          <dd>{project.owner ? project.owner.name : <span className="pc-card__muted">Unassigned</span>}</dd>
        </div>
        <div className="pc-card__meta-item pc-card__team">
          <dt>Team</dt>
          <dd>
            {people.length > 0 ? (
              <MemberAvatars people={people} max={maxMembers ?? (compact ? 3 : 4)} size={compact ? 'sm' : 'md'} />
            ) : (
              <span className="pc-card__muted">No members</span>
            )}
          </dd>
        </div>
      </dl>

      {project.tags.length > 0 ? (
        <TagChips className="pc-card__tags" tags={project.tags} max={maxTags ?? (compact ? 3 : undefined)} />
      ) : null}
      {footer ? <div className="pc-card__footer">{footer}</div> : null}
    </article>
  );
}
