/** The /ws/ protocol as the SPA sees it (SPEC §6; backend/pulse/realtime/event.schema.json). */

/** One committed change: `id` is the Activity id, `version` the project's version after it. */
export type LiveEvent = {
  id: number;
  type: string;
  project_id: number | null;
  version: number | null;
  actor: { id: number; name: string } | null;
  data: {
    target_type: string;
    target_id: number | null;
    changes: Record<string, [unknown, unknown]>;
    metadata: Record<string, unknown>;
    prev_id: number | null;
  };
  ts: string;
};

/** Anything else the server sends: control answers, `dashboard.stats`, the `user` stream's messages. */
export type ServerMessage = { type: string } & Record<string, unknown>;

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

export const isLiveEvent = (m: ServerMessage): m is ServerMessage & LiveEvent =>
  typeof m.id === 'number' && 'version' in m && 'actor' in m && typeof m.data === 'object' && m.data !== null && 'changes' in m.data;
