/**
 * The shapes the card reads, named and typed as the Pulse API returns them in a
 * project list row (`GET /api/projects/`), so a row can be passed in unchanged.
 * Fields the card does not read are left out; extra fields are welcome.
 */

export type ProjectStatus = 'planning' | 'active' | 'on_hold' | 'completed' | 'cancelled';

export type ProjectHealth = 'on_track' | 'at_risk' | 'off_track';

export type MemberRole = 'lead' | 'manager' | 'developer' | 'designer' | 'qa' | 'stakeholder';

/** `UserRef` in the API: who owns or works on a project. */
export interface ProjectCardUser {
  id: number | string;
  name: string;
  email?: string | undefined;
}

/** One entry of `health_reasons`: why the computed health is what it is. */
export interface ProjectCardHealthReason {
  code: string;
  severity: ProjectHealth;
  message: string;
}

/** `TagRef` in the API; `colour` is `#rrggbb`. */
export interface ProjectCardTag {
  id: number | string;
  name: string;
  colour: string;
}

/** `MemberRef` in the API: one person on the project's team. */
export interface ProjectCardMember {
  id: number | string;
  user: ProjectCardUser;
  role: MemberRole | (string & {});
  allocation?: number | undefined;
}

export interface ProjectCardMilestoneSummary {
  total: number;
  done: number;
  overdue: number;
  next_due: string | null;
}

/** A project list row as the card needs it. */
export interface ProjectCardProject {
  id: number | string;
  title: string;
  status: ProjectStatus;
  health: ProjectHealth;
  health_reasons: readonly ProjectCardHealthReason[];
  /** Set when someone overrode the computed health by hand. */
  health_override?: ProjectHealth | null | undefined;
  /** 0–100. */
  progress: number;
  /** ISO date `YYYY-MM-DD`, or null when the project has none. */
  due_date: string | null;
  /** The API's own verdict; computed from `due_date` and `status` when absent. */
  is_overdue?: boolean | undefined;
  owner: ProjectCardUser | null;
  tags: readonly ProjectCardTag[];
  members: readonly ProjectCardMember[];
  milestone_summary?: ProjectCardMilestoneSummary | undefined;
}

/** A piece of a title: plain text, or a search match to highlight. */
export interface TitleSegment {
  text: string;
  highlighted: boolean;
}
