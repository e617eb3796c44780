import type { ProjectCardProject } from '../src';

let next = 1;

/** A project list row shaped exactly like the API's, with overrides. */
export function makeProject(overrides: Partial<ProjectCardProject> = {}): ProjectCardProject {
  const id = next++;
  return {
    id,
    title: 'Checkout revamp',
    status: 'active',
    health: 'at_risk',
    health_reasons: [
      { code: 'milestone_overdue', severity: 'at_risk', message: 'Milestone "Beta" is 3 days overdue' },
      { code: 'progress_behind', severity: 'at_risk', message: 'Progress 40% is behind schedule (60% expected)' },
    ],
    health_override: null,
    progress: 40,
    due_date: '2099-03-15',
    is_overdue: false,
    owner: { id: 7, name: 'Ada Lovelace', email: 'ada@example.com' },
    tags: [
      { id: 1, name: 'payments', colour: '#3b82f6' },
      { id: 2, name: 'urgent', colour: '#fde047' },
    ],
    members: [
      { id: 11, user: { id: 7, name: 'Ada Lovelace', email: 'ada@example.com' }, role: 'lead', allocation: 50 },
      { id: 12, user: { id: 8, name: 'Grace Hopper', email: 'grace@example.com' }, role: 'developer', allocation: 80 },
    ],
    milestone_summary: { total: 5, done: 2, overdue: 1, next_due: '2099-02-01' },
    ...overrides,
  };
}
