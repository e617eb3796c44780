// Test data in the API's shapes (typed against the generated schema, so a schema change breaks them).
import type { Me, Project } from '@/types/models';

/** An unsigned JWT whose payload says it expires `seconds` from now (the client only reads `exp`). */
export function fakeJwt(seconds: number): string {
  const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${b64({ alg: 'none' })}.${b64({ exp: Math.floor(Date.now() / 1000) + seconds, user_id: 1 })}.sig`;
}

export function signIn(seconds = 300) {
  localStorage.setItem('pulse-auth', JSON.stringify({ access: fakeJwt(seconds), refresh: 'refresh-1' }));
}

export const me: Me = {
  id: 1, username: 'dana', email: 'dana@pulse.example', display_name: 'Dana Demo', first_name: 'Dana', last_name: 'Demo',
  name: 'Dana Demo', is_staff: false, email_opt_out: [], version: 1, etag: '"user-1-v1"', date_joined: '2026-01-01T00:00:00Z',
};

export function makeProject(overrides: Partial<Project> = {}): Project {
  const id = overrides.id ?? 1;
  return {
    id, title: `Project ${id}`, description: '', status: 'active', health: 'on_track', health_reasons: [], health_override: null,
    health_override_reason: '', progress: 40, progress_mode: 'manual', start_date: '2026-11-01', due_date: '2027-01-15',
    is_overdue: false, owner: { id: 1, name: 'Dana Demo', email: 'dana@pulse.example' }, tags: [], members: [],
    milestone_summary: { total: 0, done: 0, overdue: 0, next_due: null }, allowed_transitions: ['hold', 'complete', 'cancel'],
    my_role: 'lead', capabilities: { can_edit: true, can_manage_team: true, can_delete: true, can_change_owner: true },
    version: 3,
    etag: `"project-${id}-v3"`, created_at: '2026-11-01T09:00:00Z', updated_at: '2026-11-20T09:00:00Z',
    ...overrides,
  } as Project;
}
