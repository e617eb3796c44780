import type { NotificationKind } from '@/types/models';

/**
 * Every notification kind with a label for people. `satisfies` makes a new kind in the API schema a
 * compile error here, so the profile's email opt-outs and the notification list never miss one.
 */
export const NOTIFICATION_KINDS = {
  project_transitioned: { label: 'Status change', description: 'A project you belong to changes status' },
  member_added: { label: 'Added to a project', description: 'Someone adds you to a project' },
  member_role_changed: { label: 'Role changed', description: 'Your role on a project changes' },
  milestone_assigned: { label: 'Milestone assigned', description: 'A milestone is assigned to you' },
  milestone_due_soon: { label: 'Milestone due soon', description: 'A milestone of yours is due within 48 hours' },
  milestone_missed: { label: 'Milestone missed', description: 'A milestone of yours passes its due date' },
  digest: { label: 'Daily digest', description: 'One email a day summarising your projects' },
} as const satisfies Record<NotificationKind, { label: string; description: string }>;

export const notificationKinds = Object.keys(NOTIFICATION_KINDS) as NotificationKind[];

export const kindLabel = (kind: string): string => (NOTIFICATION_KINDS as Record<string, { label: string }>)[kind]?.label ?? kind;
