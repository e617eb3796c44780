/**
 * The signed-in session: tokens in localStorage, shared by every tab.
 *
 * - The access token is refreshed shortly before it expires; the Web Locks API keeps one refresh in
 *   flight across all tabs (the refresh token rotates, so two concurrent refreshes would sign out).
 * - A failed refresh, or a logout, signs out every tab (a BroadcastChannel message and the storage event).
 */
import { apiOrigin, env } from '@/config/env';

const STORAGE_KEY = 'pulse-auth';
const REFRESH_MARGIN_MS = 60_000;

export type Tokens = { access: string; refresh: string };
type Listener = (tokens: Tokens | null, reason?: SignOutReason) => void;
export type SignOutReason = 'logout' | 'expired';

const listeners = new Set<Listener>();
const channel: BroadcastChannel | null = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('pulse-auth');
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let inflight: Promise<Tokens | null> | null = null;

function read(): Tokens | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    const value = raw ? (JSON.parse(raw) as Partial<Tokens>) : null;
    return value?.access && value.refresh ? { access: value.access, refresh: value.refresh } : null;
  } catch {
    return null;
  }
}

function emit(tokens: Tokens | null, reason?: SignOutReason) {
  schedule(tokens);
  for (const l of listeners) l(tokens, reason);
}

/** Milliseconds since the epoch at which a JWT expires (0 when unreadable). */
export function tokenExpiry(token: string): number {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: number }).exp;
    return typeof exp === 'number' ? exp * 1000 : 0;
  } catch {
    return 0;
  }
}

function schedule(tokens: Tokens | null) {
  clearTimeout(refreshTimer);
  if (!tokens) return;
  const delay = Math.max(tokenExpiry(tokens.access) - Date.now() - REFRESH_MARGIN_MS, 1_000);
  refreshTimer = setTimeout(() => void refreshTokens(tokens.access), delay);
}

export function getTokens(): Tokens | null {
  return read();
}

export function setTokens(tokens: Tokens) {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(tokens));
  channel?.postMessage({ type: 'tokens' });
  emit(tokens);
}

export function clearTokens(reason: SignOutReason = 'logout') {
  localStorage.removeItem(STORAGE_KEY);
  channel?.postMessage({ type: 'signed-out', reason });
  emit(null, reason);
}

export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

async function doRefresh(staleAccess: string | undefined): Promise<Tokens | null> {
  const current = read();
  if (!current) return null;
  // Another tab refreshed while we waited for the lock: use its tokens.
  if (staleAccess && current.access !== staleAccess) return current;
  let response: Response;
  try {
    response = await fetch(`${apiOrigin()}${env.apiBase}/auth/token/refresh/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refresh: current.refresh }),
    });
  } catch {
    return current; // offline: keep the session, try again later
  }
  if (!response.ok) {
    if (response.status === 401 || response.status === 400) clearTokens('expired');
    return null;
  }
  const body = (await response.json()) as Tokens;
  setTokens(body);
  return body;
}

/**
 * Refreshes the tokens once for every caller in every tab. `staleAccess` is the access token the
 * caller found wanting; if the stored one differs, someone already refreshed.
 */
export function refreshTokens(staleAccess?: string): Promise<Tokens | null> {
  if (inflight) return inflight;
  const run = () => doRefresh(staleAccess);
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  const pending = (locks ? (locks.request('pulse-token-refresh', run) as unknown as Promise<Tokens | null>) : run()).finally(() => {
    inflight = null;
  });
  inflight = pending;
  return pending;
}

/** A usable access token, refreshed first when it is about to expire. */
export async function freshAccessToken(): Promise<string | null> {
  const tokens = read();
  if (!tokens) return null;
  if (tokenExpiry(tokens.access) - Date.now() > 10_000) return tokens.access;
  const refreshed = await refreshTokens(tokens.access);
  return refreshed?.access ?? null;
}

function onOtherTab(type: string, reason?: SignOutReason) {
  if (type === 'signed-out') emit(null, reason);
  else emit(read());
}

channel?.addEventListener('message', (e: MessageEvent<{ type: string; reason?: SignOutReason }>) =>
  onOtherTab(e.data.type, e.data.reason),
);
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key === STORAGE_KEY && !channel) onOtherTab(e.newValue ? 'tokens' : 'signed-out', 'expired');
  });
  schedule(read());
}
