// Named aliases of the generated API types (src/types/api.d.ts is generated: `make types`).
import type { components } from './api';

type S = components['schemas'];
export type Project = S['ProjectOutput'];
export type ProjectInput = S['ProjectCreateInputRequest'];
export type ProjectStatus = S['ProjectStatusEnum'];
export type Health = S['HealthEnum'];
export type HealthReason = S['HealthReason'];
export type Milestone = S['MilestoneOutput'];
export type MilestoneInput = S['MilestoneInputRequest'];
export type MilestoneStatus = S['MilestoneStatusEnum'];
export type Member = S['MemberOutput'];
export type Role = S['RoleEnum'];
export type Tag = S['TagOutput'];
export type UserRef = S['UserRef'];
export type User = S['UserOutput'];
export type Me = S['MeOutput'];
export type Activity = S['ActivityOutput'];
export type Dashboard = S['Dashboard'];
export type Notification = S['Notification'];
export type TrashedProject = S['TrashedProject'];
export type SearchResult = S['SearchResult'];
export type BulkOperation = S['BulkOperation'];
export type TransitionName = S['NameEnum'];
export type ErrorBody = S['ErrorBody'];

export type Paginated<T> = { count: number; next: string | null; previous: string | null; results: T[] };
export type NotificationKind = S['NotificationKindEnum'];
