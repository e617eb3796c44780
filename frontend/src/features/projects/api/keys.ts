/**
 * Query keys of everything project-shaped. One factory so the live layer (websocket events) can
 * patch or invalidate exactly the entries an event touches.
 */
export type ProjectListParams = {
  status?: string[];
  health?: string[];
  owner?: number;
  member?: number;
  tag?: number[];
  due_before?: string;
  due_after?: string;
  overdue?: boolean;
  progress_min?: number;
  progress_max?: number;
  q?: string;
  ordering?: string;
  page?: number;
  page_size?: number;
};

export const projectKeys = {
  all: ['projects'] as const,
  lists: () => [...projectKeys.all, 'list'] as const,
  list: (params: ProjectListParams) => [...projectKeys.lists(), params] as const,
  details: () => [...projectKeys.all, 'detail'] as const,
  detail: (id: number) => [...projectKeys.details(), id] as const,
  milestones: (id: number) => [...projectKeys.detail(id), 'milestones'] as const,
  members: (id: number) => [...projectKeys.detail(id), 'members'] as const,
  activity: (id: number) => [...projectKeys.detail(id), 'activity'] as const,
  trash: () => [...projectKeys.all, 'trash'] as const,
  tags: () => ['tags'] as const,
  users: (q: string) => ['users', q] as const,
  /** A person named by id in the URL (owner/member filter), found through the projects they are on. */
  person: (id: number) => [...projectKeys.all, 'person', id] as const,
};
