import { env } from '@/config/env';
import { api, unwrap } from '@/lib/api-client';

/**
 * A one-time websocket ticket (valid 30 s). Failures are the API's ApiError, whose `status` and
 * `retryAfter` (a 429's Retry-After) the connection reads to decide how long to wait.
 */
export async function getTicket(): Promise<string> {
  const body = await unwrap(api.POST('/api/v1/auth/ws-ticket/'));
  return body.ticket;
}

/** The socket's URL on the page's own origin: the Vite dev proxy and nginx both forward /ws/. */
export function socketUrl(ticket: string, location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${env.wsPath}?ticket=${encodeURIComponent(ticket)}`;
}
