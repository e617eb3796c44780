/**
 * What `manage.py seed_e2e` loads (backend/pulse/ops/management/commands/seed_e2e.py): the numbers
 * the tests assert follow from its table by construction. Change both together.
 */
export const PASSWORD = 'pulse-e2e-2026';

export const users = {
  /** Owns the read-only portfolio: tests that assert numbers sign in as her and change nothing. */
  rita: { username: 'rita', name: 'Rita Reader' },
  /** Owns what the write flows change; has 4 unread notifications. */
  eddie: { username: 'eddie', name: 'Eddie Editor' },
  /** Makes her own projects in the editing tests (nobody else sees them). */
  wendy: { username: 'wendy', name: 'Wendy Writer' },
  /** Owns the 240 projects the bulk-edit test changes and undoes. */
  bella: { username: 'bella', name: 'Bella Bulk' },
  /** A manager on "Bulk project 001" only: changes it under the bulk test's feet. */
  cole: { username: 'cole', name: 'Cole Colleague' },
} as const;

/** On no project: the editing tests add her to a team by her whole email address. */
export const nina = { name: 'Nina Newcomer', email: 'nina@pulse.example' } as const;
export type SeedUser = keyof typeof users;

export const rita = {
  projects: 12,
  dashboard: { open: '9', atRisk: '2', offTrack: '2', overdue: '1', averageProgress: '33%' },
  byStatus: { Planning: '2', Active: '6', 'On hold': '1', Completed: '2', Cancelled: '1' },
  byHealth: { 'On track': '5', 'At risk': '2', 'Off track': '2' },
  progressBands: { '0–24 %': '4', '25–49 %': '2', '50–74 %': '2', '75–99 %': '1', '100 %': '0' },
  active: ['Aurora billing revamp', 'Beacon mobile app', 'Cobalt data pipeline', 'Delta search tuning', 'Ember checkout flow', 'Falcon infrastructure upgrade'],
  activeAtRisk: ['Cobalt data pipeline', 'Delta search tuning'],
  overAllocated: { name: 'Tess Teammate', detail: '110% · 4 projects' },
  trashed: 'Nimbus legacy archive',
  invisible: 'Zephyr stealth prototype',
  unread: 2,
  withMilestones: { title: 'Aurora billing revamp', milestones: ['Discovery', 'Build', 'Launch'], progress: 50 },
} as const;

export const eddie = {
  toStart: 'Orbit launch plan',
  toDelete: 'Pioneer data migration',
  unread: 4,
  notification: 'Quasar research is now on hold',
} as const;

export const bella = {
  projects: 240,
  /** Planning, start 10 days ago, due in 30 days. */
  title: (n: number) => `Bulk project ${String(n).padStart(3, '0')}`,
  /** Cole (a manager on it) changes this one between the preview and the run. */
  shared: 'Bulk project 001',
} as const;
